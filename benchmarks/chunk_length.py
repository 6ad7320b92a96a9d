"""Chunk length on long real speech: each speaker's dev clips in a row, cut into chunks of at most N s.

The dev clips are all shorter than a chunk, so ``voiceprep eval`` cannot tell one chunk length
from another. Here each speaker's clips (``tests/data/real-speech*``) are joined into one
recording, 0.8 s of silence between them, and transcribed as ``voiceprep analyze`` transcribes a
file, once for each ``--limit``. Printed per speaker and limit: the recording's length, its chunks,
content WER against the clips' references joined in the same order, and the filled pauses written
against those the references count (a count, not a match: read it beside the WER). The last line
of each limit sums the errors over all speakers.

    python benchmarks/chunk_length.py [--limit 25 28] [--model tiny.en]
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedback_latency import content_wer

from voiceprep.audio import SAMPLE_RATE, as_float, load_audio
from voiceprep.evaluate import ManifestEntry, _canonical, load_manifest
from voiceprep.tokens import from_text
from voiceprep.transcribe import Settings, Transcriber, chunk_spans, is_filled_pause, speech_spans

ROOT = Path(__file__).resolve().parent.parent / "tests" / "data"
SETS = ["real-speech", "real-speech-ami"]
GAP_S = 0.8


def in_a_row(folder: Path, entries: list[ManifestEntry]) -> np.ndarray:
    gap = np.zeros(int(GAP_S * SAMPLE_RATE), dtype=np.float32)
    pieces: list[np.ndarray] = []
    for e in entries:
        pieces += [as_float(load_audio(folder / e.audio)), gap]
    return np.concatenate(pieces)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, nargs="+", default=[25.0, 28.0], help="chunk lengths, in seconds")
    parser.add_argument("--model", default="tiny.en")
    args = parser.parse_args()

    speakers: list[tuple[str, np.ndarray, str, int]] = []
    for name in SETS:
        folder = ROOT / name
        by_speaker: dict[str, list[ManifestEntry]] = {}
        for e in load_manifest(folder / "manifest.jsonl"):
            by_speaker.setdefault(e.speaker, []).append(e)
        for speaker, entries in by_speaker.items():
            reference = " ".join(e.reference for e in entries)
            speakers.append((speaker, in_a_row(folder, entries), reference, sum(e.filler_count for e in entries)))

    for limit in args.limit:
        transcriber = Transcriber(args.model, Settings(max_chunk_s=limit))
        wrong = said = 0
        for speaker, audio, reference, fillers in speakers:
            chunks = chunk_spans(speech_spans(audio), len(audio), limit)
            heard = transcriber.transcribe(audio)
            errors, count = content_wer(_canonical(from_text(reference)), _canonical(from_text(heard.text)))
            wrong, said = wrong + errors, said + count
            found = sum(is_filled_pause(w) for w in heard.words)
            print(
                f"{limit:g} s  {speaker[:45]:45}  {len(audio) / SAMPLE_RATE:5.0f} s  {len(chunks):3} chunks  "
                f"WER {100 * errors / max(1, count):5.1f}% ({errors}/{count})  filled pauses {found} of {fillers}",
                flush=True,
            )
        print(f"{limit:g} s  all speakers: WER {100 * wrong / max(1, said):.1f}% ({wrong}/{said})", flush=True)
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, model {args.model}")


if __name__ == "__main__":
    main()
