"""How well voiceprep hears *this* speaker's "um"s and "uh"s: scripts with planted hesitations,
read aloud by the candidate, transcribed as practice transcribes, and counted.

The counting is ``voiceprep eval``'s: filled pauses per take on both sides, a take's true
positives the smaller of the two counts. The result is kept as ``calibration.json`` in the data
folder and shown beside the filler counts of every report made after it.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from .schema import FillerCalibration, Word
from .store import write_text
from .tokens import FILLED_PAUSE, normalise
from .transcribe import is_filled_pause

CALIBRATION_FILE = "calibration.json"
# Our own sentences, each with hesitations where a speaker might put them: 11 in all.
SCRIPTS = [
    "So, um, the first model we shipped was, uh, a gradient boosted tree for fraud.",
    "Um, it cut the review queue from, uh, twelve hundred cases to about, um, four hundred a day.",
    "The hardest part was, uh, the labels, because, um, nobody had checked them in, uh, two years.",
    "Uh, next time I would, um, start with the data and, uh, leave the model for later.",
]


def planted(script: str) -> int:
    """How many filled pauses a script asks the reader to say."""
    return sum(FILLED_PAUSE.match(normalise(w)) is not None for w in script.split())


def heard(words: list[Word]) -> int:
    """How many filled pauses a transcript holds."""
    return sum(is_filled_pause(w) for w in words)


class CalibrationTake(BaseModel):
    script: str
    planted: int
    heard: int
    transcript: str
    audio: str | None = None  # the take's WAV, relative to the data folder


class Calibration(BaseModel):
    created_at: str
    model: str
    takes: list[CalibrationTake] = Field(min_length=1)

    def summary(self) -> FillerCalibration:
        expected = sum(t.planted for t in self.takes)
        found = sum(t.heard for t in self.takes)
        right = sum(min(t.planted, t.heard) for t in self.takes)
        return FillerCalibration(
            created_at=self.created_at,
            model=self.model,
            planted=expected,
            heard=found,
            recall=round(right / expected, 3) if expected else None,
            precision=round(right / found, 3) if found else None,
        )


def save(home: Path, calibration: Calibration) -> Path:
    path = home / CALIBRATION_FILE
    home.mkdir(parents=True, exist_ok=True)
    write_text(path, calibration.model_dump_json(indent=2))
    return path


def load(home: Path) -> Calibration | None:
    """The last calibration in the data folder; None when there is none or it cannot be read."""
    try:
        return Calibration.model_validate(json.loads((home / CALIBRATION_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError):
        return None


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
