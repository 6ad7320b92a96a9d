import json
import re
from dataclasses import asdict

import pytest

from helpers import words_from
from voiceprep import analysis
from voiceprep.questions import Library
from voiceprep.report import Style, format_decoding, format_json, format_markdown, format_text, format_transcript
from voiceprep.transcribe import FILLER_PROMPT, MAX_CHUNK_S, PLAIN_BELOW, Settings

TEXT = "Um, we cut p99 latency from 480ms to 95ms, you know, with two teams."


@pytest.fixture(scope="module")
def report():
    _, q = Library.load(None).find("prototype-to-production")
    return analysis.analyze(words_from(TEXT, gaps={5: 3.0}), q, "ml-engineer", duration_s=12.0, source="test")


def test_transcript_marks_fillers_numbers_and_pauses(report) -> None:
    text = format_transcript(report)
    assert "{Um,}" in text
    assert "{you know,}" in text
    assert "[from 480ms to 95ms,]" in text
    assert "[two teams.]" in text
    assert "‖ 3.0 s ‖" in text or "‖ 3.1 s ‖" in text
    assert "\033[" not in text


def test_text_report_has_headlines_rubric_and_hints(report) -> None:
    text = format_text(report, saved_to="/x/session")
    for heading in ("Duration", "Pace", "Fillers", "Long pauses", "Numbers", "Rubric", "Next time", "Mistakes"):
        assert heading in text
    assert re.search(r"Fillers +2 \(", text)
    assert "✗ Why ML rather than rules or heuristics" in text
    assert text.endswith("saved in /x/session")
    assert "\033[" in format_text(report, Style(color=True))


def test_markdown_report(report) -> None:
    md = format_markdown(report)
    assert md.startswith("# ml-engineer / prototype-to-production")
    assert "~~Um,~~" in md and "**from 480ms to 95ms,**" in md
    assert "- [ ] Why ML rather than rules or heuristics" in md


def test_json_report_has_the_stable_fields(report) -> None:
    data = json.loads(format_json(report))
    for key in (
        "question_id",
        "duration_s",
        "speaking_s",
        "word_count",
        "wpm",
        "transcript",
        "words",
        "fillers",
        "filler_count",
        "fillers_per_min",
        "numbers",
        "pauses",
        "rubric",
        "hints",
        "model",
    ):
        assert key in data
    assert set(data["words"][0]) >= {"text", "start", "end", "probability"}
    assert set(data["fillers"][0]) >= {"text", "start", "end"}
    assert set(data["numbers"][0]) >= {"text", "start", "end", "kind", "value"}
    assert set(data["pauses"][0]) >= {"start", "end"}
    assert set(data["rubric"][0]) >= {"point", "covered", "evidence"}
    assert data["filler_count"] == 2


def test_format_decoding_names_the_settings_that_change_the_figures() -> None:
    gated = format_decoding(asdict(Settings()))
    assert gated.startswith(f"beam 5, prompted pass, plain pass too where its words' mean probability < {PLAIN_BELOW}")
    assert repr(FILLER_PROMPT) in gated and gated.endswith("deterministic retries")
    assert f"chunks up to {MAX_CHUNK_S:g} s" in gated
    assert "gaps given a filled pause at p >= 0.2" in gated
    assert "gaps given" not in format_decoding(asdict(Settings(gap_probe=2.0)))
    assert "chunks up to 20 s" in format_decoding(asdict(Settings(max_chunk_s=20.0)))
    two_pass = format_decoding(asdict(Settings(plain_below=2.0)))
    assert two_pass.startswith("beam 5, plain + prompted pass,") and repr(FILLER_PROMPT) in two_pass
    assert (
        format_decoding(asdict(Settings.whisper_defaults()))
        == "beam 5, faster-whisper's own windowing, sampling retries, seed 0"
    )
    assert "one prompted pass" in format_decoding(asdict(Settings.single_pass()))
    plain = Settings(initial_prompt=None, filler_pass=False, sampling_fallback=True, seed=None)
    chunks = f"chunks up to {MAX_CHUNK_S:g} s"
    assert format_decoding(asdict(plain)) == f"beam 5, one plain pass, {chunks}, sampling retries, unseeded"
    assert format_decoding(asdict(Settings(beam_size=2, filler_beam_size=5, plain_below=2.0))).startswith(
        "beam 2, plain + prompted pass (prompted beam 5)"
    )


def test_the_numbers_line_says_how_many_it_left_out() -> None:
    from voiceprep.report import headline_rows

    _, q = Library.load(None).find("prototype-to-production")
    text = "We saved 10% then 20% then 30% then 40% then 50% and 60% of the cost in the end."
    rep = analysis.analyze(words_from(text, step=0.4), q, "ml-engineer", duration_s=10.0, source="test")
    numbers = dict(headline_rows(rep))["Numbers"]
    assert numbers.startswith("6 figures, 6 measured: 10%, 20%, 30%, 40% and 2 more")


def test_the_decoding_names_its_hotwords() -> None:
    from dataclasses import asdict

    described = format_decoding(asdict(Settings(hotwords="LoRA pgvector")))
    assert "hotwords 'LoRA pgvector'" in described
    assert "hotwords" not in format_decoding(asdict(Settings()))


def test_the_fillers_row_is_shown_once_with_or_without_a_calibration() -> None:
    from voiceprep.report import headline_rows
    from voiceprep.schema import FillerCalibration, Report

    _, q = Library.load(None).find("prototype-to-production")

    def analysed(text: str) -> Report:
        return analysis.analyze(words_from(text, step=0.7), q, "ml-engineer", duration_s=10.0, source="test")

    said = analysed("So um we cut latency, uh, from 480 ms to 95 ms.")
    fluent = analysed("We cut latency from 480 ms to 95 ms.")
    assert [label for label, _ in headline_rows(said)].count("Fillers") == 1
    assert not said.too_short and dict(headline_rows(said))["Fillers"].startswith(f"{said.filler_count} (")
    assert "I mean ×1" in dict(headline_rows(analysed("It was, I mean, slow.")))["Fillers"]
    too_short = analysis.analyze(words_from("Um, so, uh.", step=0.4), q, "ml-engineer", duration_s=2.0, source="test")
    assert too_short.too_short and dict(headline_rows(too_short))["Fillers"] == "3  um ×1, so ×1, uh ×1"
    assert dict(headline_rows(fluent))["Fillers"] == "none heard"
    calibration = FillerCalibration(
        created_at="2026-11-24T10:00:00", model="tiny.en", planted=11, heard=10, recall=0.82, precision=0.9
    )
    for report in (said, fluent):
        rows = [label for label, _ in headline_rows(report.model_copy(update={"filler_calibration": calibration}))]
        assert rows.count("Fillers") == 1 and rows[rows.index("Fillers") + 1] == "On your voice"
        # uncalibrated, the row says the voice was not measured, and how to measure it
        shown = headline_rows(report)
        assert [label for label, _ in shown].count("On your voice") == 1
        assert "voiceprep calibrate" in dict(shown)["On your voice"]


def test_a_filler_count_reads_as_the_speakers_calibration_says() -> None:
    """Where this voice's um and uh are missed (recall under 0.9) but seldom invented, a count is
    a floor; where some are invented (precision under 0.9) it is near; uncalibrated, as it is."""
    from voiceprep.html import format_html
    from voiceprep.report import filler_count_reading, headline_rows
    from voiceprep.schema import FillerCalibration

    def calibrated(recall: float, precision: float) -> FillerCalibration:
        return FillerCalibration(
            created_at="2026-11-24T10:00:00", model="tiny.en", planted=11, heard=10, recall=recall, precision=precision
        )

    assert filler_count_reading(None) == ""
    assert filler_count_reading(calibrated(0.82, 1.0)) == "at least"
    assert filler_count_reading(calibrated(0.82, 0.8)) == "about"
    assert filler_count_reading(calibrated(1.0, 0.8)) == "about"
    assert filler_count_reading(calibrated(0.91, 0.95)) == ""

    _, q = Library.load(None).find("prototype-to-production")
    said = analysis.analyze(
        words_from("So um we cut latency, uh, from 480 ms to 95 ms.", step=0.7),
        q,
        "ml-engineer",
        duration_s=10.0,
        source="test",
    )
    floor = said.model_copy(update={"filler_calibration": calibrated(0.82, 1.0)})
    assert dict(headline_rows(floor))["Fillers"].startswith(f"at least {said.filler_count} (")
    assert dict(headline_rows(said))["Fillers"].startswith(f"{said.filler_count} (")
    page = format_html(floor)
    assert f"at least {said.filler_count}" in page and "your um/uh recall 0.82" in page
    assert "your um/uh recall" not in format_html(said)


def test_a_word_timed_at_the_same_instant_as_a_filler_is_not_marked_as_one() -> None:
    """Whisper gave "a" and the "um" after it the same instant (an AMI clip): only "um" is the filler."""
    from voiceprep.report import format_transcript, word_mark
    from voiceprep.schema import Word

    _, q = Library.load(None).find("prototype-to-production")
    words = [
        Word(text=t, start=s, end=e, probability=0.9)
        for t, s, e in [("like", 1.42, 1.58), ("a", 1.58, 1.58), ("um,", 1.58, 1.58), ("style", 1.58, 1.76)]
    ]
    rep = analysis.analyze(words, q, "ml-engineer", duration_s=2.0, source="test")
    assert [word_mark(rep, w) for w in words] == ["", "", "filler", ""]
    assert "a {um,} style" in format_transcript(rep)


def test_typed_text_lists_each_filler_and_number_by_line_and_column_in_its_context() -> None:
    from voiceprep.analysis import analyze_text
    from voiceprep.report import format_text_analysis

    text = "We cut p99 latency from 480 ms to 95 ms, like, 40% cheaper.\nAnd um it was good.\n"
    shown = format_text_analysis(analyze_text(text, None, "answer.txt"), text)
    lines = [line.strip() for line in shown.splitlines()]
    assert "1:42  …y from 480 ms to 95 ms, {like}, 40% cheaper. And um it…" in lines
    assert "2:5  … like, 40% cheaper. And {um} it was good." in lines
    assert any(line.startswith("1:20  We cut p99 latency [from 480 ms to 95 ms], like,") for line in lines)
    assert "Numbers  3 figures, 2 measured" in lines  # p99, the change, 40%; p99 alone measures nothing


def test_terms_written_by_their_sound_are_shown_with_what_whisper_wrote(report) -> None:
    from voiceprep.html import format_html
    from voiceprep.schema import TermHeard

    assert "by their sound" not in format_text(report)  # none were: nothing said about it
    _, q = Library.load(None).find("prototype-to-production")
    words = words_from("We ran it on Kubernetes for a month.")
    heard = [TermHeard(written="Cuban Eats", term="Kubernetes", start=words[4].start)]
    shown = analysis.analyze(words, q, "ml-engineer", duration_s=12.0, source="test", terms_heard=heard)
    line = 'Written as your question\'s terms by their sound: "Cuban Eats" as Kubernetes (0:02).'
    assert line in " ".join(format_text(shown).split())
    assert f"*{line}*" in format_markdown(shown)
    assert "by their sound: &quot;Cuban Eats&quot; as Kubernetes (0:02)" in format_html(shown)
    saved = json.loads(format_json(shown))["terms_by_sound"]
    assert saved == [{"written": "Cuban Eats", "term": "Kubernetes", "start": 1.6}]
