import io

from voiceprep.audio import Level
from voiceprep.terminal import Meter, format_bar, format_meter, format_progress_line


def test_bar_is_clamped_and_keeps_its_width() -> None:
    assert format_bar(0.5, 10) == "█" * 5 + "·" * 5
    assert format_bar(-1.0, 4) == "····" and format_bar(2.0, 4) == "████"


def test_meter_line_shows_voicing_time_level_and_hint() -> None:
    line = format_meter(Level(seconds=75.0, db=-30.0, voiced=True, speech_started=True), 180.0, "Enter to stop")
    assert line == "  ● 1:15 / 3:00  " + "█" * 10 + "·" * 10 + "   -30 dB  Enter to stop"
    silent = format_meter(Level(seconds=0.0, db=float("-inf"), voiced=False, speech_started=False), 60.0, "")
    assert silent.startswith("  ○ 0:00 / 1:00  " + "·" * 20) and "-99 dB" in silent


def test_progress_line() -> None:
    assert format_progress_line(30.0, 120.0) == "  transcribing " + "█" * 7 + "·" * 23 + "  25%  0:30 / 2:00"
    assert "100%" in format_progress_line(0.0, 0.0)


def test_meter_redraws_at_most_ten_times_a_second_and_keeps_lines_above() -> None:
    out = io.StringIO()
    meter = Meter(out, 60.0, "hint")
    for k in range(20):  # 20 blocks in 0.2 s of audio
        meter(Level(seconds=k / 100, db=-20.0, voiced=True, speech_started=True))
    assert out.getvalue().count("\r  ●") == 2
    meter.above("we cut latency")
    assert out.getvalue().endswith("we cut latency\n\r  ● 0:00 / 1:00  " + "█" * 13 + "·" * 7 + "   -20 dB  hint")
