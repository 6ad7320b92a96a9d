"""Audio at the edges: devices, recording to disk as it happens, playback and decoding files.

Everything that touches PortAudio goes through ``sounddevice`` here and nowhere else, so the
rest of voiceprep works on plain arrays and paths.
"""

from __future__ import annotations

import contextlib
import math
import os
import queue
import signal
import struct
import threading
import time
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Protocol

import numpy as np
import numpy.typing as npt

from .errors import AudioFileError, DeviceError, StorageError

SAMPLE_RATE = 16_000
BLOCK_SECONDS = 0.1
STOP_POLL_S = 0.02  # how often the recording loop looks for Enter while it waits for a block
FloatArray = npt.NDArray[np.float32]
Int16Array = npt.NDArray[np.int16]


def _sd() -> Any:
    """Import sounddevice, turning a missing PortAudio library into one clear error."""
    try:
        import sounddevice
    except OSError as exc:  # sounddevice raises OSError when libportaudio is absent
        raise DeviceError(f"the PortAudio library is missing ({exc}); install it: apt install libportaudio2") from None
    return sounddevice


class WavStreamWriter:
    """A 16-bit mono WAV file that is valid on disk after every block written.

    The RIFF and data sizes are rewritten after each block, so a take survives a crash or a
    killed process with everything recorded up to the last block.
    """

    def __init__(self, path: Path, samplerate: int = SAMPLE_RATE):
        self.path = path
        self.samplerate = samplerate
        self.frames = 0
        try:
            self._file: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed in close()
        except OSError as exc:
            raise AudioFileError(f"cannot write {path}: {exc.strerror or exc}") from None
        self._file.write(self._header(0))
        self._file.flush()

    def _header(self, data_bytes: int) -> bytes:
        rate = self.samplerate
        return (
            b"RIFF"
            + struct.pack("<I", 36 + data_bytes)
            + b"WAVE"
            + b"fmt "
            + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
            + b"data"
            + struct.pack("<I", data_bytes)
        )

    def write(self, samples: Int16Array) -> None:
        """Append a block; on a full disk, keep what was written before it and raise StorageError."""
        data = np.ascontiguousarray(samples, dtype="<i2").data.cast("B")  # a view: no copy of a long file
        try:
            self._file.write(data)
            self._file.flush()
        except OSError as exc:
            self._keep_whole_blocks()
            raise StorageError(
                f"cannot write {self.path} ({exc.strerror or exc}); "
                f"the {self.seconds:.1f} s recorded before it are kept"
            ) from None
        self.frames += len(data) // 2
        end = self._file.tell()
        self._file.seek(4)
        self._file.write(struct.pack("<I", 36 + self.frames * 2))
        self._file.seek(40)
        self._file.write(struct.pack("<I", self.frames * 2))
        self._file.seek(end)
        self._file.flush()

    def _keep_whole_blocks(self) -> None:
        """After a failed write: cut the file back to the blocks written whole, header intact.

        Shrinking a file and overwriting its header need no free space, so this works on a full disk.
        """
        with contextlib.suppress(OSError):  # the block that did not fit is still in the buffer
            self._file.close()
        try:
            os.truncate(self.path, 44 + self.frames * 2)
            with open(self.path, "r+b") as f:
                f.write(self._header(self.frames * 2))
        except OSError:
            pass

    @property
    def seconds(self) -> float:
        return self.frames / self.samplerate

    def close(self) -> None:
        if not self._file.closed:
            try:
                self._file.close()
            except OSError:
                self._keep_whole_blocks()

    def __enter__(self) -> WavStreamWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def read_wav(path: Path) -> tuple[Int16Array, int]:
    """Samples (mono int16) and rate of a 16-bit PCM WAV file."""
    try:
        with wave.open(str(path), "rb") as w:
            rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
            frames = w.readframes(w.getnframes())
    except (wave.Error, EOFError, OSError) as exc:
        raise AudioFileError(f"cannot read {path}: {exc}") from None
    if width != 2:
        raise AudioFileError(f"{path}: expected 16-bit samples, found {8 * width}-bit")
    data = np.frombuffer(frames, dtype="<i2")
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return data.astype(np.int16), rate


def load_audio(path: Path) -> FloatArray:
    """Any file PyAV decodes, as mono float32 at 16 kHz."""
    return to_float(load_samples(path))


def load_samples(path: Path) -> Int16Array:
    """Any file PyAV decodes, as mono 16-bit samples at 16 kHz.

    Half the memory of float32, and decoded block by block: a 30-minute file is 58 MB here.
    """
    if not path.exists():
        raise AudioFileError(f"{path}: no such file")
    if path.is_dir():
        raise AudioFileError(f"{path}: is a folder, not an audio file")
    if path.stat().st_size == 0:
        raise AudioFileError(f"{path}: the file is empty")
    import av

    samples = np.zeros(0, np.int16)
    filled = 0

    def put(block: npt.NDArray[Any]) -> None:
        nonlocal samples, filled
        if filled + len(block) > len(samples):  # grow by half: no list of blocks beside the whole
            grown = np.zeros(max(filled + len(block), len(samples) * 3 // 2), np.int16)
            grown[:filled] = samples[:filled]
            samples = grown
        samples[filled : filled + len(block)] = block
        filled += len(block)

    try:
        resampler = av.audio.resampler.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            if container.duration:  # the length the container announces, with a margin
                samples = np.zeros(int(container.duration / av.time_base * SAMPLE_RATE * 1.01) + SAMPLE_RATE, np.int16)
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    put(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):  # what the resampler still holds
                put(out.to_ndarray().reshape(-1))
    except Exception as exc:  # PyAV raises many error types for one cause: undecodable input
        # PyAV's messages read "[Errno 1094995529] Invalid data found when processing input: 'x.wav'":
        # the reason is the part between the error number and the file name, named already
        reason = getattr(exc, "strerror", None) or (str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        raise AudioFileError(f"{path}: not a readable audio file ({reason})") from None
    if filled == 0:
        raise AudioFileError(f"{path}: holds no audio samples")
    return samples[:filled]


def as_float(audio: FloatArray | Int16Array) -> FloatArray:
    """Audio as float32, whether it is 16-bit samples or float already (then not copied)."""
    return to_float(audio.view(np.int16)) if audio.dtype == np.int16 else np.asarray(audio, np.float32)


def to_float(samples: Int16Array) -> FloatArray:
    return (samples.astype(np.float32) / 32768.0).astype(np.float32)


def to_int16(audio: FloatArray) -> Int16Array:
    """The inverse of ``to_float``, clipped to the 16-bit range."""
    samples: Int16Array = np.clip(audio * 32768.0, -32768, 32767).astype(np.int16)
    return samples


def level_db(block: Int16Array) -> float:
    """RMS level of a block in dBFS (-100 for digital silence)."""
    if block.size == 0:
        return -100.0
    rms = math.sqrt(float(np.mean(np.square(block.astype(np.float64))))) / 32768.0
    return 20 * math.log10(rms) if rms > 1e-5 else -100.0


class VoiceDetector:
    """Tells speech from silence by level, against a noise floor it learns as it listens.

    Time is counted in samples, never on the wall clock, so it behaves the same whether the
    input arrives in real time or faster (a file-backed test device).
    """

    def __init__(self, samplerate: int = SAMPLE_RATE, min_db: float = -48.0, margin_db: float = 12.0):
        self.samplerate = samplerate
        self.min_db = min_db
        self.margin_db = margin_db
        self.floor_db = -70.0
        self.voiced_s = 0.0
        self.silent_run_s = 0.0
        self.speech_started = False

    def threshold(self) -> float:
        return max(self.min_db, self.floor_db + self.margin_db)

    def feed(self, block: Int16Array) -> bool:
        seconds = len(block) / self.samplerate
        db = level_db(block)
        voiced = db >= self.threshold()
        # The floor follows quiet blocks quickly and loud ones slowly, so speech does not
        # drag it up but a noisier room does.
        if db < self.floor_db:
            self.floor_db = max(db, -90.0)
        elif not voiced:
            self.floor_db += 0.2 * (db - self.floor_db)
        else:
            self.floor_db += 0.5 * seconds
        if voiced:
            self.voiced_s += seconds
            self.silent_run_s = 0.0
            if self.voiced_s >= 0.3:
                self.speech_started = True
        else:
            self.silent_run_s += seconds
        return voiced


@dataclass
class StopRules:
    max_seconds: float = 180.0
    silence_seconds: float = 5.0  # 0 turns silence-stopping off
    start_timeout: float = 20.0  # give up when nobody has spoken by then; 0 waits to max_seconds


@dataclass
class Take:
    """What a recording produced."""

    path: Path
    seconds: float
    stopped_by: str  # "enter", "silence", "max_seconds", "interrupt", "no_speech"
    speech_heard: bool
    peak_db: float = -100.0


@dataclass
class Level:
    """What a live meter shows: elapsed time and level, both counted from the samples."""

    seconds: float
    db: float
    voiced: bool
    speech_started: bool


BlockListener = Callable[[Int16Array, int], None]


class Recorder(Protocol):
    def record(
        self,
        path: Path,
        rules: StopRules,
        *,
        stop: threading.Event | None = None,
        on_level: Callable[[Level], None] | None = None,
        listeners: list[BlockListener] | None = None,
    ) -> Take: ...


@contextlib.contextmanager
def ctrl_c_sets(event: threading.Event) -> Iterator[None]:
    """While inside, Ctrl-C sets ``event`` instead of raising KeyboardInterrupt (main thread only).

    A KeyboardInterrupt lands between any two bytecodes, also just after a lock was taken and
    before the ``with`` that would give it back: in the middle of a take, a lock of the recorder's
    queue or of a listener could stay taken, and the thread waiting for it (PortAudio's, or the
    transcriber's) with it. The recording loop reads the event with Enter's instead, between blocks.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread: Ctrl-C raises there, as before
        return
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        yield  # started with Ctrl-C ignored (a background job): it stays ignored
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: event.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@dataclass
class DeviceRecorder:
    """Records the microphone to a WAV file as it goes, until a stop rule fires.

    ``listeners`` receive each block with its offset in samples from the start of the take,
    in order, from the recording thread: a streaming transcriber can hang off them.
    """

    device: int | str | None = None
    samplerate: int = SAMPLE_RATE
    stall_seconds: float = 3.0

    def record(
        self,
        path: Path,
        rules: StopRules,
        *,
        stop: threading.Event | None = None,
        on_level: Callable[[Level], None] | None = None,
        listeners: list[BlockListener] | None = None,
    ) -> Take:
        sd = _sd()
        # A SimpleQueue: its put never waits for a lock. A Queue's get, interrupted by Ctrl-C at
        # the wrong instant, left its lock taken: PortAudio's thread then waited in put() for ever,
        # and the main thread in stream.stop() for PortAudio's (an interview hung after Ctrl-C).
        blocks: queue.SimpleQueue[Int16Array] = queue.SimpleQueue()
        block = int(self.samplerate * BLOCK_SECONDS)

        def callback(indata: Any, frames: int, t: Any, status: Any) -> None:
            # Runs on PortAudio's thread: copy and hand over, never block.
            blocks.put(indata[:, 0].copy())

        try:
            stream = sd.InputStream(
                samplerate=self.samplerate,
                channels=1,
                dtype="int16",
                blocksize=block,
                device=self.device,
                callback=callback,
            )
        except (sd.PortAudioError, ValueError) as exc:
            raise DeviceError(f"cannot open the microphone: {_device_message(exc)}") from None

        detector = VoiceDetector(self.samplerate)
        writer = WavStreamWriter(path, self.samplerate)
        stopped_by = "max_seconds"
        peak = -100.0
        offset = 0
        limit = int(rules.max_seconds * self.samplerate)
        last_block = time.monotonic()
        interrupted = threading.Event()

        def asked_to_stop() -> str | None:
            if interrupted.is_set():
                return "interrupt"
            return "enter" if stop is not None and stop.is_set() else None

        try:
            with ctrl_c_sets(interrupted), stream:
                while offset < limit:
                    if (asked := asked_to_stop()) is not None:
                        stopped_by = asked
                        break
                    try:
                        # a short wait, so Enter ends the take at once rather than with the next block
                        data = blocks.get(timeout=STOP_POLL_S)
                    except queue.Empty:
                        if (asked := asked_to_stop()) is not None:
                            stopped_by = asked
                            break
                        if time.monotonic() - last_block < self.stall_seconds:
                            continue
                        raise DeviceError(
                            f"the microphone stopped sending audio after {offset / self.samplerate:.1f} s; "
                            f"what was recorded is kept in {path}"
                        ) from None
                    last_block = time.monotonic()
                    data = data[: limit - offset]
                    writer.write(data)
                    for listener in listeners or []:
                        listener(data, offset)
                    offset += len(data)
                    voiced = detector.feed(data)
                    db = level_db(data)
                    peak = max(peak, db)
                    if on_level is not None:
                        on_level(Level(offset / self.samplerate, db, voiced, detector.speech_started))
                    if (
                        rules.silence_seconds > 0
                        and detector.speech_started
                        and detector.silent_run_s >= rules.silence_seconds
                    ):
                        stopped_by = "silence"
                        break
                    if (
                        rules.start_timeout > 0
                        and not detector.speech_started
                        and offset >= rules.start_timeout * self.samplerate
                    ):
                        stopped_by = "no_speech"
                        break
                # The take has ended: what the device still holds came after it. Stopping the
                # stream would wait for those buffers (0.2 s measured through ALSA); aborting does not.
                stream.abort()
        except KeyboardInterrupt:
            stopped_by = "interrupt"
        except sd.PortAudioError as exc:
            writer.close()
            raise DeviceError(
                f"the microphone failed after {writer.seconds:.1f} s ({_device_message(exc)}); "
                f"what was recorded is kept in {path}"
            ) from None
        finally:
            writer.close()
        if interrupted.is_set():
            stopped_by = "interrupt"  # Ctrl-C as the take ended (by silence, say) still means stop
        return Take(path, writer.seconds, stopped_by, detector.speech_started, peak)


def _device_message(exc: BaseException, kind: str = "input") -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "Invalid number of channels" in text or "No Default" in text or "Error querying device -1" in text:
        return f"no {kind} device found (see `voiceprep devices`)"
    if text.startswith("Error querying device") or text.startswith("No input device matching"):
        return f"{text[0].lower()}{text[1:]} (see `voiceprep devices`)"
    return text


def check_input(device: int | str | None, samplerate: int = SAMPLE_RATE) -> None:
    """Fail now, with one clear line, if the microphone cannot record 16-bit mono."""
    sd = _sd()
    try:
        sd.check_input_settings(device=device, channels=1, dtype="int16", samplerate=samplerate)
    except (sd.PortAudioError, ValueError) as exc:
        raise DeviceError(f"cannot use the microphone: {_device_message(exc)}") from None


@dataclass
class DevicePlayer:
    """Plays audio to the speakers, blocking until it has finished."""

    device: int | str | None = None

    def play(self, samples: Int16Array, samplerate: int, *, on_progress: Callable[[float], None] | None = None) -> None:
        sd = _sd()
        try:
            sd.play(samples, samplerate, device=self.device)
            if on_progress is None:
                sd.wait()
                return
            started = time.monotonic()
            length = len(samples) / samplerate
            stream = sd.get_stream()
            while stream.active:
                on_progress(min(length, time.monotonic() - started))
                time.sleep(0.02)
            on_progress(length)
        except KeyboardInterrupt:
            sd.stop()
            raise
        except (sd.PortAudioError, ValueError) as exc:
            raise DeviceError(f"cannot play audio: {_device_message(exc, 'output')}") from None


def list_devices() -> list[dict[str, Any]]:
    """Every device PortAudio sees, with which are the defaults."""
    sd = _sd()
    try:
        devices = sd.query_devices()
        default_in, default_out = sd.default.device
    except sd.PortAudioError as exc:
        raise DeviceError(f"cannot list audio devices: {_device_message(exc)}") from None
    out = []
    for index, dev in enumerate(devices):
        out.append(
            {
                "index": index,
                "name": dev["name"],
                "inputs": dev["max_input_channels"],
                "outputs": dev["max_output_channels"],
                "default_samplerate": dev["default_samplerate"],
                "default_input": index == default_in,
                "default_output": index == default_out,
            }
        )
    return out


def parse_device(value: str | None) -> int | str | None:
    """A device given on the command line: its index, or part of its name."""
    if value is None or value == "":
        return None
    return int(value) if value.isdigit() else value
