"""Words as the analysis sees them: text with its position and the punctuation around it.

A token's ``start`` and ``end`` are seconds when it comes from a transcript, and character
offsets when it comes from typed text; the analysis does not care which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .schema import Word

# "um", "uh", "er", "erm", "ah", "hmm", a hummed "mm", and their drawn-out spellings ("mm-hmm",
# one word, is a listener's yes, not a hesitation)
FILLED_PAUSE = re.compile(r"^(u+m+|u+h+m*|e+r+m*|a+h+|h+m+|m{2,})$")
_EDGE = "\"'“”‘’()[]{}«»…*_"
_CLAUSE_END = (",", ";", ":", "—", "–", "-", "...", "…")
_SENTENCE_END = (".", "?", "!")
# The speaker in the first person, alone or with a team (every form a tokeniser keeps as one word).
I_WORDS = frozenset(["i", "i'm", "i've", "i'd", "i'll", "me", "my", "myself", "mine"])
WE_WORDS = frozenset(["we", "we're", "we've", "we'd", "we'll", "us", "our", "ours", "ourselves"])


@dataclass(frozen=True)
class Token:
    raw: str
    norm: str
    start: float
    end: float
    sentence_start: bool
    clause_start: bool
    clause_end: bool
    sentence_end: bool


def normalise(text: str) -> str:
    """Lower case with surrounding punctuation removed; inner apostrophes and dots stay."""
    text = text.strip().lower().replace("’", "'")
    text = text.strip(_EDGE)
    return text.rstrip(".,;:!?-—–").lstrip("-—–").strip(_EDGE)


def written(phrase: str) -> str:
    """A normalised phrase as it is written in a sentence: "i mean" -> "I mean"."""
    return " ".join("I" if w == "i" else w for w in phrase.split())


def _tokens(items: list[tuple[str, float, float]]) -> list[Token]:
    out: list[Token] = []
    prev_sentence_end = True
    prev_clause_end = True
    for raw, start, end in items:
        stripped = raw.strip().rstrip(_EDGE)
        norm = normalise(raw)
        if not norm:
            # A bare punctuation mark closes the clause of the word before it.
            if out and stripped:
                sentence = stripped.endswith(_SENTENCE_END)
                last = out[-1]
                out[-1] = Token(
                    last.raw,
                    last.norm,
                    last.start,
                    last.end,
                    last.sentence_start,
                    last.clause_start,
                    True,
                    last.sentence_end or sentence,
                )
                prev_clause_end = True
                prev_sentence_end = prev_sentence_end or sentence
            continue
        sentence_end = stripped.endswith(_SENTENCE_END) and not stripped.endswith("...")
        clause_end = sentence_end or stripped.endswith(_CLAUSE_END)
        out.append(
            Token(
                raw=raw.strip(),
                norm=norm,
                start=start,
                end=end,
                sentence_start=prev_sentence_end,
                clause_start=prev_clause_end,
                clause_end=clause_end,
                sentence_end=sentence_end,
            )
        )
        prev_sentence_end = sentence_end
        prev_clause_end = clause_end
    return out


def from_words(words: list[Word]) -> list[Token]:
    """Tokens of a transcript; Whisper sometimes packs two words into one ("you know,")."""
    items: list[tuple[str, float, float]] = []
    for w in words:
        parts = w.text.split()
        if len(parts) <= 1:
            items.append((w.text, w.start, w.end))
            continue
        step = (w.end - w.start) / len(parts)
        for k, part in enumerate(parts):
            items.append((part, w.start + k * step, w.start + (k + 1) * step))
    return _tokens(items)


def from_text(text: str) -> list[Token]:
    """Tokens of typed text, positioned by character offsets."""
    return _tokens([(m.group(), float(m.start()), float(m.end())) for m in re.finditer(r"\S+", text)])


def without_filled_pauses(tokens: list[Token]) -> list[Token]:
    """The tokens less "um" and "uh", so a hesitation inside a number does not split it.

    The commas Whisper writes around a hesitation go with it ("480, um, milliseconds"): the
    word before it no longer closes its clause, unless the hesitation followed a sentence's end.
    """
    out: list[Token] = []
    for t in tokens:
        if FILLED_PAUSE.match(t.norm) is None:
            out.append(t)
        elif out and not out[-1].sentence_end and not t.sentence_end:
            out[-1] = replace(out[-1], clause_end=t.clause_end and not t.raw.endswith(","))
    return out


def sentences(tokens: list[Token]) -> list[list[Token]]:
    """The tokens cut after each sentence's end; the words after the last one make a sentence too."""
    out: list[list[Token]] = []
    current: list[Token] = []
    for t in tokens:
        current.append(t)
        if t.sentence_end:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out
