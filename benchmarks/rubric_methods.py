"""Compare the ways of judging rubric coverage on the labelled dev set, and check the thresholds.

    python benchmarks/rubric_methods.py [--set tests/data/rubric/answers.yaml] [--no-grid]

Prints, per method, precision and recall of the points made and the time per answer. For the
combined method it also chooses the two thresholds by grid search leaving each question out in
turn and scores the held-out question with them: a figure for answers the thresholds never saw.
That search scores the set once for each of 1,728 threshold sets (about half an hour on 2 cores);
``--no-grid`` stops before it.
"""

from __future__ import annotations

import argparse
import itertools
import platform
from pathlib import Path

import numpy as np

from voiceprep import rubric
from voiceprep.embedding import shared_encoder
from voiceprep.evaluate import RubricAnswer, load_rubric_set, rates, score_rubric, summarise_rubric
from voiceprep.questions import Pack, builtin_packs_dir, load_pack
from voiceprep.tokens import from_text

GRID_ALONE = np.round(np.arange(0.37, 0.61, 0.02), 2)
GRID_CUE = np.round(np.arange(0.26, 0.50, 0.02), 2)
GRID_MARGIN = (0.03, 0.07, 0.15)
GRID_WORDS = (0, 3, 5, 7)


def counts(scores: list) -> tuple[int, int, int]:
    correct = sum(len(set(s.made) & set(s.expected)) for s in scores)
    return correct, sum(len(s.made) for s in scores), sum(len(s.expected) for s in scores)


def f1(c: tuple[int, int, int]) -> float:
    tp, found, expected = c
    return 2 * tp / (found + expected) if found + expected else 0.0


def off_question(
    packs: list[Pack], answers: list[RubricAnswer], told: bool = True, limits: rubric.Thresholds = rubric.THRESHOLDS
) -> tuple[int, int]:
    """Points made, and answers judged, when each answer is judged against every other question of
    its pack (``told``: as practice judges, told that pack's other questions). Hardly any of those
    points is really made, so this counts mostly credit given wrongly."""
    given = judged = 0
    for a in answers:
        tokens = from_text(a.text)
        pack = next(p for p in packs if any(q.id == a.question for q in p.questions))
        for q in pack.questions:
            if q.id != a.question:
                besides = pack.points_besides(q) if told else ()
                given += sum(res.state == "made" for res in rubric.coverage(q, tokens, limits=limits, others=besides))
                judged += 1
    return given, judged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="tests/data/rubric/answers.yaml")
    parser.add_argument("--no-grid", action="store_true", help="leave out the leave-one-question-out search")
    args = parser.parse_args()
    packs = [load_pack(f) for f in sorted(builtin_packs_dir().glob("*.yaml"))]
    questions = {q.id: q for pack in packs for q in pack.questions}
    answers = load_rubric_set(Path(args.set), questions)
    print(f"{len(answers)} answers, {len({a.question for a in answers})} questions; {platform.node()}")
    print(f"{'method':<10} {'precision':>9} {'recall':>7} {'F1':>5} {'ms/answer':>9}")
    others = {q.id: pack.points_besides(q) for pack in packs for q in pack.questions}
    for method in rubric.METHODS:
        scores = score_rubric(answers, questions, method, others=others)
        summary = summarise_rubric(args.set, method, False, scores, 0.0)
        r = summary.overall.rates
        print(f"{method:<10} {r.precision:>9} {r.recall:>7} {r.f1:>5} {1000 * summary.seconds_per_answer:>9.1f}")
    alone = summarise_rubric(args.set, "combined", False, score_rubric(answers, questions, "combined"), 0.0)
    r = alone.overall.rates
    print(f"combined, not told the pack's other questions: precision {r.precision} recall {r.recall} F1 {r.f1}")

    for told in (False, True):
        given, judged = off_question(packs, answers, told)
        print(
            f"off-question, {'told' if told else 'not told'} the other questions: {given} points made "
            f"in {judged} answers judged against a question they do not answer ({given / judged:.2f} each)"
        )

    if args.no_grid:
        return
    # leave one question out: thresholds chosen on the other questions, scored on this one.
    # The answers' embeddings do not depend on the thresholds: work them out once per answer.
    encoder = shared_encoder()
    memo: dict[tuple[str, ...], np.ndarray] = {}
    plain = encoder.encode

    def remembered(texts):  # type: ignore[no-untyped-def]
        key = tuple(texts)
        if key not in memo:
            memo[key] = plain(texts)
        return memo[key]

    encoder.encode = remembered  # type: ignore[method-assign]
    by_limits = {}
    for alone, cue, margin, words in itertools.product(GRID_ALONE, GRID_CUE, GRID_MARGIN, GRID_WORDS):
        limits = rubric.Thresholds(
            alone=float(alone), with_cue=float(cue), touch=float(cue), margin=margin, alone_words=words
        )
        by_limits[(alone, cue, margin, words)] = score_rubric(answers, questions, "combined", limits, others=others)
    held_out = []
    chosen = []
    for qid in dict.fromkeys(a.question for a in answers):
        best = max(by_limits, key=lambda k: f1(counts([s for s in by_limits[k] if s.question != qid])))
        chosen.append(best)
        held_out += [s for s in by_limits[best] if s.question == qid]
    tp, found, expected = counts(held_out)
    r = rates(tp, found, expected)
    alone = [c[0] for c in chosen]
    cue = [c[1] for c in chosen]
    margins = [c[2] for c in chosen]
    words = [c[3] for c in chosen]
    spread = (
        f"alone {min(alone)}-{max(alone)}, with cue {min(cue)}-{max(cue)}, margin {min(margins)}-{max(margins)}, "
        f"words alone {min(words)}-{max(words)}"
    )
    print(
        "combined, thresholds chosen leaving each question out: "
        f"precision {r.precision} recall {r.recall} F1 {r.f1} ({spread})"
    )
    best_all = max(by_limits, key=lambda k: f1(counts(by_limits[k])))
    print(
        f"best on the whole set: alone {best_all[0]}, with cue {best_all[1]}, margin {best_all[2]}, "
        f"words alone {best_all[3]}"
    )
    print(f"in use: {rubric.THRESHOLDS}")


if __name__ == "__main__":
    main()
