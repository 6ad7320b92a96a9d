"""Rubric coverage: which of a question's points the answer touched, and the words that showed it."""

from __future__ import annotations

import re

from .questions import Question
from .schema import RubricResult
from .tokens import Token

_SPLIT = re.compile(r"[\s/-]+")


def _cue_words(cue: str) -> list[str]:
    return [w for w in _SPLIT.split(cue.lower()) if w]


def _word_matches(cue_word: str, word: str) -> bool:
    # Short cue words must match exactly ("ui" must not match "uint"); longer ones also
    # match inflections ("retrain" matches "retraining", "evaluat" matches "evaluation").
    if len(cue_word) <= 3:
        return word == cue_word or word == cue_word + "s"
    return word.startswith(cue_word)


def find_cue(cue: str, words: list[str]) -> int | None:
    """Index of the first place the cue phrase occurs in the words, or None."""
    parts = _cue_words(cue)
    if not parts:
        return None
    flat = [(piece, k) for k, w in enumerate(words) for piece in _SPLIT.split(w) if piece]
    for start in range(len(flat) - len(parts) + 1):
        if all(_word_matches(parts[m], flat[start + m][0]) for m in range(len(parts))):
            return flat[start][1]
    return None


def coverage(question: Question, tokens: list[Token]) -> list[RubricResult]:
    """Each rubric point with whether a cue for it was said, and which ones."""
    words = [t.norm for t in tokens]
    results = []
    for point in question.points:
        evidence: list[str] = []
        for cue in point.cues:
            at = find_cue(cue, words)
            if at is not None:
                length = max(1, len(_cue_words(cue)))
                said = " ".join(words[at : at + length])
                if said not in evidence:
                    evidence.append(said)
        results.append(RubricResult(point=point.point, covered=bool(evidence), evidence=evidence))
    return results
