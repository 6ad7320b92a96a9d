from pathlib import Path

import numpy as np
import pytest

from voiceprep.audio import level_db, read_wav
from voiceprep.speech import Speaker


def test_render_writes_speech_and_nothing_to_stdout(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    speaker = Speaker()
    for k in range(3):  # the driver's print comes late: several calls give it every chance
        path = speaker.render(f"Walk me through model number {k}, from prototype to production.", tmp_path / "q.wav")
        samples, rate = read_wav(path)
        assert rate == 22050
        assert 2.0 <= len(samples) / rate <= 8.0
        assert level_db(samples) > -40  # speech, not silence
        assert np.abs(samples).max() > 1000
    out, _ = capfd.readouterr()
    assert out == ""


def test_unknown_voice_is_a_clear_error(tmp_path: Path) -> None:
    from voiceprep.errors import SpeechError

    with pytest.raises(SpeechError, match="no voice named"):
        Speaker(voice="klingon-xx").render("Hello.", tmp_path / "x.wav")
