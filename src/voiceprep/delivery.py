"""How the answer sounds: pitch, loudness, pace over time, where the pauses fall, uptalk.

``pitch_frames`` reads the voice's pitch and loudness from the audio with SwiftF0 (a 135 KB
ONNX model inside the ``swift-f0`` package, MIT); ``PitchTracker`` does it block by block
while the answer is recorded. Everything else is a pure function of those frames and the
transcript's words, testable with synthetic frames.

The monotone threshold comes from measurement (the standard deviation of pitch in semitones,
per 6 s window, median over windows; ``python benchmarks/pitch_spread.py``): eSpeak NG
1.75 (1.44-1.88), a LibriVox reader 2.55 (2.20-3.36), the MFA test speaker's elicited clips
3.00 (1.94-6.00), the two AMI meeting speakers on 9 s turns 1.69 and 1.89. Under 2.0 is called
monotone; 2.5 and over, expressive.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import IMPORTING
from .audio import SAMPLE_RATE, FloatArray, Int16Array, as_float
from .schema import Delivery, PaceWindow, Span, Word
from .tokens import Token, from_words, sentences

MONOTONE_ST = 2.0
EXPRESSIVE_ST = 2.5
PITCH_WINDOW_S = 6.0
PITCH_HOP_S = 3.0
MIN_VOICED_S = 1.0  # of voiced frames in a window for its spread to count
FMIN, FMAX = 60.0, 500.0  # the range of speaking voices
VOICED = 0.5  # SwiftF0's confidence is calibrated so a frame at 0.5 or more is voiced
QUIET_DB = 10.0  # a stretch this far below the answer's median loudness is quiet
TRAIL_DB = 8.0  # a sentence's last word this far below the sentence is trailing off
PACE_WINDOW_S = 20.0
PACE_HOP_S = 10.0
RUSHED_WPM = 185.0
PAUSE_S = 0.5  # a silence between words at least this long is a pause
UPTALK_ST = 2.5  # the end of a statement rising this much is uptalk


@dataclass
class Frames:
    """Pitch and loudness every few milliseconds: seconds, Hz (0 unvoiced), dB."""

    times: npt.NDArray[np.float64]
    hz: npt.NDArray[np.float64]
    db: npt.NDArray[np.float64]

    @property
    def hop(self) -> float:
        return float(self.times[1] - self.times[0]) if len(self.times) > 1 else 0.016

    @classmethod
    def join(cls, parts: Iterable[Frames]) -> Frames:
        parts = list(parts)
        if not parts:
            return cls(np.zeros(0), np.zeros(0), np.zeros(0))
        return cls(*(np.concatenate([getattr(p, name) for p in parts]) for name in ("times", "hz", "db")))

    def between(self, start: float, end: float) -> Frames:
        keep = (self.times >= start) & (self.times < end)
        return Frames(self.times[keep], self.hz[keep], self.db[keep])


_DETECTOR: object | None = None
_DETECTOR_LOCK = threading.Lock()


def pitch_frames(audio: FloatArray | Int16Array, offset_s: float = 0.0) -> Frames:
    """The voice's pitch and loudness, frame by frame, from SwiftF0 on one thread that never spins.

    (onnxruntime's threads spin like OpenMP's; beside the transcription they would fight it.)
    """
    global _DETECTOR
    with IMPORTING:
        from swift_f0 import SwiftF0

    floats = as_float(audio)
    if len(floats) < SAMPLE_RATE // 10:
        return Frames.join([])
    with _DETECTOR_LOCK:
        if _DETECTOR is None:
            _DETECTOR = SwiftF0(threads=1, spin=False)
        result = _DETECTOR.detect(floats, SAMPLE_RATE, fmin=FMIN, fmax=FMAX)  # type: ignore[attr-defined]
    voiced = (result.confidence >= VOICED) & (result.pitch_hz >= FMIN) & (result.pitch_hz <= FMAX)
    return Frames(
        np.asarray(result.timestamps, np.float64) + offset_s,
        np.where(voiced, result.pitch_hz, 0.0).astype(np.float64),
        np.asarray(result.loudness_db, np.float64),
    )


HOP = 256  # SwiftF0's frame hop in samples (16 ms): pieces start on it, so their frames line up


def _on_hop(seconds: float) -> int:
    return round(seconds * SAMPLE_RATE / HOP) * HOP


class PitchTracker:
    """Pitch and loudness measured block by block while the answer is recorded.

    A recorder listener, like the streaming transcriber: ``feed`` only stores the block; a
    thread measures each stretch of ``STEP_S`` as it completes (with a little audio either
    side, so no frame at an edge is lost), so at the end only the last stretch is left.
    """

    STEP_S = 5.0
    EDGE_S = 0.25

    def __init__(self) -> None:
        self._blocks: list[Int16Array] = []
        self._total = 0
        self._done = 0  # samples measured
        self._parts: list[Frames] = []
        self._lock = threading.Condition()
        self._finished = False
        self.busy_s = 0.0
        self._thread = threading.Thread(target=self._run, name="pitch-tracker", daemon=True)
        self._thread.start()

    def feed(self, block: Int16Array, offset: int) -> None:
        with self._lock:
            self._blocks.append(block)
            self._total = offset + len(block)
            self._lock.notify_all()

    def _audio(self) -> Int16Array:
        with self._lock:
            if len(self._blocks) > 1:
                self._blocks = [np.concatenate(self._blocks)]
            return self._blocks[0] if self._blocks else np.zeros(0, np.int16)

    def _measure(self, end: int) -> None:
        step_edge = _on_hop(self.EDGE_S)
        audio = self._audio()
        start = self._done
        lo = max(0, start - step_edge)
        began = time.perf_counter()
        frames = pitch_frames(audio[lo : min(len(audio), end + step_edge)], lo / SAMPLE_RATE)
        self._parts.append(frames.between(start / SAMPLE_RATE, end / SAMPLE_RATE))
        self.busy_s += time.perf_counter() - began
        self._done = end

    def _run(self) -> None:
        step = _on_hop(self.STEP_S)
        edge = _on_hop(self.EDGE_S)
        while True:
            with self._lock:
                while not self._finished and self._total - self._done < step + edge:
                    self._lock.wait()
                finished = self._finished
                total = self._total
            if finished:
                if total > self._done:
                    self._measure(total)
                return
            self._measure(self._done + step)

    def finish(self) -> Frames:
        """Measure what is left and return every frame of the answer."""
        with self._lock:
            self._finished = True
            self._lock.notify_all()
        self._thread.join()
        return Frames.join(self._parts)


def frames_of(samples: Int16Array, step_s: float = 10.0) -> Frames:
    """Pitch and loudness of a whole recording, 10 s at a time: onnxruntime keeps its largest tensors."""
    step, edge = _on_hop(step_s), _on_hop(PitchTracker.EDGE_S)
    parts = []
    for start in range(0, len(samples), step):
        end = min(len(samples), start + step)
        lo = max(0, start - edge)
        frames = pitch_frames(samples[lo : min(len(samples), end + edge)], lo / SAMPLE_RATE)
        parts.append(frames.between(start / SAMPLE_RATE, end / SAMPLE_RATE))
    return Frames.join(parts)


# ---------------------------------------------------------------- pure measures


def semitones(hz: npt.NDArray[np.float64], reference: float) -> npt.NDArray[np.float64]:
    return 12.0 * np.log2(hz / reference)


def pitch_spread(frames: Frames) -> tuple[float | None, list[tuple[float, float, float]]]:
    """The pitch spread in semitones (median over windows) and each window's (start, end, spread)."""
    voiced = frames.hz > 0
    times, hz = frames.times[voiced], frames.hz[voiced]
    if len(hz) * frames.hop < MIN_VOICED_S:
        return None, []
    end = float(frames.times[-1])
    windows: list[tuple[float, float, float]] = []
    start = float(frames.times[0])
    while True:
        inside = (times >= start) & (times < start + PITCH_WINDOW_S)
        if inside.sum() * frames.hop >= MIN_VOICED_S:
            window = hz[inside]
            windows.append(
                (start, min(end, start + PITCH_WINDOW_S), float(np.std(semitones(window, np.median(window)))))
            )
        if start + PITCH_WINDOW_S >= end:
            break
        start += PITCH_HOP_S
    if not windows:
        return None, []
    return round(float(np.median([w[2] for w in windows])), 2), windows


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _text(tokens: list[Token], start: float, end: float) -> str:
    return " ".join(t.raw for t in tokens if t.end > start and t.start < end)


def _span(tokens: list[Token], start: float, end: float) -> Span:
    return Span(text=_text(tokens, start, end), start=round(start, 2), end=round(end, 2))


def pace_windows(words: list[Word], duration_s: float) -> list[PaceWindow]:
    """Words per minute in windows of PACE_WINDOW_S, every PACE_HOP_S (one window for a short answer)."""
    if not words:
        return []
    starts = np.array([w.start for w in words])
    first, last = float(words[0].start), float(words[-1].end)
    if last - first <= PACE_WINDOW_S:
        return [
            PaceWindow(start=round(first, 2), end=round(last, 2), wpm=round(60 * len(words) / max(last - first, 1.0)))
        ]
    # full windows only, the last one ending with the last word: a few seconds say little
    begins = [*np.arange(first, last - PACE_WINDOW_S, PACE_HOP_S), last - PACE_WINDOW_S]
    out = []
    for start in begins:
        end = start + PACE_WINDOW_S
        count = int(((starts >= start) & (starts < end)).sum())
        out.append(
            PaceWindow(start=round(float(start), 2), end=round(float(end), 2), wpm=round(60 * count / PACE_WINDOW_S))
        )
    return out


def pauses(tokens: list[Token], number_starts: set[float]) -> tuple[list[Span], list[Span], list[Span]]:
    """Pauses of PAUSE_S or more: at a sentence or clause boundary, mid-clause, and just before a number."""
    boundary, mid, before_number = [], [], []
    for prev, cur in itertools.pairwise(tokens):
        gap = cur.start - prev.end
        if gap < PAUSE_S:
            continue
        span = Span(text=f"{prev.raw} … {cur.raw}", start=round(prev.end, 2), end=round(cur.start, 2))
        if cur.start in number_starts:
            before_number.append(span)
        if prev.clause_end or prev.sentence_end:
            boundary.append(span)
        else:
            mid.append(span)
    return boundary, mid, before_number


def uptalk(frames: Frames, tokens: list[Token], number_starts: set[float]) -> list[Span]:
    """Statements whose last word rises UPTALK_ST or more above the rest of the sentence's end."""
    found = []
    for sentence in sentences(tokens):
        last = sentence[-1]
        if last.raw.rstrip("\"')").endswith("?") or last.end - sentence[0].start < 1.0:
            continue
        tail = frames.between(last.start, last.end + 0.1)
        body = frames.between(max(sentence[0].start, last.start - 1.5), last.start)
        tail_hz, body_hz = tail.hz[tail.hz > 0], body.hz[body.hz > 0]
        if len(tail_hz) * frames.hop < 0.08 or len(body_hz) * frames.hop < 0.2:
            continue
        end_hz = float(np.median(tail_hz[len(tail_hz) // 2 :]))  # the word's own end
        rise = float(semitones(np.array([end_hz]), float(np.median(body_hz)))[0])
        if rise >= UPTALK_ST:
            text = " ".join(t.raw for t in sentence)
            carries_number = any(t.start in number_starts for t in sentence)
            found.append(
                Span(
                    text=(text + "  (with the figure)") if carries_number else text,
                    start=round(sentence[0].start, 2),
                    end=round(last.end, 2),
                )
            )
    return found


def _every(frames: Frames, values: npt.NDArray[np.float64], seconds: float) -> list[tuple[float, float]]:
    """(time, value) pairs about every ``seconds``, for drawing."""
    step = max(1, int(seconds / frames.hop))
    return [(round(float(t), 2), round(float(v), 1)) for t, v in zip(frames.times[::step], values[::step], strict=True)]


def measure(frames: Frames, words: list[Word], duration_s: float, number_starts: Iterable[float] = ()) -> Delivery:
    """Everything voiceprep says about how the answer sounded, from its frames and its words."""
    tokens = from_words(words)
    numbers = set(number_starts)
    spread, windows = pitch_spread(frames)
    voiced = frames.hz > 0
    speech_db = frames.db[voiced] if voiced.any() else frames.db[frames.db > -60]
    volume = float(np.median(speech_db)) if len(speech_db) else None
    quiet: list[Span] = []
    trailing: list[Span] = []
    if volume is not None:
        step = 2.0
        stretches = []
        for w in words:
            around = frames.between(w.start, w.end)
            level = around.db[around.hz > 0]
            if len(level) and float(np.median(level)) <= volume - QUIET_DB:
                stretches.append((w.start, w.end + step / 4))
        quiet = [_span(tokens, s, e) for s, e in _merge(stretches) if e - s >= step]
        for sentence in sentences(tokens):
            if len(sentence) < 4:
                continue
            last = frames.between(sentence[-1].start, sentence[-1].end)
            rest = frames.between(sentence[0].start, sentence[-1].start)
            last_db, rest_db = last.db[last.hz > 0], rest.db[rest.hz > 0]
            if len(last_db) and len(rest_db) and np.median(last_db) <= np.median(rest_db) - TRAIL_DB:
                trailing.append(_span(tokens, sentence[-1].start, sentence[-1].end))
    boundary, mid, before_number = pauses(tokens, numbers)
    paces = pace_windows(words, duration_s)
    flat = [(s, e) for s, e, st in windows if st < MONOTONE_ST]
    return Delivery(
        pitch_median_hz=round(float(np.median(frames.hz[voiced])), 1) if voiced.any() else None,
        pitch_spread_st=spread,
        monotone=spread is not None and spread < MONOTONE_ST,
        expressive=spread is not None and spread >= EXPRESSIVE_ST,
        monotone_spans=[_span(tokens, s, e) for s, e in _merge(flat)],
        volume_db=None if volume is None else round(volume, 1),
        volume_spread_db=round(float(np.std(speech_db)), 1) if len(speech_db) else None,
        quiet_spans=quiet,
        trailing_off=trailing,
        pace_windows=paces,
        rushed_spans=[Span(text="", start=p.start, end=p.end) for p in paces if p.wpm > RUSHED_WPM],
        pauses_at_boundaries=len(boundary),
        pauses_mid_clause=mid,
        pauses_before_numbers=before_number,
        uptalk=uptalk(frames, tokens, numbers),
        pitch_line=_every(frames, frames.hz, 0.1),
        loudness_line=_every(frames, frames.db, 0.25),
        monotone_below_st=MONOTONE_ST,
    )
