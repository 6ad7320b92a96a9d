"""The interview's pure parts: the plan, the follow-ups chosen from an answer, the scorecard."""

from __future__ import annotations

from datetime import datetime

import pytest

from helpers import words_from
from voiceprep import analysis
from voiceprep import interview as iv
from voiceprep.html import format_scorecard_html
from voiceprep.questions import Library
from voiceprep.report import format_scorecard, format_scorecard_markdown
from voiceprep.store import Store


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.load(None)


def questions(library: Library) -> list:
    return [q for _, q in library.questions("ml-engineer")]


def report(library: Library, qid: str, text: str, duration: float = 60.0):
    _, q = library.find(qid)
    return analysis.analyze(words_from(text, step=0.4), q, "ml-engineer", duration_s=duration, source="test")


def test_the_plan_opens_with_a_story_closes_with_questions_for_us_and_alternates(library: Library) -> None:
    qs = questions(library)
    planned = iv.plan(qs, {}, 5)
    ids = [q.id for q in planned]
    assert ids[0] == "prototype-to-production" and ids[-1] == "questions-for-us" and len(ids) == 5
    kinds = [q.kind for q in planned[1:-1]]
    assert "behavioural" in kinds and "technical" in kinds
    assert kinds[0] == "behavioural"  # after a technical opener
    assert len(set(ids)) == 5


def test_the_least_practised_and_worst_scored_come_first(library: Library) -> None:
    qs = questions(library)
    history = {q.id: (2, 0.9) for q in qs}
    history["rag-at-scale"] = (2, 0.1)  # practised as often, scored worst
    history["fairness-in-hiring"] = (0, 0.0)  # never practised
    order = [q.id for q in iv.due_order(qs, history)]
    assert order[:2] == ["fairness-in-hiring", "rag-at-scale"]
    assert iv.due_rank(qs, history)["fairness-in-hiring"] == 1
    assert "fairness-in-hiring" in [q.id for q in iv.plan(qs, history, 4)]
    assert "rag-at-scale" in [q.id for q in iv.plan(qs, history, 6)]


def test_one_question_is_the_opener_alone(library: Library) -> None:
    assert [q.id for q in iv.plan(questions(library), {}, 1)] == ["prototype-to-production"]
    with pytest.raises(iv.VoiceprepError):
        iv.plan(questions(library), {}, 0)


def test_an_answer_without_a_figure_is_probed_for_one_then_for_a_missed_point(library: Library) -> None:
    _, q = library.find("prototype-to-production")
    thin = report(library, q.id, "I built a fraud model with gradient boosting and it went well in production.")
    probes = iv.choose_probes(q, thin)
    assert [p.reason for p in probes] == ["no measured outcome", "missed point"]
    assert probes[0].text == iv.NUMBER_PROBE
    missed = next(pt for pt in q.points if pt.key == probes[1].point_id)
    assert probes[1].text == missed.probes[0]
    states = {r.point_id: r.state for r in thin.rubric}
    assert states[missed.key] != "made"


def test_what_a_follow_up_answered_is_not_asked_again(library: Library) -> None:
    _, q = library.find("prototype-to-production")
    thin = report(library, q.id, "I built a fraud model with gradient boosting and it went well in production.")
    first = iv.next_probe(q, [thin], [])
    assert first is not None and first.reason == "no measured outcome"
    # the answer to it gives the figure and says what the problem was
    reply = report(
        library,
        q.id,
        "Chargebacks were costing the business two million pounds a year, and we cut fraud losses by 40%.",
    )
    made = {r.point_id for r in reply.rubric if r.state == "made"}
    assert "problem" in made
    # without the reply the problem would be probed; with it, the next point not made is
    assert iv.next_probe(q, [thin], [first]).point_id == "problem"  # type: ignore[union-attr]
    second = iv.next_probe(q, [thin, reply], [first])
    assert second is not None and second.reason == "missed point"
    assert second.point_id == "why-ml"
    assert iv.next_probe(q, [thin, reply], [first, second]) is None  # two at most


def test_a_full_answer_is_not_probed_and_a_closing_question_never_is(library: Library) -> None:
    _, q = library.find("reduce-inference-cost")
    full = report(
        library,
        q.id,
        "I sent the easy queries to a smaller model through a router. We cached the system prompt and the answers "
        "to common questions. We capped the output tokens and asked for structured output. Once volume passed "
        "a million calls a day we fine-tuned a small open model. Nightly jobs went through the batch API. Every "
        "change was checked against our eval set, and cost per conversation fell from 18 pence to 4 pence.",
    )
    assert full.quantified
    assert [p for p in iv.choose_probes(q, full) if p.reason == "no measured outcome"] == []
    _, closing = library.find("questions-for-us")
    assert iv.choose_probes(closing, report(library, closing.id, "What is the culture like?")) == []


def test_a_story_told_as_we_gets_the_ownership_probe(library: Library) -> None:
    _, q = library.find("non-technical-stakeholder")
    told = report(
        library,
        q.id,
        "We worked with the finance team. We agreed the scope. We set expectations at about ninety percent "
        "accuracy. We built a fallback for low confidence cases. We shipped it in six weeks.",
    )
    reasons = [p.reason for p in iv.choose_probes(q, told, limit=3)]
    assert "told as we or a hypothetical" in reasons


def test_a_story_told_in_general_is_asked_for_one_time_it_happened(library: Library) -> None:
    _, q = library.find("emergent-behaviour")
    theory = report(
        library,
        q.id,
        "Emergent behaviour is fascinating: large models can develop abilities nobody trained them for. "
        "These models exploit any shortcut the reward gives them, so you add guardrails and monitoring.",
    )
    probes = iv.choose_probes(q, theory)
    assert probes[0].text == iv.STORY_PROBE and probes[0].reason == "told in general"
    assert any("Told in general" in h for h in theory.hints)
    story = report(
        library,
        q.id,
        "Last year our recommender started pushing the same three products to everyone. We traced it to a "
        "feedback loop and added an exploration term.",
    )
    assert "told in general" not in [p.reason for p in iv.choose_probes(q, story)]


def one_question_interview(store: Store, library: Library, answer: str, follow_up: str, probe: iv.AskedProbe):
    """An interview of prototype-to-production: its answer and one follow-up's, each a saved session."""
    _, q = library.find("prototype-to-production")
    meta = iv.InterviewMeta(
        id="20261124-100000-interview", pack="ml-engineer", created_at="2026-11-24T10:00:00+00:00", planned=[q.id]
    )
    main = store.create(q.id, "ml-engineer", "interview", now=datetime(2026, 11, 24, 10, 0, 0))
    first = report(library, q.id, answer)
    main.save_report(first, "", "")
    session = store.create(q.id, "ml-engineer", "interview", now=datetime(2026, 11, 24, 10, 1, 0))
    session.update(probe=probe.text, interview=meta.id)
    second = report(library, q.id, follow_up)
    session.save_report(second, "", "")
    asked = probe.model_copy(update={"session": session.id})
    meta.asked = [iv.AskedQuestion(question_id=q.id, session=main.id, probes=[asked], done=True)]
    return q, meta, first, second, session


def test_the_scorecard_counts_points_and_figures_across_answer_and_probe(tmp_path, library: Library) -> None:
    store = Store(tmp_path)
    q, meta, first, second, probe = one_question_interview(
        store,
        library,
        "Our rule-based baseline missed most fraud, so we trained gradient boosted trees.",
        "Fraud losses fell from 2.1 million pounds to 600,000 pounds a year.",
        iv.AskedProbe(text=iv.NUMBER_PROBE, reason="no measured outcome"),
    )
    card = iv.scorecard(meta, library, store)
    [row] = card.questions
    assert not first.quantified and second.quantified and row.quantified
    made_first = {r.point for r in first.rubric if r.state == "made"}
    assert set(row.made) >= made_first and len(row.made) + len(row.touched) + len(row.missed) == len(q.points)
    assert row.score is not None and 0 <= row.score <= 100
    assert card.summary.answered == 1 and card.summary.weakest == [q.id] and card.summary.strongest == []

    text = format_scorecard(card)
    assert "1 of 1 questions answered" in text and "Weakest:   prototype-to-production" in text
    assert f'follow-up (no measured outcome): "{iv.NUMBER_PROBE}"' in text and "1 measured figure," in text
    markdown = format_scorecard_markdown(card)
    assert markdown.startswith("# Interview 20261124-100000-interview") and "| prototype-to-production |" in markdown
    page = format_scorecard_html(card, lambda session_id: f"../../{session_id}/answer.wav")
    assert page.count("<audio") == 2 and f"../../{probe.id}/answer.wav" in page
    assert "http://" not in page and "https://" not in page


def test_the_scorecard_keeps_touched_apart_and_says_how_the_follow_up_did_on_its_point(
    tmp_path, library: Library
) -> None:
    store = Store(tmp_path)
    q, meta, first, second, _ = one_question_interview(
        store,
        library,
        "I would evaluate it properly. Our rule-based baseline missed most of the fraud.",
        "We replayed the previous quarter offline, then ran it silently next to the old checks for a month "
        "before anyone relied on it.",
        iv.AskedProbe(text="How did you know it was ready?", reason="missed point", point_id="pre-launch-eval"),
    )
    assert {r.point_id: r.state for r in first.rubric}["pre-launch-eval"] == "touched"
    [row] = iv.scorecard(meta, library, store).questions
    evaluated = next(p.point for p in q.points if p.key == "pre-launch-eval")
    assert evaluated in row.made and evaluated not in row.touched  # made in the follow-up
    touched_only = {r.point for r in first.rubric + second.rubric if r.state == "touched"} - set(row.made)
    assert row.touched and set(row.touched) == touched_only
    assert not set(row.missed) & (set(row.made) | set(row.touched))
    assert row.probes[0].asked_point == "made"
    card = iv.scorecard(meta, library, store)
    assert "; the point it asked about: made" in format_scorecard(card)
    assert all(f"- touched, not made: {p}" in format_scorecard_markdown(card) for p in row.touched)
