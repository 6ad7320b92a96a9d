"""What the command line says when there is little or nothing to show: one honest line each."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from helpers import run_cli, words_from
from voiceprep import analysis
from voiceprep.audio import WavStreamWriter
from voiceprep.html import format_html
from voiceprep.questions import Library
from voiceprep.report import format_markdown
from voiceprep.store import Store

QID = "prototype-to-production"


def saved_session(home: Path, text: str, duration_s: float, step: float = 0.4) -> str:
    """A session with audio and a report, as practice leaves it."""
    question = Library.load(None).find(QID)[1]
    store = Store(home)
    session = store.create(QID, "ml-engineer", "practice")
    with WavStreamWriter(session.answer_path) as w:
        w.write(np.zeros(int(16000 * duration_s), np.int16))
    report = analysis.analyze(
        words_from(text, step=step), question, "ml-engineer", duration_s=duration_s, source="practice"
    )
    session.save_report(report, format_markdown(report), format_html(report))
    session.update(status="too_short" if report.too_short else "analysed")
    return session.id


def test_filters_that_match_nothing_do_not_say_no_sessions_yet(tmp_path: Path) -> None:
    saved_session(tmp_path, "We built a fraud model and shipped it to production " * 3, 30)
    for args in (["-q", "nosuch"], ["--since", "today", "--until", "yesterday"]):
        result = run_cli("--home", str(tmp_path), "sessions", *args)
        assert result.returncode == 0, result.stderr
        assert "match those filters" in result.stdout and "No sessions yet" not in result.stdout
    empty = run_cli("--home", str(tmp_path / "new"), "sessions")
    assert "No sessions yet" in empty.stdout


def test_a_home_that_is_a_file_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    result = run_cli("--home", str(tmp_path / "afile"), "sessions")
    assert result.returncode == 5
    assert result.stderr.strip() == f"voiceprep: the data folder {tmp_path / 'afile'} is a file, not a folder"


def test_eval_limit_must_be_positive(tmp_path: Path) -> None:
    manifest = Path(__file__).parent / "data" / "real-speech" / "manifest.jsonl"
    for limit in ("-3", "0"):
        result = run_cli("eval", str(manifest), "--limit", limit)
        assert result.returncode == 2 and "--limit takes a number of clips, 1 or more" in result.stderr
        assert "content WER" not in result.stdout


def test_a_take_too_short_to_judge_stays_out_of_progress(tmp_path: Path) -> None:
    saved_session(tmp_path, "We built a fraud model and shipped it to production " * 3, 30)
    short = saved_session(tmp_path, "Uh, I will just talk to you.", 1.8, step=0.25)
    result = run_cli("--home", str(tmp_path), "progress", "--json")
    assert result.returncode == 0, result.stderr
    import json

    attempts = json.loads(result.stdout)["attempts"]
    assert len(attempts) == 1 and attempts[0]["session"] != short
    listed = run_cli("--home", str(tmp_path), "sessions")
    assert "too_short" in listed.stdout


def test_replay_without_a_speaker_names_the_output_device(tmp_path: Path) -> None:
    home = tmp_path / "data"
    saved_session(home, "We built a fraud model and shipped it to production " * 3, 5)
    # HOME without an ALSA configuration: PortAudio finds no device at all
    result = run_cli("--home", str(home), "replay", "last", env={"HOME": str(tmp_path)})
    assert result.returncode == 4
    assert "no output device found" in result.stderr and "input" not in result.stderr


def test_report_and_replay_without_a_session_take_the_newest(tmp_path: Path) -> None:
    home = tmp_path / "data"
    for args in (["report"], ["replay"]):
        result = run_cli("--home", str(home), *args)
        assert result.returncode == 1 and result.stderr.strip() == f"voiceprep: no sessions yet in {home}"
    saved_session(home, "We built a fraud model and shipped it to production " * 3, 30)
    newest = saved_session(home, "We replayed the last quarter offline before we launched it " * 3, 30)
    shown = run_cli("--home", str(home), "report", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["transcript"].startswith("We replayed the last quarter")
    assert shown.stdout == run_cli("--home", str(home), "report", newest, "--format", "json").stdout


def test_compare_without_two_sessions_takes_the_attempt_before(tmp_path: Path) -> None:
    home = tmp_path / "data"
    assert run_cli("--home", str(home), "compare").stderr.strip() == f"voiceprep: no sessions yet in {home}"
    first = saved_session(home, "We built a fraud model and shipped it to production " * 3, 30)
    alone = run_cli("--home", str(home), "compare")
    assert alone.returncode == 1
    assert alone.stderr.strip() == (
        f"voiceprep: {first} is the first attempt at {QID}: answer it again (voiceprep practice -q {QID}) to compare"
    )
    second = saved_session(home, "We replayed the last quarter offline before we launched it " * 3, 30)
    third = saved_session(home, "Our rules flagged half the orders, so we trained a model on them " * 3, 30)

    def pair(*args: str) -> tuple[str, str]:
        result = run_cli("--home", str(home), "compare", *args, "--format", "json")
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        return data["a"]["session"], data["b"]["session"]

    assert pair() == (second, third)  # the newest against the attempt before it
    assert pair(second) == (first, second)  # a named one against the attempt before it
    assert pair(first, third) == (first, third)  # two named, as before


RUBRIC_SET = Path(__file__).parent / "data" / "rubric" / "answers.yaml"


def test_eval_scores_the_rubric_set_from_the_command_line(tmp_path: Path) -> None:
    result = run_cli("eval", str(RUBRIC_SET))
    assert result.returncode == 0, result.stderr
    assert "48 answers, typed text, method combined" in result.stdout
    assert "prototype-to-production" in result.stdout and "topic-only" in result.stdout
    cues = run_cli("eval", str(RUBRIC_SET), "--method", "cues", "--json")
    assert cues.returncode == 0, cues.stderr
    assert '"method": "cues"' in cues.stdout
    misuse = run_cli("eval", str(Path(__file__).parent / "data" / "real-speech" / "manifest.jsonl"), "--spoken")
    assert misuse.returncode == 2 and "--method, --spoken, --voice and --accent are for a rubric set" in misuse.stderr
    unspoken = run_cli("eval", str(RUBRIC_SET), "--voice", "piper")
    assert unspoken.returncode == 2 and "--voice reads the answers aloud: give it with --spoken" in unspoken.stderr
    unspoken = run_cli("eval", str(RUBRIC_SET), "--accent", "en-us")
    assert unspoken.returncode == 2 and "--accent reads the answers aloud: give it with --spoken" in unspoken.stderr
    both = run_cli("eval", str(RUBRIC_SET), "--spoken", "--voice", "piper", "--accent", "en-us")
    assert both.returncode == 2 and "--accent is one of eSpeak NG's voices" in both.stderr
    assert '"voice": null' in cues.stdout  # typed: read by no voice


def test_a_broken_rubric_set_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "set.yaml"
    bad.write_text("answers:\n  - {id: a, question: nosuch, style: weak, text: 'Hello there.', made: []}\n")
    result = run_cli("eval", str(bad))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == f"voiceprep: {bad}: answer 'a' is for an unknown question 'nosuch'"
    bad.write_text("answers: [{id: a}]\n")
    result = run_cli("eval", str(bad))
    assert result.returncode == 1 and result.stderr.startswith(f"voiceprep: {bad}: field answers.0.question")


def test_interview_commands_without_interviews_or_with_bad_numbers(tmp_path: Path) -> None:
    home = ["--home", str(tmp_path)]
    for args in (["interview", "--resume", "--no-speak"], ["retry", "--no-speak"], ["report", "1-interview"]):
        result = run_cli(*home, *args)
        assert result.returncode == 1, (args, result.stderr)
        assert result.stderr.startswith("voiceprep: no interviews yet") and "Traceback" not in result.stderr
    result = run_cli(*home, "interview", "--questions", "0", "--no-speak")
    assert result.returncode == 2 and "--questions takes a number of questions, 1 or more" in result.stderr


def test_questions_shows_the_order_an_interview_asks_them_in(tmp_path: Path) -> None:
    saved_session(tmp_path, "We built a fraud model and shipped it to production " * 3, 30)
    result = run_cli("--home", str(tmp_path), "questions")
    assert result.returncode == 0, result.stderr
    lines = {line.replace("✓", "").split()[0]: line for line in result.stdout.splitlines() if " due " in line}
    assert len(lines) == 12 and lines[QID].lstrip().startswith("✓")
    # practised once: due after every question not practised yet
    assert lines[QID].split(" due ")[1].split()[0] == "12"
    assert lines["debug-degraded-model"].split(" due ")[1].split()[0] == "1"


def test_a_manifest_that_is_not_json_lines_is_one_line_before_any_table(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("So, um, this is an answer, not a manifest.\n")
    result = run_cli("eval", str(notes))
    assert result.returncode != 0
    assert result.stdout == ""  # no table header left above the error
    assert result.stderr.strip() == f"voiceprep: {notes}: line 1 is not JSON: a manifest holds one JSON object a line"


def test_a_rubric_set_read_in_another_accent_says_which(tmp_path: Path) -> None:
    one = tmp_path / "set.yaml"
    one.write_text("answers:\n  - {id: a, question: rag-at-scale, style: weak, text: 'We used pgvector.', made: []}\n")
    result = run_cli("eval", str(one), "--spoken", "--accent", "en-us", "--json")
    assert result.returncode == 0, result.stderr
    assert '"voice": "espeak-ng en-us 165 wpm"' in result.stdout
    unknown = run_cli("eval", str(one), "--spoken", "--accent", "en-mars")
    assert unknown.returncode != 0 and unknown.stderr.count("\n") == 1 and "en-mars" in unknown.stderr
    assert "Traceback" not in unknown.stderr
