"""Filled pauses by their sound: would pitch and voicing find the "um"s both decodings miss?

A filled pause is a voiced, steady sound: flat pitch, typically 0.2-1 s long. Whisper drops
some of them; this measures whether the pitch track voiceprep already computes for every answer
(SwiftF0, ``voiceprep.delivery.pitch_frames``) finds them, before any such detector is built
into the analysis. Two places are searched, as the issue on new voices describes:

- ``gap``: a voiced run of 0.2-1 s, at most a third of it under a word Whisper wrote, and none
  of it under a filled pause already found;
- ``stretched``: a voiced run of at least 0.2 s inside a word that lasts longer than its letters
  would take (``LETTER_S`` each, plus the run itself), where Whisper may have stretched a word
  over an "um".

A run is flat when the standard deviation of its pitch is under ``--flat`` semitones; every
threshold in ``--flat`` is printed, none is chosen here.

``--windows`` also measures the other way the issue names: decoding again, prompted with
hesitations as the filler pass is, a short window around each place an "um" could hide (a
gap of at least ``MIN_S`` between spoken words or before the first, or a stretched word as
above), padded by ``--pad`` seconds each side. A window counts as a candidate where that
decoding writes a filled pause inside the place (give or take ``NEAR_S``); each such variant is
also counted with only the filled pauses that a flat voiced run (each ``--flat``) backs where
Whisper wrote them.

Each clip of the dev sets is transcribed as `voiceprep analyze` transcribes a file; the
candidates are added to the filled pauses it found, and counted per clip as `voiceprep eval`
counts (a clip scores the smaller of the reference's count and the count found). That counting
is generous to candidates: one in a clip that also misses a real filled pause counts as found
even if it is elsewhere. Prints per speaker the filled pauses in the references, those found,
and precision / recall without and with each kind of candidate:

    python benchmarks/filled_pause_sounds.py [--flat 0.5 1.0 1.5] [--windows [--pad 0.5 1.0]]
"""

from __future__ import annotations

import argparse
import platform
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from voiceprep.audio import SAMPLE_RATE, load_audio
from voiceprep.delivery import Frames, pitch_frames
from voiceprep.evaluate import counted_fillers, load_manifest
from voiceprep.schema import Word
from voiceprep.stream import transcribe_streaming
from voiceprep.tokens import from_words
from voiceprep.transcribe import Transcriber, is_filled_pause

ROOT = Path(__file__).resolve().parent.parent / "tests" / "data"
SETS = ["real-speech", "real-speech-ami"]
MIN_S, MAX_S = 0.2, 1.0  # how long a filled pause typically lasts
MAX_UNDER_WORDS = 1 / 3  # of a gap candidate's length
LETTER_S = 0.07  # a generous time per written letter, for a word "stretched" beyond it
NEAR_S = 0.2  # Whisper's times for a filled pause are rough: how far outside its place one may fall


@dataclass
class Clip:
    speaker: str
    reference: int
    found: int
    candidates: dict[tuple[str, float], int] = field(default_factory=dict)


def voiced_runs(frames: Frames) -> list[tuple[float, float, float]]:
    """(start, end, pitch spread in semitones) of each voiced run, bridging one unvoiced frame."""
    voiced = frames.hz > 0
    runs = []
    k, n = 0, len(voiced)
    while k < n:
        if not voiced[k]:
            k += 1
            continue
        j = k
        while j + 1 < n and (voiced[j + 1] or (j + 2 < n and voiced[j + 2])):
            j += 1
        hz = frames.hz[k : j + 1]
        hz = hz[hz > 0]
        spread = float(np.std(12 * np.log2(hz / np.median(hz))))
        runs.append((float(frames.times[k]), float(frames.times[j]) + frames.hop, spread))
        k = j + 1
    return runs


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def gap_candidates(runs: list[tuple[float, float, float]], words: list[Word], flat: float) -> int:
    spoken = [w for w in words if not is_filled_pause(w)]
    pauses = [w for w in words if is_filled_pause(w)]
    count = 0
    for start, end, spread in runs:
        if not MIN_S <= end - start <= MAX_S or spread > flat:
            continue
        if sum(overlap(start, end, w.start, w.end) for w in spoken) > MAX_UNDER_WORDS * (end - start):
            continue
        if any(overlap(start, end, w.start, w.end) > 0 for w in pauses):
            continue
        count += 1
    return count


def letters_of(word: Word) -> int:
    """Letters written, at least one: what a word's length is judged by."""
    return max(1, sum(ch.isalpha() for ch in word.text))


def stretched_candidates(runs: list[tuple[float, float, float]], words: list[Word], flat: float) -> int:
    count = 0
    for w in words:
        if is_filled_pause(w):
            continue
        letters = letters_of(w)
        inside = [
            (s, e) for s, e, spread in runs if spread <= flat and e - s >= MIN_S and w.start <= s and e <= w.end + 0.05
        ]
        count += sum(1 for s, e in inside if w.end - w.start > LETTER_S * letters + (e - s))
    return count


def hiding_places(words: list[Word], gaps: bool) -> list[tuple[float, float]]:
    """Where an "um" could hide: gaps of at least ``MIN_S`` between spoken words (``gaps``), or
    words lasting longer than their letters would take plus ``MIN_S``; none already holding one."""
    spoken = [w for w in words if not is_filled_pause(w)]
    pauses = [w for w in words if is_filled_pause(w)]
    if gaps:
        ends = [0.0] + [w.end for w in spoken]  # one more than the words: a clip may have none
        places = [(end, w.start) for end, w in zip(ends, spoken, strict=False) if w.start - end >= MIN_S]
    else:
        places = [(w.start, w.end) for w in spoken if w.end - w.start > LETTER_S * letters_of(w) + MIN_S]
    return [(a, b) for a, b in places if not any(a - NEAR_S <= p.start <= b + NEAR_S for p in pauses)]


def window_candidates(
    transcriber: Transcriber, audio: np.ndarray, places: list[tuple[float, float]], pad: float
) -> list[Word]:
    """The filled pause (the first) found by decoding a padded window around each place again."""
    found = []
    for start, end in places:
        lo, hi = max(0, int((start - pad) * SAMPLE_RATE)), min(len(audio), int((end + pad) * SAMPLE_RATE))
        words, _ = transcriber.transcribe_chunk(audio[lo:hi], offset_s=lo / SAMPLE_RATE)
        found += [w for w in words if is_filled_pause(w) and start - NEAR_S <= w.start <= end + NEAR_S][:1]
    return found


def confirmed(found: list[Word], runs: list[tuple[float, float, float]], flat: float) -> int:
    """Of the filled pauses a window wrote, those with a flat voiced run of ``MIN_S`` or more where
    Whisper put them (give or take ``NEAR_S``): the sound backing the decoding."""
    return sum(
        any(
            e - s >= MIN_S and spread <= flat and overlap(s, e, w.start - NEAR_S, w.end + NEAR_S) >= MIN_S
            for s, e, spread in runs
        )
        for w in found
    )


def rates(clips: list[Clip], extra: tuple[str, float] | None = None) -> str:
    def found(c: Clip) -> int:
        return c.found + (c.candidates[extra] if extra else 0)

    hit = sum(min(c.reference, found(c)) for c in clips)
    total, expected = sum(found(c) for c in clips), sum(c.reference for c in clips)
    return f"{hit / max(1, total):.2f} / {hit / max(1, expected):.2f} ({total} found)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flat", type=float, nargs="+", default=[0.5, 1.0, 1.5], help="semitones")
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--windows", action="store_true", help="also decode a window around each place again")
    parser.add_argument("--pad", type=float, nargs="+", default=[0.5, 1.0], help="seconds each side of a window")
    args = parser.parse_args()
    transcriber = Transcriber(args.model)
    clips: list[Clip] = []
    decodings = 0
    for name in SETS:
        manifest = ROOT / name / "manifest.jsonl"
        for entry in load_manifest(manifest):
            audio = load_audio(manifest.parent / entry.audio)
            words = transcribe_streaming(transcriber, audio).words
            runs = voiced_runs(pitch_frames(audio))
            clip = Clip(entry.speaker, entry.filler_count, len(counted_fillers(entry, from_words(words))))
            for flat in args.flat:
                clip.candidates["gap", flat] = gap_candidates(runs, words, flat)
                clip.candidates["stretched", flat] = stretched_candidates(runs, words, flat)
            for pad in args.pad if args.windows else []:
                for kind, gaps in (("window: gap", True), ("window: stretched", False)):
                    places = hiding_places(words, gaps)
                    found = window_candidates(transcriber, audio, places, pad)
                    decodings += len(places)
                    clip.candidates[kind, pad] = len(found)
                    for flat in args.flat:
                        clip.candidates[f"{kind}, flat <= {flat:.1f} st", pad] = confirmed(found, runs, flat)
            clips.append(clip)
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, model {args.model}")
    print("filled pauses, precision / recall counted per clip, without and with candidates by sound")
    for speaker in dict.fromkeys(c.speaker for c in clips):
        own = [c for c in clips if c.speaker == speaker]
        reference = sum(c.reference for c in own)
        print(f"{speaker}: {len(own)} clips, {reference} in the references")
        print(f"  decodings only            {rates(own)}")
        for kind in ("gap", "stretched"):
            for flat in args.flat:
                print(f"  + {kind:9s} flat <= {flat:.1f} st  {rates(own, (kind, flat))}")
        for pad in args.pad if args.windows else []:
            for kind in ("window: gap", "window: stretched"):
                print(f"  + {kind:17s} pad {pad:.1f} s  {rates(own, (kind, pad))}")
                for flat in args.flat:
                    confirmed_kind = f"{kind}, flat <= {flat:.1f} st"
                    print(f"    and a flat run there <= {flat:.1f} st  {rates(own, (confirmed_kind, pad))}")
    if args.windows:
        print(f"windows decoded again: {decodings}")


if __name__ == "__main__":
    main()
