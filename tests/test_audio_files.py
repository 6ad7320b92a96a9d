import itertools
import os
import signal
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from voiceprep import audio
from voiceprep.audio import VoiceDetector, WavStreamWriter, level_db, load_audio, read_wav, to_float
from voiceprep.errors import AudioFileError


def tone(seconds: float, db: float, rate: int = 16000, freq: float = 220.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    amplitude = 10 ** (db / 20) * 32767 * np.sqrt(2)
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.int16)


def test_stream_writer_file_is_valid_after_every_block(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    data = tone(1.0, -20)
    with WavStreamWriter(path) as writer:
        for k in range(0, len(data), 1600):
            writer.write(data[k : k + 1600])
            # another reader sees a complete WAV holding everything so far
            with wave.open(str(path)) as w:
                assert w.getnframes() == k + len(data[k : k + 1600])
                assert w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2
    samples, rate = read_wav(path)
    assert rate == 16000 and np.array_equal(samples, data)


def test_a_killed_writer_leaves_a_readable_take(tmp_path: Path) -> None:
    path = tmp_path / "killed.wav"
    code = (
        "import numpy as np, os, sys\n"
        "from pathlib import Path\n"
        "from voiceprep.audio import WavStreamWriter\n"
        f"w = WavStreamWriter(Path({str(path)!r}))\n"
        "for k in range(5): w.write(np.full(1600, k, dtype=np.int16))\n"
        "os._exit(9)\n"  # no close(), no atexit: as if the process were killed
    )
    result = subprocess.run([sys.executable, "-c", code], check=False)
    assert result.returncode == 9
    samples, _ = read_wav(path)
    assert len(samples) == 5 * 1600
    assert samples[-1] == 4


def test_level_db() -> None:
    assert level_db(np.zeros(1600, dtype=np.int16)) == -100.0
    assert level_db(tone(0.1, -20)) == pytest.approx(-20, abs=0.2)


def test_voice_detector_counts_samples_not_seconds() -> None:
    det = VoiceDetector()
    for _ in range(10):
        det.feed(np.zeros(1600, dtype=np.int16))
    assert not det.speech_started
    det.feed(tone(0.2, -25))
    assert not det.speech_started  # 0.2 s is a click, not speech
    det.feed(tone(0.2, -25))
    assert det.speech_started
    for _ in range(30):
        det.feed(np.zeros(1600, dtype=np.int16))
    assert det.silent_run_s == pytest.approx(3.0)


def test_voice_detector_learns_a_steady_hum() -> None:
    det = VoiceDetector()
    hum = tone(0.1, -40, freq=50)
    for _ in range(600):  # a minute of mains hum
        det.feed(hum)
    assert not det.feed(hum)
    assert det.feed(tone(0.1, -15))  # speech over the hum is still heard


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b""), "the file is empty"),
        (lambda p: p.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunkjunkjunk" * 10), "not a readable audio file"),
        (lambda p: p.write_text("this is not audio\n" * 50), "not a readable audio file"),
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "is a folder"),
    ],
)
def test_load_audio_errors(tmp_path: Path, make, message: str) -> None:
    path = tmp_path / "x.wav"
    make(path)
    with pytest.raises(AudioFileError, match=message) as raised:
        load_audio(path)
    assert "Errno" not in str(raised.value)  # the reason in words, not PyAV's error number


def test_load_audio_resamples_to_16k(tmp_path: Path) -> None:
    path = tmp_path / "t.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        stereo = np.repeat(tone(0.5, -20, rate=44100)[:, None], 2, axis=1)
        w.writeframes(stereo.tobytes())
    audio = load_audio(path)
    assert audio.dtype == np.float32
    assert len(audio) == pytest.approx(8000, abs=40)
    assert os.path.getsize(path) > 0


def test_samples_decode_as_faster_whisper_decodes_them() -> None:
    from faster_whisper.audio import decode_audio

    from voiceprep.audio import load_samples

    clip = Path(__file__).parent / "data" / "real-speech-ami" / "ami-en2002b-bc-0859_agent.flac"
    samples = load_samples(clip)
    assert samples.dtype == np.int16 and len(samples) == pytest.approx(9 * 16000, abs=160)
    assert np.array_equal(to_float(samples), decode_audio(str(clip), sampling_rate=16000))


def test_long_audio_is_heard_by_the_vad_in_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    from voiceprep import transcribe
    from voiceprep.audio import load_samples

    clips = sorted((Path(__file__).parent / "data" / "real-speech-ami").glob("*.flac"))[:4]
    audio = np.concatenate([load_samples(c) for c in clips])  # 36 s of meeting speech
    whole = transcribe.speech_spans(audio)
    monkeypatch.setattr(transcribe, "VAD_WINDOW_S", 10)
    windowed = transcribe.speech_spans(audio)
    speech = sum(e - s for s, e in whole)
    assert abs(sum(e - s for s, e in windowed) - speech) < 0.05 * speech
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(windowed))  # in order, not overlapping


def test_ctrl_c_during_a_take_sets_the_event_and_raises_nowhere() -> None:
    """Inside ``ctrl_c_sets`` a SIGINT only sets the event (the recording loop reads it between
    blocks); outside, Ctrl-C raises KeyboardInterrupt again."""
    pressed = threading.Event()
    with audio.ctrl_c_sets(pressed):
        os.kill(os.getpid(), signal.SIGINT)
        assert pressed.wait(1.0)
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1.0)


def test_ctrl_c_sets_leaves_signals_alone_off_the_main_thread() -> None:
    before = signal.getsignal(signal.SIGINT)
    seen: list[object] = []

    def take() -> None:
        with audio.ctrl_c_sets(threading.Event()):
            seen.append(signal.getsignal(signal.SIGINT))

    worker = threading.Thread(target=take)
    worker.start()
    worker.join()
    assert seen == [before]


def test_ctrl_c_ignored_on_start_stays_ignored_during_a_take() -> None:
    """A background job starts with SIGINT ignored; a take does not take it back."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        pressed = threading.Event()
        with audio.ctrl_c_sets(pressed):
            os.kill(os.getpid(), signal.SIGINT)
            assert not pressed.wait(0.3)
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)
