from __future__ import annotations

import signal
from pathlib import Path

import numpy as np
import pytest

from helpers import SCRIPT
from voiceprep.audio import load_audio
from voiceprep.speech import Speaker


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("VOICEPREP_HOME", str(path))
    return path


@pytest.fixture(scope="session")
def spoken_answer(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    """SCRIPT spoken by eSpeak NG, as 16 kHz mono int16 samples."""
    path = tmp_path_factory.mktemp("speech") / "answer.wav"
    Speaker().render(SCRIPT, path)
    audio = load_audio(path)
    return np.clip(audio * 32768, -32768, 32767).astype(np.int16)


@pytest.fixture(scope="session", autouse=True)
def _cache_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory):
    """What voiceprep keeps in the cache (embedded phrasings) goes to a temporary folder, not the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="session", autouse=True)
def _ctrl_c_reaches_voiceprep():
    """The end-to-end tests press Ctrl-C by sending voiceprep SIGINT, as a terminal does to the
    program in front. A shell starts a background job (``pytest ... &`` in a script) with SIGINT
    ignored, every process it starts inherits that, and Python then leaves it ignored: voiceprep
    went on recording through the test's Ctrl-C. Handled here, its children start with the default."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
