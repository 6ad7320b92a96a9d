"""Two more example phrasings for each rubric point that has three: does it help on unseen answers?

    python benchmarks/more_examples.py

Every point of the built-in pack with three example phrasings gets two more (100 in all, in
``more_examples.yaml``, each in a domain of its own, none taken from a rubric set), as an earlier
change gave the story points more. Prints, typed, each rubric set's precision and recall with
the pack as it ships and with the phrasings added, and the points made when each dev answer is
judged against the eleven questions it does not answer (528 pairs; every one is a point given
wrongly). Four of the phrasings were reworded once, where each was the nearest phrasing to two
or more of those points; the count did not move. Held-out 5 was written before the phrasings
and was the last set scored with them.
"""

from __future__ import annotations

import platform
from pathlib import Path

import yaml
from rubric_methods import counts, off_question  # as rubric_methods.py counts

from voiceprep.evaluate import load_rubric_set, score_rubric
from voiceprep.questions import Pack, builtin_packs_dir

SETS = ["answers", "held-out", "held-out-2", "held-out-3", "held-out-4", "held-out-5"]
ROOT = Path(__file__).resolve().parent.parent / "tests" / "data" / "rubric"
# every labelled rubric set there is: the dev set, then the held-out sets in the order they were written
ALL_SETS = ["answers", "held-out", *(f"held-out-{n}" for n in range(2, 100) if (ROOT / f"held-out-{n}.yaml").exists())]

MORE = Path(__file__).with_suffix(".yaml")


def packs(more: bool) -> list[Pack]:
    """The built-in packs, with the phrasings of ``more_examples.yaml`` added where ``more``."""
    return packs_with(yaml.safe_load(MORE.read_text(encoding="utf-8")) if more else {}, "examples")


def packs_with(added: dict[str, dict[str, list[str]]], field: str) -> list[Pack]:
    """The built-in packs, with ``added`` (question id -> point id -> texts) joined to each point's ``field``."""
    result = []
    for path in sorted(builtin_packs_dir().glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for question in data["questions"]:
            for point in question["points"]:
                point[field] += added.get(question["id"], {}).pop(point["id"], [])
        result.append(Pack.model_validate(data))
    left = {q: list(points) for q, points in added.items() if points}
    assert not left, f"points not in the pack: {left}"
    return result


def scored_row(pack_list: list[Pack], sets: list[str], width: int) -> str:
    """Each set's precision / recall, typed, judged with ``pack_list``, and the points made when each
    dev answer is judged against the questions it does not answer."""
    questions = {q.id: q for pack in pack_list for q in pack.questions}
    others = {q.id: pack.points_besides(q) for pack in pack_list for q in pack.questions}
    row = ""
    for name in sets:
        right, made, expected = counts(
            score_rubric(load_rubric_set(ROOT / f"{name}.yaml", questions), questions, others=others)
        )
        row += f"{right / max(1, made):>{width}.2f} / {right / expected:.2f}"
    given, _judged = off_question(pack_list, load_rubric_set(ROOT / "answers.yaml", questions))
    return row + f"  {given:>12}"


def main() -> None:
    print(f"machine: {platform.machine()}, Python {platform.python_version()}; typed, precision / recall")
    print(f"{'pack':<22}" + "".join(f"{name:>14}" for name in SETS) + "  off-question")
    for more in (False, True):
        label = "+ 100 phrasings" if more else "as it ships"
        print(f"{label:<22}" + scored_row(packs(more), SETS, 9), flush=True)


if __name__ == "__main__":
    main()
