"""Time from the end of a spoken answer to the report, real-time factor and peak memory.

Runs the real `voiceprep practice` in a subprocess, recording from a virtual ALSA
microphone (ALSA's file plugin) that plays an answer spoken by eSpeak NG. With --pace 1 the
answer is fed through a FIFO at real-time speed, so the model loads while the candidate
speaks, as it does at a desk; with --pace 0 it is read as fast as PortAudio can.

    python benchmarks/practice_latency.py [--seconds 60] [--pace 1] [--model tiny.en] [--runs 3]

The last line printed is: feedback_s=... rtf=... peak_rss_mb=... answer_s=...
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from voiceprep.audio import load_audio
from voiceprep.speech import Speaker

SENTENCES = [
    "At my last company I owned the fraud model for card payments.",
    "We moved from simple rules to gradient boosting because the rules missed new attack patterns.",
    "The training set had about two million labelled transactions from eighteen months of traffic.",
    "I cut the latency from four hundred and eighty milliseconds to ninety five milliseconds.",
    "We evaluated it on a holdout month and then in a shadow deployment for two weeks.",
    "After launch we saw data drift when a new merchant category arrived.",
    "I rolled back within two hours, retrained on fresh labels and added a drift alert.",
    "In the end fraud losses fell by thirty percent and manual reviews by a quarter.",
]


def spoken_answer(seconds: float, workdir: Path) -> np.ndarray:
    """At least ``seconds`` of eSpeak NG speech as 16 kHz int16: whole sentences with short gaps."""
    speaker = Speaker()
    pieces: list[np.ndarray] = []
    total = 0
    k = 0
    while total < seconds * 16000:
        path = workdir / f"s{k % len(SENTENCES)}.wav"
        if not path.exists():
            speaker.render(SENTENCES[k % len(SENTENCES)], path)
        audio = np.clip(load_audio(path) * 32768, -32768, 32767).astype(np.int16)
        gap = np.zeros(int(0.6 * 16000), np.int16)
        pieces += [audio, gap]
        total += len(audio) + len(gap)
        k += 1
    # Whole sentences, then silence: after the end of its file ALSA's file plugin repeats
    # its last period rather than going quiet, so the file must end in silence.
    return np.concatenate([*pieces, np.zeros(5 * 16000, np.int16)])


def asoundrc(home: Path, infile: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / ".asoundrc").write_text(
        'pcm.!default { type asym  playback.pcm "spk"  capture.pcm "mic" }\n'
        'pcm.spk { type plug  slave.pcm { type file  slave.pcm "null"  file "/dev/null"  format "raw" } }\n'
        "pcm.mic { type plug\n"
        f'  slave {{ pcm {{ type file  slave.pcm "null"  file "/dev/null"  infile "{infile}"  format "raw" }}\n'
        "          format S16_LE  rate 16000  channels 1 } }\n"
    )


def run_once(answer: np.ndarray, pace: float, model: str, workdir: Path) -> dict[str, float]:
    home = Path(tempfile.mkdtemp(dir=workdir))
    mic = home / ("mic.fifo" if pace > 0 else "mic.raw")
    if pace > 0:
        os.mkfifo(mic)
    else:
        answer.astype("<i2").tofile(mic)
    asoundrc(home, mic)
    env = dict(os.environ, HOME=str(home), VOICEPREP_HOME=str(home / "data"))
    command = [
        sys.executable,
        "-m",
        "voiceprep",
        "practice",
        "--no-speak",
        "--json",
        "--model",
        model,
        "-q",
        "prototype-to-production",
        "--silence-seconds",
        "2",
        "--max-seconds",
        str(len(answer) / 16000 + 30),
    ]
    proc = subprocess.Popen(
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )

    def feed() -> None:
        pos = 0
        block = 1600
        while proc.poll() is None:
            try:
                with open(mic, "wb") as fifo:
                    started = time.monotonic()
                    first = pos
                    while proc.poll() is None:
                        chunk = answer[pos : pos + block]
                        chunk = np.concatenate([chunk, np.zeros(block - len(chunk), np.int16)])
                        fifo.write(chunk.astype("<i2").tobytes())
                        fifo.flush()
                        pos += block
                        due = started + (pos - first) / 16000 / pace
                        time.sleep(max(0.0, due - time.monotonic()))
            except BrokenPipeError:
                continue  # PortAudio opens and closes the device while probing

    if pace > 0:
        threading.Thread(target=feed, daemon=True).start()
    out, err = proc.communicate(timeout=len(answer) / 16000 / max(pace, 0.05) + 300)
    if proc.returncode != 0:
        raise SystemExit(f"practice failed ({proc.returncode}): {err.strip()}")
    feedback = float(re.search(r"Feedback ready ([\d.]+) s", err).group(1))  # type: ignore[union-attr]
    report = json.loads(out)
    session = next((home / "data").iterdir())
    transcript = json.loads((session / "transcript.json").read_text())
    return {
        "feedback_s": feedback,
        "rtf": transcript["transcribe_s"] / transcript["duration_s"],
        "answer_s": report["duration_s"],
        "words": report["word_count"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the spoken answer")
    parser.add_argument("--pace", type=float, default=1.0, help="1 = real time, 0 = as fast as possible")
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        answer = spoken_answer(args.seconds, workdir)
        results = []
        for k in range(args.runs):
            r = run_once(answer, args.pace, args.model, workdir)
            results.append(r)
            print(
                f"run {k + 1}: feedback {r['feedback_s']:.2f} s, rtf {r['rtf']:.3f}, "
                f"answer {r['answer_s']:.1f} s, {r['words']:.0f} words",
                flush=True,
            )
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, model {args.model}, pace {args.pace:g}")
    print(
        f"feedback_s={statistics.median(r['feedback_s'] for r in results):.2f} "
        f"rtf={statistics.median(r['rtf'] for r in results):.3f} "
        f"peak_rss_mb={peak_mb:.0f} answer_s={statistics.median(r['answer_s'] for r in results):.1f}"
    )


if __name__ == "__main__":
    main()
