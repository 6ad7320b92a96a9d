import itertools
import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from helpers import run_cli, words_from
from voiceprep import analysis
from voiceprep.html import format_compare_html, format_html, format_progress_html
from voiceprep.progress import attempt, compare, progress
from voiceprep.questions import Library
from voiceprep.report import format_compare, format_markdown, format_progress
from voiceprep.store import Store

QID = "reduce-inference-cost"
ANSWERS = [
    # slow, vague, no numbers, two fillers
    ("Um, we would probably use a smaller model, uh, for easy things.", 4.0, 0.9),
    # routing and caching, one measured figure
    (
        "We added a router that sends easy queries to a smaller model and we cached prompts, cutting cost by 40%.",
        60,
        0.45,
    ),
    # routing, caching, batching, before and after
    (
        "I built a router that sends easy queries to a smaller model, cached prompts and responses, batched offline "
        "jobs and held quality on our eval set, cutting cost per conversation from $0.18 to $0.04.",
        95,
        0.4,
    ),
]


@pytest.fixture(scope="module")
def question():
    return Library.load(None).find(QID)[1]


def make_report(question, text: str, duration: float, step: float):
    return analysis.analyze(words_from(text, step=step), question, "ml-engineer", duration_s=duration, source="test")


@pytest.fixture
def store_with_attempts(tmp_path: Path, question) -> Store:
    store = Store(tmp_path)
    for day, (text, duration, step) in enumerate(ANSWERS, 1):
        session = store.create(QID, "ml-engineer", "practice", now=datetime(2026, 11, day, 9, 0, 0))
        report = make_report(question, text, duration, step).model_copy(update={"created_at": f"2026-11-0{day}T09:00"})
        session.save_report(report, format_markdown(report), format_html(report))
        session.update(status="analysed")
    return store


def test_trends_over_three_attempts(question) -> None:
    attempts = [attempt(f"s{k}", make_report(question, *a)) for k, a in enumerate(ANSWERS)]
    result = progress(attempts)
    verdicts = {t.metric: t.verdict for t in result.overall}
    assert verdicts["fillers_per_min"] == "better"  # 2 fillers, then none
    assert verdicts["rubric_share"] == "better"
    assert verdicts["measured"] == "better"
    assert verdicts["duration_s"] == "better"  # 4 s, then inside the 90-180 s target
    rubric = next(t for t in result.overall if t.metric == "rubric_share")
    assert rubric.first < rubric.last
    assert list(result.by_question) == [QID]


def test_compare_lists_points_gained_and_lost(question) -> None:
    a = make_report(question, *ANSWERS[1])
    b = make_report(question, *ANSWERS[2])
    result = compare("a", a, "b", b)
    assert "Batch inference where latency permits" in result.gained
    assert result.lost == []
    assert {t.metric: t.verdict for t in result.changes}["measured"] in {"better", "steady"}
    back = compare("b", b, "a", a)
    assert back.lost == result.gained and back.gained == []
    # the table names its columns as the two attempts are named above it, not "first" and "last"
    header = next(line for line in format_compare(result, a, b).splitlines() if line.startswith("figure"))
    assert header.split()[:3] == ["figure", "A", "B"]
    shown = format_progress(progress([attempt("a", a), attempt("b", b)]))
    assert next(line for line in shown.splitlines() if line.startswith("figure")).split()[:3] == [
        "figure",
        "first",
        "last",
    ]


def test_progress_with_no_question_answered_twice_says_how_to_see_a_trend(question) -> None:
    shown = format_progress(progress([attempt("a", make_report(question, *ANSWERS[1]))]))
    assert shown.startswith("1 attempt\n")
    assert "No question answered twice yet" in shown
    assert not any(line.startswith("figure") for line in shown.splitlines())  # no table of dashes


def test_compare_shows_no_figure_for_an_attempt_too_short_to_judge(question) -> None:
    judged = make_report(question, *ANSWERS[1])
    short = make_report(question, "Um, a smaller model.", 2.0, 0.4)
    assert judged.wpm is not None and short.wpm is None
    pace = {t.metric: t for t in compare("a", judged, "b", short).changes}["wpm"]
    assert pace.first == round(judged.wpm) and pace.last is None
    assert pace.change is None and pace.verdict == "-"


def test_html_page_is_self_contained(question) -> None:
    report = make_report(question, *ANSWERS[2])
    page = format_html(report)
    assert "http://" not in page and "https://" not in page and "<link" not in page
    assert "Content-Security-Policy" in page
    assert page.count('class="w') == report.word_count
    assert 'src="answer.wav"' in page
    assert 'class="w measured"' in page  # the before-and-after is marked as a measured outcome
    compare_page = format_compare_html(compare("a", report, "b", report), report, report, "a.wav", "b.wav")
    assert compare_page.count("<audio") == 2
    progress_page = format_progress_html(progress([attempt("x", report)]))
    assert "<svg" in progress_page and "http" not in progress_page.replace("http-equiv", "")


def test_cli_progress_compare_and_filters(store_with_attempts: Store) -> None:
    env = {"VOICEPREP_HOME": str(store_with_attempts.home)}
    result = run_cli("progress", "--json", env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [a["session"][:8] for a in data["attempts"]] == ["20261101", "20261102", "20261103"]
    text = run_cli("progress", env=env)
    assert "3 attempts" in text.stdout and "better" in text.stdout
    assert (store_with_attempts.home / "progress.html").is_file()

    ids = [s.id for s in store_with_attempts.sessions()]
    cmp = run_cli("compare", ids[1], ids[2], env=env)
    assert cmp.returncode == 0, cmp.stderr
    assert "+ Batch inference where latency permits" in cmp.stdout
    assert " | " in cmp.stdout  # transcripts side by side

    since = run_cli("sessions", "--since", "2026-11-02", "--json", env=env)
    assert [r["session"] for r in json.loads(since.stdout)] == ids[1:]
    until = run_cli("sessions", "--until", "2026-11-01", "--json", env=env)
    assert [r["session"] for r in json.loads(until.stdout)] == ids[:1]
    bad = run_cli("sessions", "--since", "last week", env=env)
    assert bad.returncode == 2 and "not a date" in bad.stderr


def test_compare_refuses_two_different_questions(store_with_attempts: Store, question) -> None:
    other = store_with_attempts.create("rag-at-scale", "ml-engineer", "practice")
    q = Library.load(None).find("rag-at-scale")[1]
    report = make_report(q, "Chunk the documents and rerank.", 10, 0.4)
    other.save_report(report, format_markdown(report), format_html(report))
    first = store_with_attempts.sessions()[0].id
    result = run_cli("compare", first, other.id, env={"VOICEPREP_HOME": str(store_with_attempts.home)})
    assert result.returncode == 2 and "different questions" in result.stderr


def _attempt(session: str, question_id: str, **figures: float):
    from voiceprep.progress import Attempt

    base = dict(
        session=session,
        question_id=question_id,
        created_at=f"2026-11-0{session[-1]}T09:00:00+00:00",
        duration_s=120.0,
        target_low=90.0,
        target_high=150.0,
        wpm=140.0,
        wpm_low=120.0,
        wpm_high=160.0,
        fillers_per_min=2.0,
        long_pauses=0,
        numbers=2,
        measured=1,
        rubric_covered=3,
        rubric_points=6,
    )
    base.update(figures)
    return Attempt(**base)


def test_figures_that_look_the_same_are_steady_not_worse() -> None:
    trends = {
        t.metric: t
        for t in compare_attempts(
            _attempt("s1", "q", fillers_per_min=10.26, wpm=171.6), _attempt("s2", "q", fillers_per_min=10.34, wpm=171.9)
        )
    }
    assert (trends["fillers_per_min"].first, trends["fillers_per_min"].last) == (10.3, 10.3)
    assert trends["fillers_per_min"].verdict == "steady" and trends["fillers_per_min"].change == 0
    assert trends["wpm"].verdict == "steady"


def compare_attempts(a, b):
    from voiceprep.progress import METRICS, trend

    return [trend([a, b], m[0]) for m in METRICS]


def test_overall_compares_each_question_with_itself() -> None:
    # q1 once, fluent; q2 twice, getting better. First-to-last across questions would say
    # fillers got worse (1.0 -> 4.0); per question they went from 8.0 to 4.0.
    attempts = [
        _attempt("s1", "q1", fillers_per_min=1.0),
        _attempt("s2", "q2", fillers_per_min=8.0),
        _attempt("s3", "q2", fillers_per_min=4.0),
    ]
    overall = {t.metric: t for t in progress(attempts).overall}
    assert overall["fillers_per_min"].verdict == "better"
    assert (overall["fillers_per_min"].first, overall["fillers_per_min"].last) == (8.0, 4.0)
    single = {t.metric: t for t in progress(attempts[:2]).overall}
    assert single["fillers_per_min"].verdict == "-"  # no question practised twice: nothing to say


def test_pace_is_shown_as_the_report_shows_it() -> None:
    from voiceprep.report import format_figure

    assert format_figure(171.6, "wpm") == "172"
    assert format_figure(10.26, "fillers_per_min") == "10.3"


def test_one_far_off_attempt_does_not_flatten_the_chart() -> None:
    from voiceprep.html import progress_chart

    attempts = [_attempt(f"s{k}", "q", duration_s=d) for k, d in enumerate([100, 130, 1800, 120], 1)]
    svg = progress_chart(attempts, "duration_s")
    assert svg.count('class="off-scale"') == 1 and "off the scale" in svg
    ys = [float(m) for m in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', svg)]
    assert len(ys) == 3 and max(ys) - min(ys) > 15  # the real attempts keep their spread (2 px before)


def test_long_timeline_labels_do_not_overlap(question) -> None:
    from voiceprep.html import timeline_svg

    report = make_report(question, "we shipped it " * 20, 1800.0, 0.4)
    labels = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="118">', timeline_svg(report))]
    assert 4 <= len(labels) <= 12
    assert min(b - a for a, b in itertools.pairwise(labels)) >= 45  # a "30:00" label is about 40 px


def test_headers_show_readable_times(question) -> None:
    report = make_report(question, *ANSWERS[1]).model_copy(update={"created_at": "2026-11-24T18:42:07+00:00"})
    assert "Recorded 24 Nov 2026, 18:42" in format_markdown(report)
    assert "24 Nov 2026, 18:42" in format_html(report) and "2026-11-24T18:42:07" not in format_html(report)


def test_pitch_variation_is_followed_across_attempts() -> None:
    attempts = [_attempt("s1", "q", pitch_spread_st=1.6), _attempt("s2", "q", pitch_spread_st=2.7)]
    overall = {t.metric: t for t in progress(attempts).overall}
    assert (overall["pitch_spread_st"].first, overall["pitch_spread_st"].last) == (1.6, 2.7)
    assert overall["pitch_spread_st"].verdict == "better"
    unmeasured = {t.metric: t for t in progress([_attempt("s1", "q"), _attempt("s2", "q")]).overall}
    assert unmeasured["pitch_spread_st"].verdict == "-"
