"""How the answer sounds: pitch, loudness, pace, pauses and uptalk, against known answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from helpers import words_from
from voiceprep.audio import load_audio
from voiceprep.delivery import MONOTONE_ST, Frames, PitchTracker, frames_of, measure, pitch_frames, pitch_spread
from voiceprep.speech import Speaker

SR = 16000
DATA = Path(__file__).parent / "data"


def tone(hz: np.ndarray, level: float = 0.2) -> np.ndarray:
    """A voice-like tone (seven harmonics) following the frequency track ``hz``."""
    phase = 2 * np.pi * np.cumsum(hz) / SR
    return (level * sum(np.sin(k * phase) / k for k in range(1, 8))).astype(np.float32)


def test_a_tone_gliding_over_four_semitones_measures_its_spread() -> None:
    t = np.arange(SR * 12) / SR
    triangle = np.abs(((t / 2) % 2) - 1)  # 0..1 and back, every 4 s
    spread, windows = pitch_spread(pitch_frames(tone(150 * 2 ** (4 * triangle / 12))))
    # a value spread evenly over 4 semitones has a standard deviation of 4 / sqrt(12)
    assert spread == pytest.approx(4 / np.sqrt(12), abs=0.12)
    assert len(windows) >= 3


def test_a_steady_tone_is_flat_and_a_quiet_half_is_found() -> None:
    t = np.arange(SR * 10) / SR
    audio = tone(np.full_like(t, 180.0))
    audio[SR * 5 :] *= 0.05  # the second half 26 dB quieter
    frames = pitch_frames(audio)
    assert np.median(frames.hz[frames.hz > 0]) == pytest.approx(180, abs=3)
    words = words_from(" ".join(["word"] * 20), step=0.5)
    voice = measure(frames, words, 10.0)
    assert voice.pitch_spread_st is not None and voice.pitch_spread_st < 0.2 and voice.monotone
    assert voice.quiet_spans and voice.quiet_spans[0].start == pytest.approx(5.0, abs=0.5)


def test_espeak_is_monotone_and_a_human_reader_is_not(tmp_path: Path) -> None:
    wav = tmp_path / "flat.wav"
    Speaker().render(
        "At my last company I owned the fraud model for card payments. We moved from simple rules to "
        "gradient boosting because the rules missed new attack patterns.",
        wav,
    )
    espeak, _ = pitch_spread(pitch_frames(load_audio(wav)))
    assert espeak is not None and espeak < MONOTONE_ST  # measured 1.44-1.88
    for clip in sorted((DATA / "real-speech" / "pocketsphinx").glob("sense_and_sensibility*.wav")):
        human, _ = pitch_spread(pitch_frames(load_audio(clip)))
        assert human is not None and human >= MONOTONE_ST, clip.name  # measured 2.20-3.36


def test_a_rising_statement_is_uptalk_and_a_falling_one_is_not() -> None:
    words = words_from("We cut the latency to ninety five milliseconds.", step=0.4)
    times = np.arange(0, 3.3, 0.016)
    last = words[-1]

    def frames(rise: float) -> Frames:
        hz = np.where(
            times < last.start, 120.0, 120.0 * 2 ** (rise * (times - last.start) / (last.end - last.start) / 12)
        )
        return Frames(times, hz, np.full_like(times, -20.0))

    up = measure(frames(6.0), words, 3.3, number_starts=[words[4].start])
    assert [u.text for u in up.uptalk] == ["We cut the latency to ninety five milliseconds.  (with the figure)"]
    assert measure(frames(-4.0), words, 3.3).uptalk == []


def test_pauses_are_told_apart_by_where_they_fall() -> None:
    words = words_from("We shipped it. Then we cut the cost to forty percent.", step=0.4, gaps={3: 1.0, 6: 0.8, 9: 0.9})
    times = np.arange(0, 6.5, 0.016)
    voice = measure(Frames(times, np.full_like(times, 120.0), np.full_like(times, -20.0)), words, 6.5, [words[9].start])
    assert voice.pauses_at_boundaries == 1  # after "it."
    assert [p.text for p in voice.pauses_mid_clause] == ["cut … the", "to … forty"]
    assert [p.text for p in voice.pauses_before_numbers] == ["to … forty"]


def test_pace_windows_show_rushing_at_the_end() -> None:
    slow = words_from(" ".join(["word"] * 50), step=0.5)  # 120 wpm for 25 s
    fast = words_from(" ".join(["word"] * 70), start=25.0, step=0.25)  # 240 wpm for 17.5 s
    times = np.arange(0, 43, 0.016)
    voice = measure(Frames(times, np.full_like(times, 120.0), np.full_like(times, -20.0)), slow + fast, 43.0)
    assert voice.pace_windows[0].wpm == pytest.approx(120, abs=8)
    assert voice.pace_windows[-1].wpm > 200 and voice.rushed_spans


def test_tracked_while_recording_equals_measured_after(tmp_path: Path) -> None:
    t = np.arange(SR * 13) / SR
    audio = (tone(150 * 2 ** (3 * np.sin(t) / 12)) * 32767).astype(np.int16)
    tracker = PitchTracker()
    for at in range(0, len(audio), 1600):
        tracker.feed(audio[at : at + 1600], at)
    live = tracker.finish()
    after = frames_of(audio, step_s=5.0)
    assert len(live.times) == len(after.times)
    assert np.allclose(live.hz, after.hz, atol=1.0)
    assert np.all(np.diff(live.times) > 0)  # no frame twice at the edges


@pytest.mark.parametrize(("slow_words", "rushed_from"), [(50, 20.0), (0, None)])  # slow then fast; fast throughout
def test_rushed_at_the_end_only_when_the_answer_sped_up(slow_words: int, rushed_from: float | None) -> None:
    from voiceprep import analysis

    slow = words_from(" ".join(["word"] * slow_words), step=0.5) if slow_words else []
    start = slow_words * 0.5
    fast = words_from(" ".join(["word"] * 70), start=start, step=0.25)  # 240 wpm for 17.5 s
    times = np.arange(0, start + 17.5, 0.016)
    voice = measure(Frames(times, np.full_like(times, 120.0), np.full_like(times, -20.0)), slow + fast, start + 17.5)
    assert voice.pace_windows[-1].wpm > 200
    # windows of 20 s every 10 s: the one from 0:20 is the first past 185 wpm
    assert analysis.rushed_from(voice) == rushed_from


def test_pace_over_time_reads_start_then_end_and_gives_a_range_only_when_it_adds_something() -> None:
    from voiceprep.report import delivery_rows
    from voiceprep.schema import Delivery, PaceWindow

    def row(*wpm: float) -> str:
        windows = [PaceWindow(start=20.0 * k, end=20.0 * (k + 1), wpm=w) for k, w in enumerate(wpm)]
        voice = Delivery(
            pitch_median_hz=None, pitch_spread_st=None, monotone=False, volume_db=None, volume_spread_db=None,
            pace_windows=windows,
        )  # fmt: skip
        return dict(delivery_rows(voice))["Pace over time"]

    assert row(222, 144) == "222 wpm at the start, 144 at the end"
    assert row(222, 180, 144) == "222 wpm at the start, 144 at the end"  # the ends are the range
    assert row(150, 210, 140) == "150 wpm at the start, 140 at the end (between 140 and 210)"
