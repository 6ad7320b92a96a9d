"""Text to speech: the question rendered to a WAV file with pyttsx3 (eSpeak NG on Linux).

Rendering to a file, rather than pyttsx3's own ``say()``, keeps the question audio with the
session and plays it through the same sounddevice path as everything else.
"""

from __future__ import annotations

import contextlib
import io
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SpeechError

PREFERRED_VOICES = ("en-gb", "en", "en-us")
WORDS_PER_MINUTE = 165


@dataclass
class Speaker:
    """Renders text to speech files; one engine for the life of the object."""

    rate: int = WORDS_PER_MINUTE
    voice: str | None = None
    _engine: Any = None

    def _init(self) -> Any:
        if self._engine is not None:
            return self._engine
        try:
            import pyttsx3

            engine = pyttsx3.init()
        except Exception as exc:  # pyttsx3 raises bare errors when the speech library is absent
            raise SpeechError(
                f"text to speech is unavailable ({exc or type(exc).__name__}); install eSpeak NG: apt install espeak-ng"
            ) from None
        engine.setProperty("rate", self.rate)
        chosen = self._pick_voice(engine)
        if chosen is not None:
            engine.setProperty("voice", chosen)
        self._engine = engine
        return engine

    def _pick_voice(self, engine: Any) -> str | None:
        voices = engine.getProperty("voices") or []
        wanted = [self.voice] if self.voice else list(PREFERRED_VOICES)
        for want in wanted:
            for v in voices:
                languages = [str(x).lower() for x in (getattr(v, "languages", None) or [])]
                if want in languages or v.id == want or str(v.name).lower() == want.lower():
                    return str(v.id)
        if self.voice:
            raise SpeechError(f"no voice named {self.voice!r}")
        return None

    def render(self, text: str, path: Path, attempts: int = 3) -> Path:
        """Write ``text`` spoken to a WAV file at ``path``."""
        engine = self._init()
        # pyttsx3 prints "Audio saved to ..." on stdout, which belongs to our output, and
        # may do so from its callback after runAndWait() has returned: keep stdout
        # redirected until the file is there.
        with contextlib.redirect_stdout(io.StringIO()):
            for attempt in range(attempts):
                path.unlink(missing_ok=True)
                engine.save_to_file(text, str(path))
                engine.runAndWait()
                # The file has been seen to arrive late, or not at all on a machine's very
                # first call: wait for it a little, then synthesise again.
                deadline = time.monotonic() + 0.5 * (attempt + 1)
                while time.monotonic() < deadline:
                    if path.exists() and path.stat().st_size > 44:
                        return path
                    time.sleep(0.02)
        raise SpeechError(f"text to speech wrote no audio to {path}")
