import dataclasses
from pathlib import Path

import numpy as np
import pytest

from helpers import toks, words_from
from voiceprep import analysis, rubric
from voiceprep.evaluate import evaluate_rubric, load_rubric_set
from voiceprep.html import format_html
from voiceprep.questions import Library, Question
from voiceprep.report import format_markdown, format_rubric_evaluation, format_text
from voiceprep.rubric import coverage, find_cue

QUESTION = Question.model_validate(
    {
        "id": "demo",
        "kind": "technical",
        "text": "How would you debug a model?",
        "target_seconds": [60, 120],
        "wants_numbers": True,
        "strong_answer": "Inputs, labels, then serving.",
        "points": [
            {"point": "Data drift", "cues": ["data drift", "distribution shift"]},
            {"point": "Roll back", "cues": ["roll back", "rollback", "revert"]},
            {"point": "UI changes", "cues": ["ui"]},
        ],
        "mistakes": ["Retraining first."],
    }
)


def test_cues_match_phrases_and_inflections() -> None:
    words = [t.norm for t in toks("We checked for data drifting, then rolled back.")]
    assert find_cue("data drift", words) == 3
    assert find_cue("roll back", words) == 6  # "rolled back"
    assert find_cue("revert", words) is None


def test_short_cues_match_whole_words_only() -> None:
    assert find_cue("ui", ["a", "uint", "field"]) is None
    assert find_cue("ui", ["the", "ui", "changed"]) == 1
    assert find_cue("a/b", ["an", "a/b", "test"]) == 1
    assert find_cue("a/b", ["an", "a", "b", "test"]) == 1


def test_coverage_reports_evidence() -> None:
    results = coverage(QUESTION, toks("There was a distribution shift, so we did a rollback."))
    assert [r.covered for r in results] == [True, True, False]
    assert results[0].evidence == ["distribution shift"]
    assert results[1].evidence == ["rollback"]
    assert results[2].evidence == []


# ------------------------------------------------------------------ judging by meaning

RUBRIC_SET = Path(__file__).parent / "data" / "rubric" / "answers.yaml"


@pytest.fixture(scope="module")
def questions():
    return {q.id: q for _, q in Library.load(None).questions()}


@pytest.fixture(scope="module")
def others():
    """Each question's id -> the points of its pack's other questions, as `voiceprep eval` judges against."""
    return {q.id: pack.points_besides(q) for pack, q in Library.load(None).questions()}


def states(question, text: str) -> dict[str, str]:
    return {r.point_id: r.state for r in coverage(question, toks(text))}


def verdict(question, point_id: str, text: str, others):
    """One point's result for ``text``, judged as `voiceprep eval` judges (told the other questions)."""
    return next(r for r in coverage(question, toks(text), others=others[question.id]) if r.point_id == point_id)


def test_whole_word_cues_match_inflections_not_other_words() -> None:
    assert find_cue("product", ["production"]) is None
    assert find_cue("product", ["products"]) == 0
    assert find_cue("label", ["labelled"]) == 0
    assert find_cue("route", ["router"]) == 0
    assert find_cue("evaluat*", ["evaluation"]) == 0
    assert find_cue("fine-tun*", ["fine-tuned"]) == 0


def test_a_point_said_in_own_words_is_made(questions) -> None:
    q = questions["prototype-to-production"]
    said = states(
        q,
        "We replayed the previous quarter offline, then ran it silently next to the old checks for a month "
        "before anyone relied on it.",
    )
    assert said["pre-launch-eval"] == "made"


def test_naming_a_topic_only_touches_the_point(questions) -> None:
    q = questions["prototype-to-production"]
    results = {r.point_id: r for r in coverage(q, toks("I would evaluate it properly. Monitoring is important."))}
    assert results["pre-launch-eval"].state == "touched"
    assert results["pre-launch-eval"].why
    assert all(r.state != "made" for r in results.values())


@pytest.mark.parametrize(
    ("question", "point", "text"),
    [
        ("rag-at-scale", "ingestion", "We split the manuals into chunks, embedded them and stored them in pgvector."),
        ("fine-tune-or-prompt", "when-prompt", "The task changes every month and we have ten examples, so we prompt."),
    ],
)
def test_centring_on_the_question_parts_a_point_from_its_neighbours(questions, question, point, text) -> None:
    # Measured and not in use (Thresholds.centre = 0): the share of the mean of the question's
    # prototypes taken from each widens the gap from the nearest point to the next.
    q = questions[question]
    parts = rubric.stretches(toks(text))[:1]
    gaps = []
    for centre in (0.0, 0.5):
        sims = rubric.similarities(q.points, parts, centre=centre)[0]
        order = sims.argsort()[::-1]
        assert q.points[order[0]].key == point
        gaps.append(float(sims[order[0]] - sims[order[1]]))
    assert gaps[1] > gaps[0] + 0.03


def test_words_of_the_pack_leave_out_the_story_s_own_and_keep_its_figures(questions, others) -> None:
    q = questions["emergent-behaviour"]
    words = rubric.pack_vocabulary(q, others[q.id])
    said = "Our pricing model for the car park began charging 40% more for the disabled bays."
    assert rubric.in_pack_words(said, words) == "Our pricing model for the began 40% more for the"
    assert rubric.in_pack_words("Cactus benches.", words) == "Cactus benches."  # nothing left: all of it


def test_reading_a_story_in_the_pack_s_words_finds_what_happened(questions, others) -> None:
    # Measured and not in use (Thresholds.pack_words = 0): the sentence model weighs the car
    # park and its bays more than a model that began doing something nobody expected.
    q = questions["emergent-behaviour"]
    said = toks(
        "Our pricing model for the car park began charging more for the disabled bays than for any other spaces."
    )
    verdicts = {}
    for share in (0.0, 0.5):
        limits = dataclasses.replace(rubric.THRESHOLDS, pack_words=share)
        verdicts[share] = {r.point_id: r.state for r in coverage(q, said, limits=limits, others=others[q.id])}
    assert verdicts[0.0]["what-unexpected"] == "missed"
    assert verdicts[0.5]["what-unexpected"] == "made"


@pytest.mark.parametrize(
    ("question", "point", "text"),
    [
        ("reduce-inference-cost", "routing", "Routing to a smaller model is also worth a try."),
        ("debug-degraded-model", "label-drift", "Concept drift is definitely worth checking for."),
    ],
)
def test_a_topic_worth_a_look_is_only_named(questions, others, question, point, text) -> None:
    result = verdict(questions[question], point, text, others)
    assert result.state == "touched" and result.why == rubric.WHY_TOPIC


def test_a_list_of_techniques_names_topics_and_makes_none_of_them(questions, others) -> None:
    q = questions["reduce-inference-cost"]
    listed = "There are lots of techniques like routing, caching and batching."
    results = {r.point_id: r for r in coverage(q, toks(listed), others=others[q.id])}
    assert all(r.state != "made" for r in results.values())
    assert results["caching"].state == "touched" and results["caching"].why == rubric.WHY_TOPIC
    told = "We cached the system prompt, and the nightly reports went through the batch API at half the price."
    assert {r.point_id for r in coverage(q, toks(told), others=others[q.id]) if r.state == "made"} >= {
        "caching",
        "batching",
    }


@pytest.mark.parametrize(
    ("question", "text"),
    [
        (
            "ml-technical-debt",
            "There's feature debt, there's pipeline debt, there's configuration debt and there's data debt.",
        ),
        ("rag-at-scale", "There's chunking, there's hybrid retrieval, there's reranking and there's evaluation."),
        ("reduce-inference-cost", "There's caching, batching, quantisation and routing to smaller models."),
    ],
)
def test_a_list_of_kinds_after_there_s_names_topics(questions, others, question, text) -> None:
    # Each of these made two or three points before the rule.
    results = coverage(questions[question], toks(text), others=others[question])
    assert all(r.state != "made" for r in results)
    assert any(r.why == rubric.WHY_TOPIC for r in results)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("There's data debt, there's model debt, there's pipeline debt.", True),
        ("And there are three stages: ingestion, retrieval and ranking.", True),
        # things of one system, named with "a" or "our": a description, not a list of kinds
        ("There's a nightly job, a drift check and a weekly retrain.", False),
        ("There's our feature table, the old cron job and two dashboards.", False),
        # fewer than three, or more than a few words to an item
        ("There is drift, and there are outages.", False),
        ("There are models in production nobody can retrain, because nobody kept the data.", False),
        # not opened by "there is": a story
        ("We had data debt, model debt and pipeline debt.", False),
    ],
)
def test_what_counts_as_a_list_of_kinds(text, kinds) -> None:
    assert rubric._lists_kinds(toks(text)) is kinds


@pytest.mark.parametrize(
    ("question", "guessed", "decided"),
    [
        (
            "debug-degraded-model",
            "I'd probably compare the input distributions with the training data and roll back if revenue is falling.",
            "I'd compare the input distributions with the training data and roll back if revenue is falling.",
        ),
        (
            "debug-degraded-model",
            "First I'd check the dashboards, and maybe roll back to the previous model version.",
            "First I'd check the dashboards, and roll back to the previous model version.",
        ),
        (
            "reduce-inference-cost",
            "We would probably cache the common answers and batch the nightly jobs.",
            "We would cache the common answers and batch the nightly jobs.",
        ),
    ],
)
def test_a_next_step_guessed_at_makes_no_point(questions, others, question, guessed, decided) -> None:
    # The "I would probably": the same step said outright makes points.
    q = questions[question]
    hedged = coverage(q, toks(guessed), others=others[q.id])
    assert all(r.state != "made" for r in hedged)
    assert rubric.judged(hedged, rubric.WHY_GUESSED)
    assert any(r.state == "made" for r in coverage(q, toks(decided), others=others[q.id]))


@pytest.mark.parametrize(
    ("text", "guessed"),
    [
        ("Probably retrain it on newer data.", True),
        ("So I'd look at the metrics and probably just retrain it.", True),
        ("And maybe try a bigger model.", True),
        # a hedge before a quantity or an example is an estimate
        ("I told her it would catch perhaps half of them.", False),
        ("We had maybe fifty good examples, so we prompted.", False),
        ("I'd ask whether anything changed on the product side, maybe a new booking flow.", False),
        # not the speaker's own step
        ("Technical debt is probably bigger than in normal software.", False),
    ],
)
def test_what_counts_as_a_guessed_step(text, guessed) -> None:
    assert rubric._guessed([t.norm for t in toks(text)]) is guessed


def test_a_sentence_as_near_several_points_as_to_any_makes_none_of_them(questions, others) -> None:
    q = questions["debug-degraded-model"]
    tokens = toks("I would retrain the model on fresh data, since performance drops usually mean the data is old.")
    results = coverage(q, tokens, others=others[q.id])
    assert [r.point_id for r in results if r.state == "made"] == []
    assert rubric.judged(results, rubric.WHY_VAGUE)
    # judged by similarity, the rule is what holds them back: without it the sentence makes three
    # points; judged by its share of each (in use), the share alone holds them back
    loose = coverage(q, tokens, limits=dataclasses.replace(rubric.THRESHOLDS, crowd=0, share=None), others=others[q.id])
    assert sum(r.state == "made" for r in loose) == 3
    shared = coverage(q, tokens, limits=dataclasses.replace(rubric.THRESHOLDS, crowd=0), others=others[q.id])
    assert sum(r.state == "made" for r in shared) == 0


def test_the_reason_shown_is_the_shown_sentence_s_own(questions, others) -> None:
    # Each sentence here touches feature debt for a reason of its own; the hint beside the
    # sentence shown must be that sentence's, not the first reason found anywhere in the answer.
    q = questions["ml-technical-debt"]
    answer = (
        "We don't really have pipeline problems, and we never used a feature store. "
        "We haven't needed to migrate anything. Mostly our debt is just old notebooks."
    )
    feature = verdict(q, "feature-debt", answer, others)
    assert feature.state == "touched"
    assert feature.sentence == "and we never used a feature store."
    assert feature.why == rubric.WHY_DENIED


def test_an_answer_on_its_own_topic_keeps_what_lies_near_another_question(questions, others) -> None:
    # "The eval sets had the same problem" lies nearer the eval-set question's points than this
    # question's; in a technical-debt answer it is eval-set debt all the same.
    answer = next(
        a for a in load_rubric_set(RUBRIC_SET.with_name("held-out-7.yaml"), questions) if a.id == "h7-debt-strong"
    )
    q = questions[answer.question]
    kept = {r.point_id: r for r in coverage(q, toks(answer.text), others=others[q.id])}
    assert kept["eval-debt"].state == "made"
    assert kept["eval-debt"].sentence.startswith("The eval sets had the same problem")
    everywhere = dataclasses.replace(rubric.THRESHOLDS, on_topic=None)  # the "elsewhere" rule in every answer
    held = {r.point_id: r for r in coverage(q, toks(answer.text), limits=everywhere, others=others[q.id])}
    assert held["eval-debt"].state == "touched" and held["eval-debt"].why == rubric.WHY_ELSEWHERE


def test_an_answer_to_another_question_makes_none_of_this_ones_points_from_it(questions, others) -> None:
    # The same kind of sentence in an answer to the eval-set question, judged against the
    # technical-debt question: the answer is about another question, and the rule holds.
    answer = next(a for a in load_rubric_set(RUBRIC_SET, questions) if a.id == "llmeval-neg-1")
    q = questions["ml-technical-debt"]
    told = {r.point_id: r for r in coverage(q, toks(answer.text), others=others[q.id])}
    assert told["eval-debt"].state == "touched"
    untold = {r.point_id: r for r in coverage(q, toks(answer.text))}  # not told the pack's other questions
    assert untold["eval-debt"].state == "made"


def test_what_follows_a_colon_after_a_denial_is_not_denied(questions, others) -> None:
    # "We never did X: we did Y" denies the mistake and tells what was done instead.
    q = questions["ml-technical-debt"]

    def incremental(text: str):
        return verdict(q, "incremental", text, others)

    instead = incremental(
        "We never stopped everything for a big rewrite: each new pipeline ran beside the old one for a sprint, "
        "and the old one got a date to be switched off."
    )
    assert instead.state == "made"
    assert instead.sentence.startswith("each new pipeline ran beside the old one")
    denied = incremental("We never ran the new pipeline beside the old one, and nothing got a date to be switched off.")
    assert denied.state == "touched" and denied.why == rubric.WHY_DENIED


@pytest.mark.parametrize(
    ("text", "denied"),
    [
        ("No shadow period; the new model replaced the old one on a Monday.", True),
        ("No one looked at the recall per group before launch.", True),
        ("No, we ran it beside the old rules for a month first.", False),  # it answers a question
        ("No doubt the inputs had drifted by then.", False),
    ],
)
def test_no_opening_a_sentence_denies_it(text: str, denied: bool) -> None:
    assert rubric.stretches(toks(text))[0].denied is denied


@pytest.mark.parametrize(
    ("text", "denied", "clauses_after"),
    [
        # what was done instead: every clause after the colon tells it, not only the first
        ("We didn't stop to rewrite everything: we gave each script an owner, moved them one at a time into the "
         "scheduler, and ran the old and new versions side by side.", False, 2),
        # more of the same: the clause after the colon denies too
        ("We never had a baseline: we never measured the old rules, and nobody kept their scores.", True, 2),
        # what was done about it: the "so" clause and those after it tell it
        ("We couldn't reproduce last year's numbers, so now every run saves its code version, its data.", False, 1),
        # more of the same: the "so" clause denies too, and so does what follows it
        ("We didn't collect any protected characteristics, so we never measured outcomes by group, and legal weren't "
         "involved.", True, 2),
        # a clause after the colon that opens with "No" denies as "we never had" does
        ("We never had a baseline: no record of the old rules' scores, no holdout month, nothing to compare.", True, 2),
    ],
)  # fmt: skip
def test_after_a_colon_or_a_so_a_denial_turns_to_what_was_done_unless_it_denies_too(
    text: str, denied: bool, clauses_after: int
) -> None:
    whole, before, *after = rubric.stretches(toks(text))
    assert whole.denied and before.denied and len(after) >= clauses_after
    assert [s.denied for s in after] == [denied] * len(after)


@pytest.mark.parametrize(
    ("question", "point", "text"),
    [
        (  # made in the clause after what went wrong, which the opening denial no longer covers
            "ml-technical-debt",
            "reproducibility",
            "We couldn't reproduce last year's numbers for the auditors, so now every run saves its code version, "
            "its data snapshot and its parameters in MLflow.",
        ),
        (  # as near routing and caching as to this point: with no cue of its own it was "said so generally"
            "reduce-inference-cost",
            "fine-tuned-small",
            "Once we were at a couple of million messages a month, a small open model tuned on the large one's "
            "good answers would pay for itself.",
        ),
        (  # expectations told in reported speech: the "we'd" is what was said then, not a hypothetical
            "non-technical-stakeholder",
            "expectations",
            "At a water company I worked with the head of the leakage team. He wanted a model that found every "
            "leak; I told him early that from meter data alone we'd find maybe two in three of the big ones and few "
            "of the small, and that a false alarm would send a crew out for nothing now and then.",
        ),
    ],
)
def test_a_point_told_in_the_candidates_own_words_is_made(questions, others, question, point, text) -> None:
    assert verdict(questions[question], point, text, others).state == "made"


def test_a_question_the_speaker_answers_is_read_with_its_answer(questions, others) -> None:
    # Whisper writes "?" where a typed answer has a colon: "And what would change it: if they..."
    q = questions["explain-to-executive"]

    def counterfactual(text: str):
        return verdict(q, "counterfactual", text, others)

    then = "If they pay within terms for three months, the model would approve the longer terms again."
    answered = counterfactual(f"We recommend declining. And what would change it? {then}")
    assert answered.state == "made"
    assert answered.sentence == f"And what would change it? {then}"
    # a statement is not a question: each sentence is read on its own, as before
    assert counterfactual(f"We recommend declining. And what would change it. {then}").state == "touched"
    # nor does a question make the point when what follows denies it
    unanswered = counterfactual("We recommend declining. What would change it? Honestly, I never looked into that.")
    assert unanswered.state == "touched"
    # an answer that opens with "No" denies, as it does on its own
    (*_, asked_and_answered) = rubric.stretches(toks("What did we check first? No baseline, no holdout, nothing."))
    assert asked_and_answered.text.startswith("What did we check first?") and asked_and_answered.denied


def test_naming_what_the_question_asks_about_is_no_evidence(questions) -> None:
    # Asked "fine-tuning or prompting?", every answer names both: the names are not cues there.
    q = questions["fine-tune-or-prompt"]
    weak = {r.point_id: r for r in coverage(q, toks("Prompting is more of a quick hack, to be honest with you."))}
    assert weak["when-prompt"].state != "made"
    strong = {
        r.point_id: r
        for r in coverage(
            q, toks("We prompt while the task keeps changing and we only have a handful of labelled examples.")
        )
    }
    assert strong["when-prompt"].state == "made"


def test_a_denied_point_is_not_made(questions) -> None:
    q = questions["prototype-to-production"]
    plain = states(q, "Our rule-based baseline missed most fraud, so a learned model was needed.")
    denied = states(q, "We never had a rule-based baseline, we went straight to a neural network.")
    assert plain["why-ml"] == "made"
    assert denied["why-ml"] != "made"


def test_after_is_not_before(questions) -> None:
    # The sentence model scores "after launch" about as close to "evaluated before launch" as
    # "before launch" is; which side of the launch it fell is read from the words.
    q = questions["prototype-to-production"]
    after = states(q, "A week after we launched it, we found the scores had drifted badly.")
    assert after["pre-launch-eval"] == "missed"
    assert after["production-failure"] == "made"
    # a cue it names ("recall") still touches the point, but the sentence does not make it
    named = states(q, "Just after launch, recall on new merchants collapsed and we reverted.")
    assert named["pre-launch-eval"] == "touched"
    before = states(q, "Before we launched it, we replayed the last quarter through it offline.")
    assert before["pre-launch-eval"] == "made"
    # a point that is "before X" says nothing about what came after some other thing
    other = states(q, "After the rules missed an attack pattern, we replayed the last quarter offline before launch.")
    assert other["pre-launch-eval"] == "made"


def test_a_hypothetical_makes_no_point_in_a_story_but_does_in_a_how_would_you(questions) -> None:
    story = questions["prototype-to-production"]
    hypo = "In general we'd hold out the last month and run the model in shadow mode before launch."
    did = "We held out the last month and ran the model in shadow mode before launch."
    assert states(story, did)["pre-launch-eval"] == "made"
    result = next(r for r in coverage(story, toks(hypo)) if r.point_id == "pre-launch-eval")
    assert result.state == "touched" and result.why == rubric.WHY_HYPOTHETICAL
    how = questions["debug-degraded-model"]
    assert (
        states(how, "I would compare the feature distributions this week with the training data.")["input-drift"]
        == "made"
    )


def test_the_question_s_own_words_are_not_content_of_the_answer(questions) -> None:
    """Meaning alone needs five content words of the candidate's own, not the question's."""
    q = questions["fine-tune-or-prompt"]
    text = "Fine-tuning gives you control, prompting gives you speed."
    (sentence, *_) = rubric.stretches(toks(text))
    asked = [t.norm for t in toks(q.text)]
    assert sentence.content_words() == 6 and sentence.content_words(asked) == 4
    assert "made" not in states(q, text).values()
    said = "I'd fine-tune when the task is narrow, stable, and we have thousands of labelled examples."
    assert states(q, said)["when-finetune"] == "made"


THEORY = (
    "Emergent behaviour is fascinating: large models can develop abilities nobody trained them for. "
    "These models exploit any shortcut the reward gives them, so you add guardrails."
)


def test_a_story_question_answered_in_general_makes_no_point(questions) -> None:
    """The pack's mistake "a theoretical answer with no incident": nothing the speaker did, no point made."""
    q = questions["emergent-behaviour"]
    results = coverage(q, toks(THEORY))
    assert [r.state for r in results if r.state == "made"] == []
    assert any(r.why == rubric.WHY_GENERAL for r in results)
    told = "Last year our recommender started pushing the same three products to everyone. " + THEORY
    assert "made" in {r.state for r in coverage(q, toks(told))}


@pytest.mark.parametrize(
    ("text", "tells"),
    [
        ("I told her up front it would be wrong about one time in ten.", True),
        ("We traced it to the prompt template.", True),
        ("We used the old labels for the first version.", True),  # a four-letter past
        ("Myself and two others migrated the pipeline.", True),  # every first-person form analysis counts
        ("Large models can develop abilities nobody trained them for.", False),  # no one of ours
        ("If that happened to one of mine, I'd look at the logs.", False),  # a condition
        ("We never had an incident like that.", False),  # denied
        ("In general we'd hold out the last month.", False),  # a hypothetical
    ],
)
def test_what_counts_as_telling_of_one_s_own_work(text: str, tells: bool) -> None:
    assert rubric.tells_of_own_work(rubric.stretches(toks(text))) is tells


def test_a_sentence_nearer_the_usual_mistake_than_the_point_only_touches_it(questions) -> None:
    q = questions["fairness-in-hiring"]
    audit = next(p for p in q.points if p.key == "data-audit")
    assert audit.near_misses  # the pack's "just remove the protected features"
    mistake = "We excluded the protected attributes from training, so the model could not be unfair."
    result = next(r for r in coverage(q, toks(mistake)) if r.point_id == "data-audit")
    assert result.state == "touched" and result.why == rubric.WHY_MISTAKE
    audit_done = "I'd check which columns are protected characteristics and which stand in for them, like postcode."
    assert states(q, audit_done)["data-audit"] == "made"
    # the right point says the mistake's words too, and is still nearer the point
    beyond = "Removing gender is not enough: postcode and university proxy for it, so I check what correlates."
    assert states(q, beyond)["data-audit"] == "made"


def test_a_short_sentence_saying_what_i_did_is_not_a_topic(questions, others) -> None:
    q = questions["fairness-in-hiring"]

    def tooling(text: str):
        return verdict(q, "tooling", text, others)

    assert tooling("Then I compare selection rates by group. I would compute those with Fairlearn.").state == "made"
    named = tooling("Then I compare selection rates by group. Fairlearn, mostly.")
    assert named.state == "touched" and named.why == rubric.WHY_TOPIC


@pytest.mark.parametrize(
    ("text", "why"),
    [
        # a cue in a stretch far from the point: it asks for the substance, not for a reason
        ("I checked the data for proxies.", rubric.WHY_WORDS),
        # a cue in a stretch that could not make the point however near it was: how it was said
        ("We never checked the data for proxies.", rubric.WHY_DENIED),
        ("You should check the data for proxies.", rubric.WHY_ADVICE),
    ],
)
def test_a_point_only_named_gets_the_hint_of_what_kept_it_from_being_made(questions, others, text, why) -> None:
    named = verdict(questions["fairness-in-hiring"], "data-audit", text, others)
    assert named.state == "touched" and named.why == why and named.sentence == text


def test_a_sentence_read_as_a_neighbouring_point_is_told_so(questions, others) -> None:
    q = questions["debug-degraded-model"]
    text = "I would compare this week's inputs with the training data, column by column, before anything else."
    results = {r.point_id: r for r in coverage(q, toks(text), others=others[q.id])}
    assert results["input-drift"].state == "made"
    # near the serving stack too (0.44), and nearer input drift by more than the margin (0.59)
    serving = results["serving-stack"]
    assert serving.state == "touched" and serving.why == rubric.WHY_NEIGHBOUR
    assert text.startswith(serving.sentence)  # its first clause


def test_with_clear_lead_set_a_stretch_clearly_nearest_one_point_makes_it_from_the_floor(questions, others) -> None:
    # Measured and not in use (Thresholds.clear_lead = None; benchmarks/clear_lead.py). The bar to
    # make a point alone is put out of reach here (the share as well), so only the lead can make it.
    q = questions["rag-at-scale"]
    out_of_reach = dataclasses.replace(rubric.THRESHOLDS, alone=0.9, share=None)
    clear = dataclasses.replace(out_of_reach, clear_lead=0.04, clear_floor=0.30)

    def state(text: str, limits: rubric.Thresholds) -> str:
        results = coverage(q, toks(text), limits=limits, others=others[q.id])
        return next(r.state for r in results if r.point_id == "retrieval-bottleneck")

    # nearest the bottleneck by more than 0.04 in its first clause (0.50 against 0.40)
    ahead = "Most bad answers we traced came from fetching the wrong passages, not from the prompt."
    assert state(ahead, out_of_reach) == "touched" and state(ahead, clear) == "made"
    # as near generation and feedback as the bottleneck (0.60 against 0.58 at best)
    level = "The answers got much better once the passages we fetched for the model were the right ones."
    assert state(level, clear) == "touched"
    assert rubric.THRESHOLDS.clear_lead is None


def test_a_stretch_s_shares_favour_its_nearest_point_and_leave_some_to_none() -> None:
    sims = np.array([[0.50, 0.40, 0.10], [0.50, 0.49, 0.48], [0.20, 0.15, 0.10]], dtype=np.float32)
    share = rubric.shares(sims, [True, True, True], null=0.35)
    assert share.shape == sims.shape and (share.sum(axis=1) < 1.0).all()
    assert share[0, 0] > 0.5 > share[0, 1]  # clearly nearest the first: most of it
    assert share[1].max() < 0.4  # as near three as any one: none takes much
    assert share[2].max() < 0.1  # far from every point: the null takes it
    # a point that is not judged (no description or examples) takes nothing and gives nothing
    unjudged = rubric.shares(sims, [True, False, True], null=0.35)
    assert unjudged[0, 1] == 0.0 and unjudged[0, 0] > share[0, 0]


def test_a_point_is_made_by_its_share_of_the_question_s_points(questions, others) -> None:
    # In use (Thresholds.share = 0.4; benchmarks/share.py): how near and how much nearer than the
    # others, at once. Without it, the bar is the similarity alone (0.39).
    off = dataclasses.replace(rubric.THRESHOLDS, share=None)

    def state(question: str, point: str, text: str, limits: rubric.Thresholds) -> str:
        results = coverage(questions[question], toks(text), limits=limits, others=others[question])
        return next(r.state for r in results if r.point_id == point)

    # what nobody expected, told in the story's own words: 0.35 to 0.38 from the point, under the
    # bar, and far nearer it than any other point of the question (its clause's share 0.53)
    kites = (
        "Our recommendation model began showing beginner kites to people who had just bought "
        "expensive power kites, but only on windy days."
    )
    assert state("emergent-behaviour", "what-unexpected", kites, off) == "missed"
    assert state("emergent-behaviour", "what-unexpected", kites, rubric.THRESHOLDS) == "made"
    # near the serving stack (0.56, 0.57), nearer input drift (0.62) and near three more points:
    # its share of the serving stack is 0.2 to 0.33, and it says nothing of the serving stack
    data = (
        "I'd check whether the data coming in looks different from what the model was trained on, "
        "and whether anything changed in the product."
    )
    assert state("debug-degraded-model", "serving-stack", data, off) == "made"
    assert state("debug-degraded-model", "serving-stack", data, rubric.THRESHOLDS) == "touched"
    assert state("debug-degraded-model", "input-drift", data, rubric.THRESHOLDS) == "made"


def test_a_point_that_asks_why_is_made_only_with_a_reason(questions, others) -> None:
    q = questions["prototype-to-production"]
    choice = next(p for p in q.points if p.key == "model-choice")
    assert choice.reason  # "The model chosen, and why"
    said = "For a bakery chain I built the demand forecast as a LightGBM model on two years of sales"
    named = verdict(q, "model-choice", f"{said}.", others)
    assert named.state == "touched" and named.why == rubric.WHY_NAMED
    assert verdict(q, "model-choice", f"{said}, since it trained in minutes.", others).state == "made"
    # Whisper writes a full stop at the speaker's pause before the reason
    reason_next = f"{said}. Since it trained in minutes, we could retrain it every night."
    assert verdict(q, "model-choice", reason_next, others).state == "made"


@pytest.mark.parametrize(
    ("question", "point", "mistake", "made"),
    [
        (  # the pack's mistake: "Listing tools with no trade-offs."
            "rag-at-scale",
            "ingestion",
            "We'd load the manuals into a vector database and have the model answer from what it finds there.",
            "Manuals are split into chunks of about four hundred tokens, embedded with a small open model, "
            "and stored in pgvector because we already run Postgres.",
        ),
        (  # the pack's mistake: "Leading with the chart instead of the explanation."
            "explain-to-executive",
            "tools-backup",
            "I'd put the SHAP chart up and talk them through which features pushed the score.",
            "The SHAP chart stays in the appendix in case the board wants the detail.",
        ),
        (  # the pack's mistake: "Proposing a rewrite from scratch."
            "ml-technical-debt",
            "incremental",
            "In the end we rewrote the whole codebase from scratch in one go.",
            "We ran the old and new pipelines side by side for a month, and each old job got a sunset date.",
        ),
    ],
)
def test_the_usual_mistake_only_touches_the_point(questions, others, question, point, mistake, made) -> None:
    q = questions[question]
    wrong = verdict(q, point, mistake, others)
    assert wrong.state == "touched" and wrong.why == rubric.WHY_MISTAKE
    assert verdict(q, point, made, others).state == "made"


def test_prompting_first_by_habit_is_the_usual_mistake_not_a_reason_or_a_test(questions, others) -> None:
    # the pack's mistake: "No concrete task on either side of the choice."
    q = questions["fine-tune-or-prompt"]
    for habit in (
        "My rule is to prompt first and only fine-tune when the prompt is not good enough.",
        "I always begin with a prompted model and fine-tune only if the results disappoint.",
    ):
        results = {r.point_id: r for r in coverage(q, toks(habit), others=others[q.id])}
        assert all(r.state != "made" for r in results.values())
        assert rubric.judged(list(results.values()), rubric.WHY_MISTAKE)
    changing = "When the categories keep changing and we only have twenty examples, I prompt and edit it as we go."
    assert verdict(q, "when-prompt", changing, others).state == "made"
    decided = "Both versions run on the same test set of five hundred checked invoices, and the numbers make the call."
    assert verdict(q, "eval-decides", decided, others).state == "made"


@pytest.mark.parametrize(
    ("text", "denied"),
    [
        ("We never had a proper baseline.", True),
        ("We didn't check the labels.", True),
        ("So we shouldn't sign the renewal without extra checks.", False),  # advice, not a denial
    ],
)
def test_advice_in_the_negative_is_not_a_denial(text: str, denied: bool) -> None:
    (stretch,) = rubric.stretches(toks(text))
    assert stretch.denied is denied


@pytest.mark.parametrize(
    ("text", "hypothetical"),
    [
        ("I'd planned to hide the reasons from the agents.", False),  # "I had planned"
        ("We'd already shipped it when the complaints came in.", False),
        ("We'd agreed on a threshold with her team.", False),
        ("I'd probably look at the logs first.", True),
        ("I'd need more data before building anything.", True),  # "need" ends in -ed, is no participle
        ("I'd embed the documents with an open model.", True),
        ("I'd put it in shadow mode for a month.", True),  # "put" could be either; "would" is likelier
        ("I'd used the same split the year before.", False),  # four letters, still "had used"
        ("I'd needed a second opinion on the labels.", False),  # "needed" is a past, "need" is not
        ("I'd let the team decide on the threshold.", True),  # "let" spelled as its present
        ("I'd never seen drift that fast before.", False),
        ("Honestly that is the part I'd", True),  # "'d" with nothing after it
    ],
)
def test_had_before_a_participle_is_a_story_not_a_hypothetical(text: str, hypothetical: bool) -> None:
    (stretch,) = rubric.stretches(toks(text))
    assert stretch.hypothetical is hypothetical


@pytest.mark.parametrize(
    ("text", "hypothetical"),
    [
        ("I told him early that we'd find maybe two in three of the big leaks.", False),
        ("She said we would need a month of clean readings first.", False),
        ("I warned them the first model would miss the small ones.", False),
        ("I'd say we would find two in three of the big leaks.", True),  # the "'d" comes before the saying
        ("We would find two in three, I told him.", True),  # nothing said before the "would"
        ("I tell them we'd find two in three.", True),  # said now, of what would happen: still a hypothetical
    ],
)
def test_would_after_a_past_verb_of_saying_is_the_story_not_a_hypothetical(text: str, hypothetical: bool) -> None:
    whole = rubric.stretches(toks(text))[0]  # the sentence, before its clauses
    assert whole.hypothetical is hypothetical


def test_advice_to_anyone_makes_no_point_even_in_a_how_would_you(questions, others) -> None:
    # the "you need to...": what anyone should do, not what the candidate did or would do
    q = questions["llm-eval-set"]
    would = "I would sample a few hundred questions from real production traffic, including the awkward ones."
    advice = "You need to sample a few hundred questions from real production traffic, including the awkward ones."
    assert verdict(q, "real-traffic", would, others).state == "made"
    told = verdict(q, "real-traffic", advice, others)
    assert told.state == "touched" and told.why == rubric.WHY_ADVICE
    listed = "You need a good eval set, a rubric, maybe an LLM judge, and some kind of continuous evaluation."
    assert not any(r.state == "made" for r in coverage(q, toks(listed), others=others[q.id]))
    # the same advice in other words
    for opening in ("You want to", "You've got to", "You ought to"):
        said = f"{opening} sample a few hundred questions from real production traffic, including the awkward ones."
        told = verdict(q, "real-traffic", said, others)
        assert told.state == "touched" and told.why == rubric.WHY_ADVICE


def test_a_story_point_is_not_made_by_a_hypothetical_even_in_a_how_would_you(questions) -> None:
    how = questions["debug-degraded-model"]
    incident = next(p for p in how.points if p.key == "real-incident")
    assert incident.story and not how.is_story
    did = "Last spring our fraud model dropped ten percent overnight, a join had broken, and we fixed it in four hours."
    would = "If our fraud model dropped ten percent overnight, I would find the broken join and fix it in four hours."
    assert states(how, did)["real-incident"] == "made"
    result = next(r for r in coverage(how, toks(would)) if r.point_id == "real-incident")
    assert result.state == "touched" and result.why == rubric.WHY_HYPOTHETICAL


def test_the_sentence_that_made_the_point_is_kept_with_its_time(questions) -> None:
    q = questions["reduce-inference-cost"]
    text = "We moved the nightly reports to the batch API at half the price. Then we cached the system prompt."
    report = analysis.analyze(words_from(text, step=0.4), q, "ml-engineer", duration_s=10, source="test")
    caching = next(r for r in report.rubric if r.point_id == "caching")
    assert caching.state == "made"
    assert caching.sentence == "Then we cached the system prompt."
    assert caching.at == pytest.approx(13 * 0.4)
    assert report.rubric_method == rubric.METHOD
    page = format_html(report)
    assert f'data-at="{caching.at:.3f}"' in page and "Then we cached the system prompt." in page
    assert "0:05" in format_text(report) and "“Then we cached the system prompt.”" in format_markdown(report)


def test_reports_written_before_touched_existed_still_load() -> None:
    from voiceprep.schema import RubricResult

    old = RubricResult.model_validate({"point": "Data drift", "covered": True, "evidence": ["drift"]})
    assert old.state == "made" and old.sentence is None


def test_the_dev_set_scores_as_the_readme_says(questions, others) -> None:
    """The labelled answers: the figures quoted in the README, within a point of rounding."""
    result = evaluate_rubric(RUBRIC_SET, questions, others=others)
    assert result.overall.answers >= 40 and len(result.by_question) >= 8
    assert result.overall.rates.precision >= 0.92
    assert result.overall.rates.recall >= 0.92
    topic = next(g for g in result.by_style if g.name == "topic-only")
    assert topic.made == 0  # answers that only name topics make no point
    # (the time per answer is printed by `voiceprep eval`, not asserted: a test is no stopwatch)
    cues = evaluate_rubric(RUBRIC_SET, questions, method="cues")
    assert cues.overall.rates.precision < result.overall.rates.precision


# Held-out 22's four answers making every point found 19 of their 22 (0.86) when first scored,
# fewer than its partial answers (0.91), held-out 24's 17 of 21 (0.81, its partial answers 0.82)
# and held-out 27's 16 of 21 (0.76, its partial answers 0.80): their own floors, a point under.
# Held-out 2's found 57 of 62 (0.919) with the share, 58 without.
STRONG_RECALL = {
    "held-out-2.yaml": 0.91,
    "held-out-22.yaml": 0.85,
    "held-out-24.yaml": 0.80,
    "held-out-27.yaml": 0.75,
}


@pytest.mark.parametrize(
    ("name", "precision", "recall"),
    [
        ("held-out.yaml", 0.95, 0.95),  # 0.85 / 0.83 when first scored
        ("held-out-2.yaml", 0.97, 0.92),  # 0.87 / 0.86 when first scored
        ("held-out-3.yaml", 0.85, 0.87),  # 0.80 / 0.71 when first scored (0.78 / 0.67 the version before)
        ("held-out-4.yaml", 0.94, 0.88),  # 0.89 / 0.85 when first scored; 0.88 recall before tools-backup's near miss
        ("held-out-5.yaml", 0.93, 0.85),  # 0.90 / 0.80 when first scored
        ("held-out-6.yaml", 0.92, 0.85),  # 0.89 / 0.80 when first scored; 0.93 / 0.88 before the share
        ("held-out-7.yaml", 0.92, 0.92),  # 0.95 / 0.88 when first scored; 0.95 / 0.94 before the share
        ("held-out-8.yaml", 0.89, 0.88),  # 0.92 / 0.88 when first scored
        ("held-out-9.yaml", 0.91, 0.92),  # 0.88 / 0.91 when first scored
        ("held-out-10.yaml", 0.89, 0.84),  # 0.90 / 0.83 when first scored; 0.90 / 0.86 before the share
        ("held-out-11.yaml", 0.95, 0.87),  # 0.98 / 0.90 (0.896) when first scored; 0.97 / 0.91 before the share
        ("held-out-12.yaml", 0.89, 0.80),  # 0.86 / 0.73 when first scored
        ("held-out-13.yaml", 0.83, 0.80),  # 0.88 / 0.78 when first scored
        ("held-out-14.yaml", 0.89, 0.78),  # 0.83 / 0.75 when first scored
        ("held-out-15.yaml", 0.94, 0.86),  # 0.95 / 0.83 when first scored
        ("held-out-16.yaml", 0.81, 0.85),  # 0.82 / 0.77 when first scored; every answer partial
        ("held-out-17.yaml", 0.79, 0.83),  # 0.80 / 0.82 when first scored; every answer partial
        ("held-out-18.yaml", 0.84, 0.82),  # 0.88 / 0.77 when first scored; 0.87 / 0.83 before the share
        ("held-out-19.yaml", 0.82, 0.79),  # 0.83 / 0.81 when first scored
        ("held-out-20.yaml", 0.77, 0.81),  # 0.79 / 0.83 when first scored; written as spoken
        ("held-out-21.yaml", 0.85, 0.84),  # 0.87 / 0.86 when first scored; half written as spoken
        ("held-out-22.yaml", 0.83, 0.88),  # 0.84 / 0.89 when first scored
        ("held-out-23.yaml", 0.78, 0.83),  # 0.79 / 0.87 when first scored; 0.79 / 0.87 before the share
        ("held-out-24.yaml", 0.78, 0.81),  # 0.79 / 0.82 when first scored
        ("held-out-25.yaml", 0.80, 0.71),  # 0.81 / 0.72 when first scored
        ("held-out-26.yaml", 0.82, 0.72),  # 0.83 / 0.73 when first scored
        ("held-out-27.yaml", 0.83, 0.78),  # 0.84 / 0.79 when first scored
        ("held-out-28.yaml", 0.82, 0.83),  # 0.81 / 0.78 when first scored, 0.83 / 0.84 with the share it decided
        ("held-out-29.yaml", 0.82, 0.78),  # 0.83 / 0.79 when first scored (with the share)
    ],
)
def test_the_held_out_rubric_sets_stay_where_they_were_measured(questions, others, name, precision, recall) -> None:
    """Answers written after the rubric was settled (docs/rubric.md, "Held-out sets"): the figures quoted there."""
    result = evaluate_rubric(RUBRIC_SET.with_name(name), questions, others=others)
    assert result.overall.answers == 24 and len(result.by_question) == 12
    assert result.overall.rates.precision >= precision
    assert result.overall.rates.recall >= recall
    strong = next((g for g in result.by_style if g.name == "paraphrase"), None)
    if strong is not None:
        # the answers that make every point find them at least as well, where that was measured
        assert strong.rates.recall >= STRONG_RECALL.get(name, recall)


def test_a_rubric_evaluation_says_how_many_of_their_points_the_answers_make(questions, others) -> None:
    # An answer labelled with every point of its question cannot show a point given for its
    # neighbour, nor one labelled with none a point found: the sets' shape is printed with them.
    dev = evaluate_rubric(RUBRIC_SET, questions, others=others)
    shapes = {g.name: g for g in dev.by_shape}
    assert list(shapes) == ["every point", "some points", "no point"]
    assert sum(g.answers for g in shapes.values()) == dev.overall.answers
    assert shapes["no point"].expected == 0 and shapes["every point"].correct == shapes["every point"].made
    assert 0 < shapes["some points"].expected < shapes["some points"].answers * 6
    partial = evaluate_rubric(RUBRIC_SET.with_name("held-out-16.yaml"), questions, others=others)
    assert [g.name for g in partial.by_shape] == ["some points"]
    assert "answer makes" in format_rubric_evaluation(partial)


def test_a_rubric_set_naming_an_unknown_point_is_refused(tmp_path, questions) -> None:
    from voiceprep.errors import VoiceprepError

    bad = tmp_path / "set.yaml"
    bad.write_text(
        "answers:\n  - {id: a, question: rag-at-scale, style: weak, text: 'We used pgvector.', made: [nope]}\n"
    )
    with pytest.raises(VoiceprepError, match="unknown points"):
        evaluate_rubric(bad, questions)


def test_prepare_embeds_the_references_so_the_answer_does_not_wait_for_them() -> None:
    from voiceprep.embedding import shared_encoder
    from voiceprep.questions import Library

    _, question = Library.load(None).find("rag-at-scale")
    encoder = shared_encoder()
    encoder._cache.clear()  # as in a new process
    rubric.prepare(question.points)
    before = encoder.encode
    calls: list[int] = []

    def counted(texts):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        return before(texts)

    encoder.encode = counted  # type: ignore[method-assign]
    try:
        for point in question.points:
            encoder.encode_cached(point.references)
    finally:
        encoder.encode = before  # type: ignore[method-assign]
    assert calls == []  # every reference was embedded ahead


def test_embedded_phrasings_are_kept_on_disk_for_the_next_process(tmp_path) -> None:
    import numpy as np

    from voiceprep.embedding import Encoder

    pack, question = Library.load(None).find("rag-at-scale")
    texts = [t for p in [*question.points, *pack.points_besides(question)] for t in p.references]
    first = Encoder().encode_kept(texts, tmp_path)
    [kept] = list(tmp_path.glob("*.npy"))
    later = Encoder()  # as in the next process: nothing in memory

    def refused(texts):  # type: ignore[no-untyped-def]
        raise AssertionError(f"embedded again: {len(texts)} texts")

    later.encode = refused  # type: ignore[method-assign]
    again = later.encode_kept(texts, tmp_path)
    assert np.array_equal(first, again) and len(again) == len(set(texts))
    # a file that cannot be read is worked out again, and replaced
    kept.write_bytes(b"not an array")
    assert np.allclose(Encoder().encode_kept(texts, tmp_path), first, atol=1e-6)
    assert np.load(kept).shape == first.shape


def test_many_sentences_are_embedded_in_batches_with_the_same_result() -> None:
    import numpy as np

    from voiceprep.embedding import BATCH, shared_encoder

    encoder = shared_encoder()
    # long and short ones mixed: batches are made of texts of about the same length, so the
    # rows are embedded out of order and must come back in it
    texts = [
        f"We cut the latency by {k} milliseconds on the checkout page"
        + " after moving the feature lookups next to the model" * (k % 3)
        for k in range(BATCH * 2 + 5)
    ]
    together = encoder.encode(texts)
    assert together.shape == (len(texts), 384)
    # the rows do not depend on the batch a text was embedded in
    for k in (0, 1, 2, BATCH + 3, len(texts) - 1):
        assert np.allclose(together[k], encoder.encode([texts[k]])[0], atol=1e-4)
    assert np.allclose(together[-1], encoder.encode(texts[-2:])[1], atol=1e-4)


def test_spoken_answers_are_transcribed_with_their_questions_vocabulary() -> None:
    """eSpeak NG and tiny.en, as `eval --spoken` runs them: told "cache", Whisper writes it, not "cash"."""
    from voiceprep.evaluate import RubricAnswer, spoken_transcripts

    text = "We put a cache in front of the model, and the cache hit rate reached sixty percent."
    answer = RubricAnswer(id="a", question="reduce-inference-cost", style="slips", text=text, made=[])
    plain = [t.norm for t in spoken_transcripts([answer], None)["a"]]
    told = [t.norm for t in spoken_transcripts([answer], None, vocabularies={"reduce-inference-cost": ("cache",)})["a"]]
    assert told.count("cache") == 2
    assert plain.count("cache") < 2  # tiny.en alone writes "cash": the vocabulary is what brought it back


def test_a_spoken_evaluation_records_the_voice_and_its_seed(tmp_path, questions) -> None:
    """Read by Piper, the figures depend on its noise: the result says whether it was seeded."""
    from voiceprep.speech import PiperSpeaker

    one = tmp_path / "set.yaml"
    one.write_text("answers:\n  - {id: a, question: rag-at-scale, style: weak, text: 'We used pgvector.', made: []}\n")
    result = evaluate_rubric(one, questions, spoken=True, speaker=PiperSpeaker(seed=0))
    assert result.voice == "piper en_US-joe-medium, seed 0"
    assert result.answers[0].transcript  # it was read and heard


def test_the_evidence_for_a_made_point_is_a_sentence_that_names_it(questions) -> None:
    """Meaning alone finds "I owned the fraud model" close to a production failure; the sentence
    that also names the failure is the one shown."""
    q = questions["prototype-to-production"]
    text = (
        "At my last company I owned the fraud model. I cut latency from 480 milliseconds to 95 milliseconds, "
        "and after launch we saw drift, so I rolled back within two hours."
    )
    failure = next(r for r in coverage(q, toks(text)) if r.point_id == "production-failure")
    assert failure.state == "made"
    assert failure.sentence is not None and "rolled back" in failure.sentence


def test_a_sentence_can_make_two_points_when_it_names_the_second(questions) -> None:
    """The sentence model puts this nearest the serving stack; naming the roll-back as well, it
    makes that point too, where without a cue it would make only the nearest."""
    q = questions["debug-degraded-model"]
    said = states(
        q, "Then I check that the model version deployed is the one we tested, and if it is wrong, I roll back first."
    )
    assert said["serving-stack"] == "made"
    assert said["tools-rollback"] == "made"
    unnamed = states(q, "Then I check that the model version deployed is the one we tested.")
    assert unnamed["serving-stack"] == "made"
    assert unnamed["tools-rollback"] != "made"


def test_a_short_clause_does_not_make_a_point_on_meaning_alone(questions) -> None:
    """A few words ("to a much smaller model") sit near any example on their topic; the point
    needs a longer stretch of meaning or one of its cue words."""
    q = questions["reduce-inference-cost"]
    short = "Then we moved the easy queries, to a much smaller model, and that was that."
    assert states(q, short)["fine-tuned-small"] != "made"
    anything_goes = rubric.Thresholds(alone_words=0)
    loose = {r.point_id: r.state for r in coverage(q, toks(short), limits=anything_goes)}
    assert loose["fine-tuned-small"] == "made"  # the rule, not the similarity, keeps it out
    said = "Once the volume justified it we trained a much smaller open model to replace the API calls."
    assert states(q, said)["fine-tuned-small"] == "made"


def test_a_sentence_about_another_questions_point_does_not_make_this_ones() -> None:
    """Told the pack's other questions, the rubric does not credit a feedback-loop lesson (the
    emergent-behaviour question) as why a model beat rules, nor as touching it; a sentence that
    names the point's own words but belongs to another question touches it, and says so."""
    pack, q = Library.load(None).find("prototype-to-production")
    said = toks("We learned that a model trained on its own suggestions drifts into a loop that nobody planned for.")
    alone = {r.point_id: r for r in coverage(q, said)}
    told = {r.point_id: r for r in coverage(q, said, others=pack.points_besides(q))}
    assert alone["why-ml"].state == "made"  # similarity alone credits it
    assert told["why-ml"].state == "missed"
    # a rollback told as the debugging question's decision names the production failure's own words
    debug = toks("If the drop hurts users, I roll back to the last good version first and investigate after.")
    failure = {r.point_id: r for r in coverage(q, debug, others=pack.points_besides(q))}["production-failure"]
    assert failure.state == "touched" and failure.why == rubric.WHY_ELSEWHERE
    # an answer to this question keeps its point
    own = toks("Our hand-written rules only caught a third of the fraud, and every new pattern needed another rule.")
    assert {r.point_id: r.state for r in coverage(q, own, others=pack.points_besides(q))}["why-ml"] == "made"
    assert len(pack.points_besides(q)) == sum(len(o.points) for o in pack.questions) - len(q.points)


def test_an_answers_sentences_embedded_while_it_is_spoken_are_not_embedded_again(questions) -> None:
    """``embed_ahead`` on the words so far; judging the whole answer then embeds only what is new,
    and gives the same verdicts as judging it cold."""
    from voiceprep.embedding import Encoder

    q = questions["prototype-to-production"]
    done = "We replaced the hand-written checks with a gradient boosted model. We ran it in shadow for a month."
    last = "Fraud losses fell by forty percent."
    cold = coverage(q, toks(f"{done} {last}"))
    encoder = Encoder()
    embedded: list[str] = []
    before = encoder.encode

    def counted(texts):  # type: ignore[no-untyped-def]
        embedded.extend(texts)
        return before(texts)

    encoder.encode = counted  # type: ignore[method-assign]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("voiceprep.embedding._shared", encoder)
        rubric.prepare(q.points)  # the references, as while the question is read out
        embedded.clear()
        rubric.embed_ahead(toks(done))
        ahead = len(embedded)
        embedded.clear()
        warm = coverage(q, toks(f"{done} {last}"))
    assert ahead >= 2
    assert embedded == [last]  # only the sentence that came after
    assert [(r.state, r.score) for r in warm] == [(r.state, r.score) for r in cold]


def test_work_on_the_latest_offer_skips_what_was_overtaken_and_stops() -> None:
    import threading

    from voiceprep.rounds import Latest
    from voiceprep.schema import Word

    seen: list[int] = []
    gate, started = threading.Event(), threading.Event()

    def work(words: list[Word]) -> None:
        started.set()
        gate.wait(5)
        seen.append(len(words))

    latest = Latest(work, name="test-latest")
    one = [Word(text="a", start=0, end=0.1)]
    latest.offer(one)
    assert started.wait(5)  # taken, and held at the gate
    for k in range(2, 6):
        latest.offer(one * k)  # each overtakes the one before
    gate.set()
    for _ in range(100):
        if len(seen) == 2:
            break
        threading.Event().wait(0.02)
    latest.stop()
    assert seen == [1, 5]


def test_a_clause_is_read_in_its_sentences_time() -> None:
    parts = rubric.stretches(toks("Just after launch, recall on new merchants collapsed and we reverted."))
    assert len(parts) > 1  # the sentence and its clauses
    assert all(("after", "launch") in p.when for p in parts)
