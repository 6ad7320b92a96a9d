"""The terminal: where messages go, and the one-line live displays redrawn on stderr.

The lines are built by pure ``format_*`` functions; the classes only write them.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import TextIO

from .analysis import clock
from .audio import Level
from .report import Style

BAR_WIDTH = 20


class Console:
    """Where human-readable output goes: stdout normally, stderr when stdout carries JSON."""

    def __init__(self, json_mode: bool = False):
        self.out: TextIO = sys.stderr if json_mode else sys.stdout
        self.err: TextIO = sys.stderr
        self.style = Style(color=self.out.isatty() and "NO_COLOR" not in os.environ)

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def note(self, text: str) -> None:
        print(text, file=self.err, flush=True)


def format_bar(share: float, width: int) -> str:
    """A bar of ``width`` cells, ``share`` (0 to 1) of them filled."""
    filled = int(max(0.0, min(1.0, share)) * width)
    return "█" * filled + "·" * (width - filled)


def format_meter(level: Level, limit_s: float, hint: str) -> str:
    """The recording line: voiced or not, time against the limit, input level, a hint."""
    dot = "●" if level.voiced else "○"
    bar = format_bar((level.db + 60) / 60, BAR_WIDTH)  # -60 dB (quiet room) to 0 dB (full scale)
    return f"  {dot} {clock(level.seconds)} / {clock(limit_s)}  {bar}  {max(level.db, -99):4.0f} dB  {hint}"


def format_progress_line(done_s: float, total_s: float) -> str:
    """How far transcription of a file has got."""
    share = done_s / total_s if total_s else 1.0
    return f"  transcribing {format_bar(share, 30)} {100 * share:3.0f}%  {clock(done_s)} / {clock(total_s)}"


class Meter:
    """A one-line live timer and level meter, redrawn on stderr; lines can be printed above it."""

    def __init__(self, stream: TextIO, limit: float, hint: str):
        self.stream = stream
        self.limit = limit
        self.hint = hint
        self._last = -1.0
        self._line = ""
        self._lock = threading.Lock()

    def above(self, text: str) -> None:
        """Print a line above the meter (the live transcript), then redraw the meter."""
        with self._lock:
            self.stream.write("\r\033[K" + text + "\n" + self._line)
            self.stream.flush()

    def __call__(self, level: Level) -> None:
        if level.seconds - self._last < 0.1:  # ten redraws a second are enough to look live
            return
        self._last = level.seconds
        line = "\r" + format_meter(level, self.limit, self.hint)
        with self._lock:
            self._line = line
            self.stream.write(line)
            self.stream.flush()

    def done(self) -> None:
        with self._lock:
            self._line = ""
            self.stream.write("\r\033[K")
            self.stream.flush()


class ProgressBar:
    """Transcription progress of a long file, on one line of stderr."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def __call__(self, done_s: float, total_s: float) -> None:
        self.stream.write("\r" + format_progress_line(done_s, total_s))
        self.stream.flush()

    def done(self) -> None:
        self.stream.write("\r\033[K")
        self.stream.flush()


def wait_for_enter(stop: threading.Event) -> None:
    """Set ``stop`` when a line is read from stdin (run on a daemon thread)."""
    try:
        sys.stdin.readline()
    except (OSError, ValueError):
        return
    stop.set()
