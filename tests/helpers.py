"""Helpers shared by the tests."""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np

from voiceprep.schema import Word
from voiceprep.tokens import Token, from_text, from_words

ROOT = Path(__file__).resolve().parent.parent


def words_from(spec: str, start: float = 0.0, step: float = 0.4, gaps: dict[int, float] | None = None) -> list[Word]:
    """Words with made-up timings: each takes ``step`` seconds; ``gaps`` adds silence before word i."""
    out = []
    t = start
    for i, text in enumerate(spec.split()):
        t += (gaps or {}).get(i, 0.0)
        out.append(Word(text=text, start=round(t, 3), end=round(t + step * 0.9, 3), probability=0.9))
        t += step
    return out


def toks(text: str) -> list[Token]:
    return from_text(text)


def twords(text: str) -> list[Token]:
    return from_words(words_from(text))


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``voiceprep`` in its own process, as a user would."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "voiceprep", *args],
        env=full_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )


NUMBER_WORDS = {
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "million",
    "and",
    "p",
    "percent",
    "point",
}


def content_words(text: str) -> list[str]:
    """Lower-case words with numbers left out: Whisper writes digits where the script has words."""
    import re

    words = re.findall(r"[a-z0-9%$.']+", text.lower().replace("-", " "))
    words = [w.strip(".'") for w in words]
    return [w for w in words if w and w not in NUMBER_WORDS and not re.search(r"\d", w)]


def word_error_rate(reference: list[str], hypothesis: list[str]) -> float:
    """Levenshtein distance over words, divided by the reference length."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i] + [0] * len(hypothesis)
        for j, hyp in enumerate(hypothesis, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp))
        previous = current
    return previous[-1] / max(1, len(reference))


SCRIPT = (
    "At my last company I owned the fraud model for card payments. "
    "We moved from simple rules to gradient boosting because the rules missed new attack patterns. "
    "I cut the latency from four hundred and eighty milliseconds to ninety five milliseconds, "
    "and we reduced the cost per prediction by forty percent. "
    "After launch we saw data drift, so I rolled back within two hours and retrained on fresh labels."
)


def write_wav(path: Path, samples: np.ndarray, rate: int = 16000) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype("<i2").tobytes())
    return path
