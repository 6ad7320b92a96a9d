"""Would the decoder's own score tell a term from the words Whisper wrote? (Measured, not built.)

For each sentence of ``term_recall.py`` (``--set dev|held-out``, eSpeak NG), transcribed as ``analyze``
transcribes it with its question's vocabulary: for every term of that vocabulary not written, the
stretch of one to three written words that sounds nearest to it (eSpeak NG phonemes, as
``sounds.distance``), kept where it is within a third of the term's phonemes. The sentence is then
scored twice by the prompted pass's decoder (its prompt, its encoder output, the words forced, no
search, no symbol kept from it): as written, and with the term in that stretch. The difference of
the two log-probabilities is printed for terms that were said (a term Whisper missed) and for
terms that were not (a word said that sounds near one: "cash", "shop", "Laura"). A rule "write the
term where it scores within M of the written words" is worth building only if some M takes the
first kind and not the second.

The sentences are spoken and transcribed in the order ``term_recall.py`` speaks and transcribes
them, so its row "in use" and the words here are the same: eSpeak NG's speech of a sentence
differs a little with what it spoke before in the same process.

    python benchmarks/term_rescoring.py [--set dev|held-out]
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from term_recall import _key, heard, sentences_of, speak

from voiceprep.audio import load_audio
from voiceprep.questions import Library
from voiceprep.sounds import SOUNDS, distance, spoken_form
from voiceprep.speech import voice
from voiceprep.transcribe import Settings, Transcriber

LONGEST = 3  # words in a stretch
NEAR = 1 / 3  # of the term's phonemes, in steps


def _log_softmax(x: Any) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    top = x.max()
    return x - top - np.log(np.exp(x - top).sum())


def scorer(transcriber: Transcriber, audio: np.ndarray) -> Callable[[str], float]:
    """The log-probability of a text as the prompted pass's decoder reads ``audio``, every token
    forced: the audio is encoded once, for every text scored against it."""
    model = transcriber._model_now()
    tokenizer = transcriber._tokenizer(model)
    encoded = transcriber._encoded_as_decoded(model, audio)
    before = tokenizer.encode(" " + transcriber._filler_prompt())

    def score(text: str) -> float:
        prompt = model.get_prompt(tokenizer, before, without_timestamps=True, prefix=text)
        forced = tokenizer.encode(" " + text.strip())
        steps = model.model.generate(
            encoded, [prompt], beam_size=1, max_length=len(prompt) + 2, return_logits_vocab=True, suppress_tokens=[]
        )[0].logits[0]
        return sum(float(_log_softmax(steps[k])[token]) for k, token in enumerate(forced))

    return score


def nearest(words: list[str], term: str) -> tuple[float, int, int] | None:
    """The stretch of ``words`` (first, end) sounding nearest to ``term``, and how far (steps)."""
    keys = [_key(w) for w in words]
    stretches = [(a, b) for a in range(len(words)) for b in range(a + 1, min(len(words), a + LONGEST) + 1)]
    texts = [" ".join(k for k in keys[a:b] if k) for a, b in stretches]
    known = SOUNDS.of([spoken_form(term)] + [t for t in texts if t])
    if known is None:
        raise SystemExit("eSpeak NG's espeak-ng is needed (scripts/setup.sh installs it)")
    sound = known[spoken_form(term)]
    best = min(
        ((distance(sound, known[t]), a, b) for (a, b), t in zip(stretches, texts, strict=True) if t), default=None
    )
    return best if best is not None and best[0] <= NEAR * len(sound) else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("dev", "held-out"), default="dev")
    args = parser.parse_args()
    library = Library.load(None)
    transcriber = Transcriber(settings=Settings())
    speaker = voice("espeak", seed=0)
    rows: list[tuple[bool, float, str, str, str]] = []  # (said, difference, written, term, sentence)
    sentences = sentences_of(args.set)
    with tempfile.TemporaryDirectory() as tmp:
        paths = speak(sentences, speaker, Path(tmp))
        for path, (_, question_id, terms) in zip(paths, sentences, strict=True):
            audio = load_audio(path)
            pack, question = library.find(question_id)
            vocabulary = pack.vocabulary(question)
            words = [w.text for w in transcriber.use_terms(vocabulary).transcribe(audio).words]
            written = " ".join(words)
            score = scorer(transcriber, audio)
            as_written: float | None = None  # scored once, where a term is near enough to compare
            for term in vocabulary:
                if heard(term, written):
                    continue
                found = nearest(words, term)
                if found is None:
                    continue
                _, first, end = found
                tail = words[end - 1][len(words[end - 1].rstrip(",.?!;:")) :]
                swapped = " ".join([*words[:first], term + tail, *words[end:]])
                if as_written is None:
                    as_written = score(written)
                difference = score(swapped) - as_written
                stretch = " ".join(words[first:end])
                rows.append((term in terms, difference, stretch, term, written))
    for kind, said in (("terms said and missed", True), ("terms not said, near words that were", False)):
        chosen = sorted((r for r in rows if r[0] == said), key=lambda r: -r[1])
        print(f"set {args.set}, {kind}: {len(chosen)}")
        for _, difference, stretch, term, written in chosen:
            print(f"  {difference:+7.2f}  {stretch!r} -> {term!r}   in {written!r}")
    for margin in (0.0, 1.0, 2.0, 4.0):
        hit = sum(1 for r in rows if r[0] and r[1] >= -margin)
        wrong = sum(1 for r in rows if not r[0] and r[1] >= -margin)
        print(f"term written where it scores within {margin:.0f} of the words: {hit} said, {wrong} not said")


if __name__ == "__main__":
    main()
