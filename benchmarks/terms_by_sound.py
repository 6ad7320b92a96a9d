"""Terms heard by their sound, on text nobody wrote for it: how often would the step rewrite words that were said?

The step (``voiceprep.sounds.terms_by_sound``) writes a vocabulary term where the transcript's
words sound like it. Here it runs over human transcripts of real speech, told every term of
every question in the built-in pack (70 terms, far more than any one answer is told), so nearly
every rewrite is a word that was said and should have stayed:

- the three verbatim earnings calls (Earnings-21, ``tests/data/transcripts``);
- the human references of the two real-speech dev sets (``tests/data/real-speech*``);
- the 48 typed rubric answers, each told its own question's vocabulary, as practice would be
  (their "slips" answers hold speech-to-text errors on purpose, "prompt cashing": rewriting
  those is the step doing its work, and they are counted apart).

Prints each rewrite, then the words read and the rewrites per thousand words for each source.
No audio and no model: it measures the rule, not Whisper.

    python benchmarks/terms_by_sound.py
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from voiceprep.questions import Library
from voiceprep.schema import Word
from voiceprep.sounds import terms_by_sound

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def words_of(text: str) -> list[Word]:
    return [Word(text=w, start=k * 0.4, end=k * 0.4 + 0.3) for k, w in enumerate(text.split())]


def rewrites(text: str, terms: tuple[str, ...]) -> tuple[int, list[tuple[str, str]]]:
    words = words_of(text)
    _, rewritten = terms_by_sound(words, terms)
    return len(words), [(w, t) for w, t, _ in rewritten]


def main() -> None:
    library = Library.load(None)
    pairs = library.questions(None)
    every = tuple(dict.fromkeys(t for pack, q in pairs for t in pack.vocabulary(q)))
    sources: dict[str, list[str]] = {
        "earnings calls": [
            json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted((DATA / "transcripts").glob("*.json"))
        ],
        "real-speech references": [],
    }
    for manifest in (DATA / "real-speech" / "manifest.jsonl", DATA / "real-speech-ami" / "manifest.jsonl"):
        for line in manifest.read_text(encoding="utf-8").splitlines():
            if line.strip():
                sources["real-speech references"].append(json.loads(line)["reference"])
    print(f"vocabulary: {len(every)} terms, every question's")
    for name, texts in sources.items():
        count, found = 0, []
        for text in texts:
            n, r = rewrites(text, every)
            count += n
            found += r
        for written, term in found:
            print(f"  {name}: {written!r} -> {term!r}")
        print(f"{name}: {count} words, {len(found)} rewritten ({1000 * len(found) / max(1, count):.2f} per 1000 words)")
    vocabularies = {q.id: pack.vocabulary(q) for pack, q in pairs}
    answers = yaml.safe_load((DATA / "rubric" / "answers.yaml").read_text(encoding="utf-8"))["answers"]
    for slips in (False, True):
        count, found = 0, []
        for answer in answers:
            if (answer["style"] == "slips") != slips:
                continue
            n, r = rewrites(answer["text"], vocabularies[answer["question"]])
            count += n
            found += r
        name = "rubric answers, " + ("'slips' (errors on purpose)" if slips else "the rest")
        for written, term in found:
            print(f"  {name}: {written!r} -> {term!r}")
        print(f"{name}: {count} words, {len(found)} rewritten ({1000 * len(found) / max(1, count):.2f} per 1000 words)")


if __name__ == "__main__":
    main()
