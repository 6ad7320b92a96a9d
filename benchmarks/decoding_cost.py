"""Decoding cost: voiceprep's transcription against faster-whisper's own single pass, same audio.

The audio is the latency benchmark's answer (eSpeak NG sentences with short gaps, ``--seconds``
long). Each decoding runs ``--repeat`` times on a loaded model; printed per decoding: the best
wall time, the CPU time of that run (all threads), how many times the encoder ran, and the
content WER against the script eSpeak spoke. The last line is the ratio of the two, which the
decoding budget (at most 1.5x) is about:

    python benchmarks/decoding_cost.py [--seconds 180] [--model tiny.en] [--repeat 2] [--cores K] [--question ID]
        [--plain-below P] [--profile]

voiceprep is told the vocabulary of ``--question`` (default: the one the answer is about), as
`voiceprep practice` is. ``--plain-below 2`` decodes every chunk with both passes side by side, as
voiceprep did before the plain pass waited for the prompted one to be unsure.

``--cores K`` pins the process to K cores first. Run it on an idle machine, or say what else ran.

``--profile`` also times each stage inside faster-whisper (encoder, beam search, word alignment,
VAD), with voiceprep's two passes run one after the other so that the stages do not overlap:
where the time goes, not how long it takes.
"""

from __future__ import annotations

import argparse
import collections
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedback_latency import content_wer, pin_to, spoken

from voiceprep.audio import to_float
from voiceprep.evaluate import _canonical
from voiceprep.questions import Library
from voiceprep.report import format_plain_pass
from voiceprep.tokens import from_text
from voiceprep.transcribe import PLAIN_BELOW, Settings, Transcriber


def measure(transcriber: Transcriber, audio, script: str, repeat: int) -> tuple[float, float, int, float]:
    """Best wall time, its CPU time, its encoder runs, and content WER against the script."""
    best: tuple[float, float, int, float] | None = None
    for _ in range(repeat):
        runs = transcriber.encoder.runs
        cpu, wall = time.process_time(), time.perf_counter()
        heard = transcriber.transcribe(audio)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        errors, count = content_wer(_canonical(from_text(script)), _canonical(from_text(heard.text)))
        row = (wall, cpu, transcriber.encoder.runs - runs, errors / max(1, count))
        if best is None or row[0] < best[0]:
            best = row
    assert best is not None
    return best


# (what holds it in faster_whisper.transcribe: a class, or None for the module; its name; the label printed)
STAGES = (
    ("WhisperModel", "encode", "encoder"),
    ("WhisperModel", "generate_with_fallback", "beam search"),
    ("WhisperModel", "add_word_timestamps", "alignment"),
    (None, "get_speech_timestamps", "VAD"),
)


def time_stages() -> collections.Counter[str]:
    """Wrap faster-whisper's stages so that each adds its wall time (and a call) to the counter returned.

    Installed before any model loads: voiceprep's shared encoder and VAD wrap these in turn.
    """
    import faster_whisper.transcribe as fw

    spent: collections.Counter[str] = collections.Counter()

    def timed(call, label):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - started
                spent[f"{label} calls"] += 1

        return wrapper

    for owner, name, label in STAGES:
        holder = getattr(fw, owner) if owner else fw
        setattr(holder, name, timed(getattr(holder, name), label))
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--cores", type=int)
    parser.add_argument(
        "--question", default="prototype-to-production", help="whose vocabulary voiceprep is told, as practice is"
    )
    parser.add_argument("--profile", action="store_true", help="time each stage; the two passes one after the other")
    parser.add_argument(
        "--plain-below",
        type=float,
        default=PLAIN_BELOW,
        metavar="P",
        help="decode a chunk plainly too where the prompted words' mean probability is under P (2: always, as before)",
    )
    args = parser.parse_args()
    spent = time_stages() if args.profile else None
    if args.cores:
        pin_to(args.cores)
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory() as tmp:
        samples, script = spoken(args.seconds, Path(tmp))
    audio = to_float(samples)
    print(f"answer: {len(audio) / 16000:.1f} s of eSpeak NG speech; {cores} of {os.cpu_count()} cores", flush=True)
    rows = {}
    pack, question = Library.load(None).find(args.question)
    ours = Settings(parallel_passes=not args.profile, plain_below=args.plain_below)
    for name, settings in (("faster-whisper", Settings.whisper_defaults()), ("voiceprep", ours)):
        transcriber = Transcriber(args.model, settings)
        if name == "voiceprep":
            transcriber.use_terms(pack.vocabulary(question))
        if spent is not None:
            spent.clear()
        rows[name] = measure(transcriber, audio, script, args.repeat)
        wall, cpu, encodes, wer = rows[name]
        print(f"{name}: {wall:.2f} s wall, {cpu:.2f} s CPU, {encodes} encoder runs, {100 * wer:.1f}% WER", flush=True)
        if transcriber.prompted_first:
            runs = args.repeat
            shown = format_plain_pass(
                transcriber.plain_kept // runs, transcriber.prompted_first // runs, transcriber.plain_decoded // runs
            )
            print(f"  plain pass: {shown}", flush=True)
        if spent is not None:
            stages = ", ".join(
                f"{label} {spent[label] / args.repeat:.2f} s ({spent[label + ' calls'] // args.repeat})"
                for _, _, label in STAGES
            )
            print(f"  per run: {stages}", flush=True)
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, model {args.model}")
    (fw_wall, fw_cpu, _, _), (vp_wall, vp_cpu, _, _) = rows["faster-whisper"], rows["voiceprep"]
    print(f"wall_ratio={vp_wall / fw_wall:.2f} cpu_ratio={vp_cpu / fw_cpu:.2f} cores={cores}")


if __name__ == "__main__":
    main()
