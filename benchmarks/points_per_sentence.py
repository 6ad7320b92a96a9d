"""How often a point is right, by how many points the sentence that made it made at once.

    python benchmarks/points_per_sentence.py [--before] [--transcripts DIR]

Judges the dev set and held-out 1 to 7, the eight sets its figures in docs/rubric.md were taken on (typed;
with ``--transcripts``, the transcripts that ``voiceprep eval SET --spoken --json > DIR/SET.json``
wrote instead), and groups the points made by the sentence shown as their evidence: a sentence
that makes one point, two, or three or more. Prints, for each group, the points made and how
many of them the labels hold. ``--before`` judges as the version before did, without the rule
that a stretch as near three of the question's points as its nearest makes none of them, and at
its thresholds (docs/rubric.md, "Too general for any one point").
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

from more_examples import ROOT
from rubric_thresholds import BEFORE

from voiceprep import rubric
from voiceprep.evaluate import RubricEvaluation, load_rubric_set
from voiceprep.questions import builtin_packs_dir, load_pack
from voiceprep.tokens import Token, from_text

SETS = ["answers"] + [f"held-out{n}" for n in ("", "-2", "-3", "-4", "-5", "-6", "-7")]


def heard(path: Path) -> dict[str, list[Token]]:
    """What Whisper heard of each answer (id -> tokens), from a `voiceprep eval SET --spoken --json` output."""
    evaluation = RubricEvaluation.model_validate_json(path.read_text(encoding="utf-8"))
    return {a.id: from_text(a.transcript or "") for a in evaluation.answers}


def heard_by_voice(folders: dict[str, Path | None], names: list[str]) -> dict[str, dict[str, dict[str, list[Token]]]]:
    """For each voice given a folder: what Whisper heard of each named set found there (``SET.json``)."""
    return {
        voice: {n: heard(folder / f"{n}.json") for n in names if (folder / f"{n}.json").exists()}
        for voice, folder in folders.items()
        if folder
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", action="store_true", help="judge as the version before")
    parser.add_argument("--transcripts", type=Path, help="a folder of `eval --spoken --json` outputs, SET.json")
    args = parser.parse_args()
    limits = BEFORE if args.before else rubric.THRESHOLDS
    packs = [load_pack(f) for f in sorted(builtin_packs_dir().glob("*.yaml"))]
    questions = {q.id: q for pack in packs for q in pack.questions}
    others = {q.id: pack.points_besides(q) for pack in packs for q in pack.questions}
    tally: Counter[tuple[int, bool]] = Counter()
    for name in SETS:
        spoken = None
        if args.transcripts:
            path = args.transcripts / f"{name}.json"
            if not path.exists():
                print(f"{name}: no {path}, left out")
                continue
            spoken = heard(path)
        for answer in load_rubric_set(ROOT / f"{name}.yaml", questions):
            tokens = spoken[answer.id] if spoken else from_text(answer.text)
            results = rubric.coverage(questions[answer.question], tokens, limits=limits, others=others[answer.question])
            by_sentence: defaultdict[str | None, list[str]] = defaultdict(list)
            for r in results:
                if r.state == "made":
                    by_sentence[r.sentence].append(r.point_id)
            for made in by_sentence.values():
                for point in made:
                    tally[(min(len(made), 3), point in answer.made)] += 1
    print(f"{'points the sentence made':<26}{'points made':>12}{'right':>7}{'share right':>13}")
    for n, label in ((1, "one"), (2, "two"), (3, "three or more")):
        right, wrong = tally[(n, True)], tally[(n, False)]
        share = f"{right / (right + wrong):.2f}" if right + wrong else "-"
        print(f"{label:<26}{right + wrong:>12}{right:>7}{share:>13}")


if __name__ == "__main__":
    main()
