"""Pitch spread per speaker: the measurements behind voiceprep's monotone threshold.

For every clip of the real-speech dev sets, and for answers spoken by eSpeak NG, prints the
pitch spread as voiceprep measures it (standard deviation in semitones per 6 s window,
median over windows; ``voiceprep.delivery.pitch_spread``), then per speaker the median and
the 10th and 90th percentiles, and how many clips the threshold calls monotone. Also the
time pitch tracking costs, as a share of the audio's length.

    python benchmarks/pitch_spread.py
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import numpy as np

from voiceprep.audio import load_audio
from voiceprep.delivery import MONOTONE_ST, pitch_frames, pitch_spread
from voiceprep.speech import Speaker

ROOT = Path(__file__).resolve().parent.parent / "tests" / "data"
SETS = ["real-speech", "real-speech-ami"]
ESPEAK = [
    "At my last company I owned the fraud model for card payments. We moved from simple rules to gradient "
    "boosting because the rules missed new attack patterns.",
    "The training set had about two million labelled transactions. I cut the latency from four hundred and "
    "eighty milliseconds to ninety five milliseconds.",
    "We evaluated it on a holdout month and then in a shadow deployment for two weeks. After launch we saw "
    "data drift when a new merchant category arrived.",
]


def main() -> None:
    spreads: dict[str, list[float]] = {}
    seconds = busy = 0.0
    for name in SETS:
        for line in (ROOT / name / "manifest.jsonl").read_text().splitlines():
            entry = json.loads(line)
            audio = load_audio(ROOT / name / entry["audio"])
            started = time.perf_counter()
            spread, _ = pitch_spread(pitch_frames(audio))
            busy += time.perf_counter() - started
            seconds += len(audio) / 16000
            if spread is not None:
                spreads.setdefault(entry.get("speaker") or name, []).append(spread)
    with tempfile.TemporaryDirectory() as tmp:
        for k, text in enumerate(ESPEAK):
            path = Path(tmp) / f"{k}.wav"
            Speaker().render(text, path)
            spread, _ = pitch_spread(pitch_frames(load_audio(path)))
            if spread is not None:
                spreads.setdefault("eSpeak NG (voiceprep's own scripts)", []).append(spread)
    print(f"{'speaker':<60} {'clips':>5} {'median':>7} {'p10':>6} {'p90':>6}  monotone (< {MONOTONE_ST:g} st)")
    for speaker, values in spreads.items():
        flat = sum(v < MONOTONE_ST for v in values)
        print(
            f"{speaker[:60]:<60} {len(values):>5} {np.median(values):>7.2f} {np.percentile(values, 10):>6.2f} "
            f"{np.percentile(values, 90):>6.2f}  {flat} of {len(values)}"
        )
    print(
        f"pitch tracking: {busy:.2f} s for {seconds:.0f} s of audio (real-time factor {busy / seconds:.4f}), one thread"
    )


if __name__ == "__main__":
    main()
