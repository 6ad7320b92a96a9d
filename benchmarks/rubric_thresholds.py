"""Choose the rubric's thresholds on the sets read before, then score the sets written after.

    python benchmarks/rubric_thresholds.py [--crowd N] [--read-through N]

Each point is compared with its prototype (``rubric.similarities``), and a stretch as near
``--crowd`` of the question's points as to its nearest makes none of them on meaning alone (the
"crowd" rule; default: as in use, 3; 0 turns it off). For every combination of the four
thresholds below, each rubric set is scored typed, and so are the dev answers judged against the
eleven questions they do not answer (528 pairs; each point made there is one given wrongly). The
rule, fixed before the grid was first run: the combination with the best F1 over the dev set
and held-out sets 1 to 3 (the sets read while the rubric was worked on), among those giving at
most 100 off-question points, a tie going to the higher thresholds; the sets written after
are scored with it. First printed: the version before, without the crowd rule, at the
thresholds it used. About twelve minutes on 2 cores.

``--read-through N`` chooses on the dev set and held-out sets 1 to N instead, and scores every
set after N: with 12 (about twenty-five minutes), on three times the points, which says whether
more answers would have chosen other thresholds.

``--centre C`` compares each stretch with prototypes from which C times the mean of their
question's prototypes was taken (``Thresholds.centre``; docs/rubric.md, "Centred on the question"). Its
similarities run lower, so it searches its own grid (alone and with a cue lower, the bar to touch
a point 0.03 under alone, "elsewhere" as in use: it compares uncentred similarities), and prints
first the thresholds in use, uncentred, on the same sets.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import platform

from more_examples import ALL_SETS, ROOT
from rubric_methods import counts, f1, off_question  # as rubric_methods.py counts and scores

from voiceprep import rubric
from voiceprep.evaluate import load_rubric_set, score_rubric
from voiceprep.questions import builtin_packs_dir, load_pack

HELD_OUT = ALL_SETS[1:]
ALONE = (0.37, 0.39, 0.41, 0.43)
WITH_CUE = (0.26, 0.30)
ELSEWHERE = (0.02, 0.05, 0.10)
MARGIN = (0.04, 0.07)
# the grid searched for centred prototypes (--centre)
CENTRED_ALONE = (0.28, 0.30, 0.32, 0.34)
CENTRED_WITH_CUE = (0.20, 0.24)
MOST_OFF_QUESTION = 100
BEFORE = dataclasses.replace(
    rubric.THRESHOLDS, alone=0.41, with_cue=0.30, touch=0.38, margin=0.04, elsewhere=0.05, crowd=0
)


def pooled(by_set: list[tuple[int, int, int]]) -> float:
    """F1 over several sets' (right, made, expected) together."""
    right, made, expected = (sum(c[k] for c in by_set) for k in range(3))
    return f1((right, made, expected))


def pooled_line(label: str, by_set: list[tuple[int, int, int]]) -> str:
    """Several sets' precision, recall and F1 together, with the points found and given wrongly."""
    right, made, expected = (sum(c[k] for c in by_set) for k in range(3))
    return (
        f"  {label} {right / max(1, made):.3f} / {right / expected:.3f}  F1 {pooled(by_set):.3f}"
        f"  ({right} of {expected} found, {made - right} given wrongly)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crowd", type=int, default=rubric.THRESHOLDS.crowd, help="the crowd rule's count (0: off)")
    parser.add_argument("--read-through", type=int, default=3, help="choose on the dev set and held-out 1 to N")
    parser.add_argument("--centre", type=float, default=0.0, help="centre the prototypes on their question's mean")
    args = parser.parse_args()
    read_sets = ["answers", *HELD_OUT[: args.read_through]]
    # the sets written after: the four there were when the rule was first run, or every one after N
    after_sets = HELD_OUT[args.read_through : args.read_through + 4 if args.read_through == 3 else None]
    packs = [load_pack(f) for f in sorted(builtin_packs_dir().glob("*.yaml"))]
    questions = {q.id: q for pack in packs for q in pack.questions}
    others = {q.id: pack.points_besides(q) for pack in packs for q in pack.questions}
    sets = {name: load_rubric_set(ROOT / f"{name}.yaml", questions) for name in read_sets + after_sets}
    print(f"machine: {platform.machine()}, Python {platform.python_version()}; typed, precision / recall")
    print(f"{'alone cue elsewhere margin':<36}" + "".join(f"{n:>13}" for n in sets) + "   read F1  after F1  off")

    def row(label: str, limits: rubric.Thresholds) -> tuple[float, float, int]:
        by_set = {
            name: counts(score_rubric(answers, questions, limits=limits, others=others))
            for name, answers in sets.items()
        }
        given, _judged = off_question(packs, sets["answers"], limits=limits)
        read, after = pooled([by_set[n] for n in read_sets]), pooled([by_set[n] for n in after_sets])
        cells = "".join(f"{c[0] / max(1, c[1]):>8.2f}/{c[0] / c[2]:.2f}" for c in by_set.values())
        print(f"{label:<36}{cells}   {read:>7.3f}  {after:>8.3f}  {given:>3}", flush=True)
        return read, after, given

    results = {}
    if args.centre:
        in_use = rubric.THRESHOLDS
        row(f"in use, uncentred: {in_use.alone} {in_use.with_cue} {in_use.elsewhere} {in_use.margin}", in_use)
        grid = itertools.product(CENTRED_ALONE, CENTRED_WITH_CUE, (rubric.THRESHOLDS.elsewhere,), MARGIN)
    else:
        row("before: 0.41 0.3 0.05 0.04, no crowd", BEFORE)
        grid = itertools.product(ALONE, WITH_CUE, ELSEWHERE, MARGIN)
    for alone, cue, elsewhere, margin in grid:
        limits = dataclasses.replace(
            rubric.THRESHOLDS, alone=alone, with_cue=cue, elsewhere=elsewhere, margin=margin, crowd=args.crowd
        )
        if args.centre:
            limits = dataclasses.replace(limits, centre=args.centre, touch=round(alone - 0.03, 2))
        results[(alone, cue, elsewhere, margin)] = row(f"{alone} {cue} {elsewhere} {margin}", limits)
    allowed = {k: v for k, v in results.items() if v[2] <= MOST_OFF_QUESTION}
    best = max(allowed, key=lambda k: (allowed[k][0], k))  # a tie goes to the higher thresholds
    print(f"chosen (best read F1, at most {MOST_OFF_QUESTION} off-question points): {best}")
    print(f"in use: {rubric.THRESHOLDS}")


if __name__ == "__main__":
    main()
