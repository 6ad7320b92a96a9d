import pytest

from helpers import twords, words_from
from voiceprep import analysis
from voiceprep.questions import Library


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.load(None)


def test_long_pauses_from_word_timings() -> None:
    tokens = twords("one two three four five")
    assert analysis.long_pauses(tokens) == []
    words = words_from("we shipped it then waited and rolled back", gaps={3: 2.5, 6: 1.0})
    from voiceprep.tokens import from_words

    pauses = analysis.long_pauses(from_words(words))
    assert len(pauses) == 1
    assert pauses[0].duration_s == pytest.approx(2.5 + 0.4 * 0.1, abs=1e-6)
    assert pauses[0].start == pytest.approx(words[2].end)
    assert pauses[0].end == pytest.approx(words[3].start)


def test_pace_counts_speaking_time_only(library: Library) -> None:
    _, q = library.find("fine-tune-or-prompt")
    # 60 words, 0.5 s each = 30 s of speech, one 10 s pause, starting 3 s in
    words = words_from(" ".join(["word"] * 60), start=3.0, step=0.5, gaps={30: 10.0})
    report = analysis.analyze(words, q, "ml-engineer", duration_s=50.0, source="test")
    assert report.first_word_s == pytest.approx(3.0)
    # first start 3.0 to last end 42.95, less the 10.05 s pause
    assert report.speaking_s == pytest.approx(29.9, abs=0.001)
    assert report.wpm == pytest.approx(60 / (report.speaking_s / 60), rel=1e-3)
    assert len(report.pauses) == 1 and report.pauses[0].duration_s == pytest.approx(10.05, abs=0.01)
    assert report.duration_s == 50.0


def test_report_fields_and_filler_rates(library: Library) -> None:
    _, q = library.find("reduce-inference-cost")
    text = (
        "Um, we added a router that sends easy queries to a smaller model, uh, and cached prompts. "
        "We cut cost per conversation from $0.18 to $0.04 and held quality on our eval set."
    )
    words = words_from(text, step=0.5)
    report = analysis.analyze(words, q, "ml-engineer", duration_s=20, source="test")
    assert report.filler_count == 2
    assert [f.text for f in report.fillers] == ["um", "uh"]
    assert report.fillers_per_100_words == pytest.approx(100 * 2 / len(words), abs=0.01)
    assert report.fillers_per_min == pytest.approx(2 / (report.speaking_s / 60), abs=0.01)
    assert report.quantified
    change = [n for n in report.numbers if n.kind == "change"]
    assert change and change[0].value == pytest.approx(0.04) and change[0].unit == "USD"
    covered = {r.point for r in report.rubric if r.covered}
    assert "Model routing (small models for easy queries)" in covered
    assert "Prompt caching and response caching" in covered
    assert "Batch inference where latency permits" not in covered
    assert report.rubric_covered == len(covered)
    assert report.model is None and report.question_id == "reduce-inference-cost"


def test_hints_name_what_is_missing(library: Library) -> None:
    _, q = library.find("prototype-to-production")
    words = words_from("We built a model and it was good and in general we would probably retrain it", step=0.4)
    report = analysis.analyze(words, q, "ml-engineer", duration_s=10, source="test")
    joined = " ".join(report.hints)
    assert "Short" in joined
    assert "No measured outcome" in joined
    assert "Hedged" in joined
    assert {h.text for h in report.hedges} >= {"in general", "we would probably"}


def test_no_speech_report(library: Library) -> None:
    _, q = library.find("llm-eval-set")
    report = analysis.analyze([], q, "ml-engineer", duration_s=10, source="practice")
    assert report.word_count == 0 and report.wpm is None and report.first_word_s is None
    assert report.fillers == [] and report.numbers == [] and not report.quantified
    assert report.hints == ["No speech was heard: check the microphone with `voiceprep devices`."]
    # a silent file is not a microphone problem
    [hint] = analysis.analyze([], q, "ml-engineer", duration_s=10, source="/tmp/silence.wav").hints
    assert "microphone" not in hint and "file" in hint


def test_a_take_too_short_to_judge_has_no_rates(library: Library) -> None:
    _, q = library.find("prototype-to-production")
    # "Uh, I will just talk to you." in 1.8 s: 500 wpm and 33 fillers a minute if taken at face value
    words = words_from("Uh, I will just talk to you.", step=0.25)
    report = analysis.analyze(words, q, "ml-engineer", duration_s=1.8, source="practice")
    assert report.too_short and report.word_count == 7
    assert report.wpm is None and report.fillers_per_min is None and report.fillers_per_100_words is None
    assert report.filler_count == 1  # what was said is still shown
    assert [h[:19] for h in report.hints] == ["Too short to judge:"]
    longer = analysis.analyze(words_from(" ".join(["word"] * 20), step=0.3), q, "ml-engineer", duration_s=7, source="x")
    assert not longer.too_short and longer.wpm is not None


def test_a_short_answer_that_touches_every_point_is_told_to_go_deeper(library: Library) -> None:
    _, q = library.find("prototype-to-production")
    text = (
        "Fraud cost the business money, and the simple rules missed attacks, so with two million labeled rows "
        "I picked gradient boosting, evaluated it on a holdout month in shadow, and rolled back after drift."
    )
    report = analysis.analyze(words_from(text, step=0.35), q, "ml-engineer", duration_s=12, source="practice")
    assert all(r.state != "missed" for r in report.rubric)
    short = next(h for h in report.hints if h.startswith("Short"))
    assert "Cover more of the points" not in short and "go deeper" in short
    missing = analysis.analyze(
        words_from("We built a fraud model " * 4, step=0.35), q, "ml-engineer", duration_s=8, source="practice"
    )
    assert "Cover more of the points" in next(h for h in missing.hints if h.startswith("Short"))


def test_pronoun_share() -> None:
    p = analysis.pronouns(twords("I built it and we shipped it and I measured our gains"))
    assert (p.i, p.we) == (2, 2) and p.i_share == 0.5
    assert analysis.pronouns(twords("the model worked")).i_share is None


def test_star_times_and_flags() -> None:
    text = (
        "At my last company our team ran a fraud model. "
        "My job was to make it explainable for the ops lead. "
        "I built a dashboard and I sat down with her every week. "
        "As a result we reduced manual reviews by thirty percent."
    )
    words = words_from(text, step=0.5)
    star = analysis.star(__import__("voiceprep.tokens", fromlist=["from_words"]).from_words(words))
    assert star.situation_s > 0 and star.task_s > 0 and star.action_s > 0 and star.result_s > 0
    total = star.situation_s + star.task_s + star.action_s + star.result_s
    assert total == pytest.approx(words[-1].end - words[0].start, abs=0.01)
    assert star.result_start_s is not None and star.result_start_s > star.action_s
    assert star.flags == []


def test_star_flags_a_missing_result() -> None:
    star = analysis.star(twords("At my last company our team had a problem. I built a dashboard."))
    assert star.result_start_s is None
    assert any("no result" in f for f in star.flags)


def test_behavioural_questions_get_star(library: Library) -> None:
    _, q = library.find("non-technical-stakeholder")
    report = analysis.analyze(words_from("I pushed back on the scope."), q, "ml-engineer", duration_s=5, source="t")
    assert report.star is not None
    _, q = library.find("rag-at-scale")
    report = analysis.analyze(words_from("Chunk it."), q, "ml-engineer", duration_s=5, source="t")
    assert report.star is None


def test_clock() -> None:
    assert analysis.clock(0) == "0:00"
    assert analysis.clock(65.4) == "1:05"
    assert analysis.clock(180) == "3:00"
