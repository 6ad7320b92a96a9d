"""Let a stretch make a point on meaning alone by its share of the question's points?

    python benchmarks/share.py --transcripts DIR [--piper DIR]

With ``Thresholds.share`` set, a stretch makes a point on meaning alone (with the same five
content words) when the point takes at least that share of it: a softmax, at
``rubric.SHARE_TEMPERATURE``, over the stretch's similarities to the question's prototypes and to
a point nobody makes at ``Thresholds.share_null`` (``rubric.shares``), in place of the similarity
``Thresholds.alone``. Scored alone, before any rule, it tells the points made from the rest
better than the similarity does (area under the ROC curve of each answer's best stretch, every
labelled set pooled: 0.852 to 0.893; partial answers 0.830 to 0.896; printed last).

Every combination of the grid below is scored on the dev set and held-out 1 to 8, typed and read
by eSpeak NG; the rule, as for every threshold: the best F1 over those, typed and spoken pooled,
with at most 100 points made when the dev answers are judged against the eleven questions they do
not answer, a tie to the higher share, then the higher null. Held-out 9 to 27 (read, not used to
choose) are printed with the rule off and with the choice; held-out 28 (written and committed
before the option was first scored on any set) decided, by a rule written in the README (now docs/rubric.md) before
its first score ("A share of the question's points"): F1 up typed and through both voices. It
rose in all three, so the choice, share 0.4 with null 0.35, is in use. Held-out 29, written after
that, is printed last. About twenty minutes on 2 cores.

``--transcripts DIR``: ``DIR/SET.json`` from ``voiceprep eval tests/data/rubric/SET.yaml --spoken
--json``, for answers.yaml and every held-out set; ``--piper DIR`` the same with ``--voice piper``.
A set missing from a folder is left out of that voice's lines.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import platform
from pathlib import Path

import numpy as np
from clear_lead import grid_search, load_labelled, print_voices
from sentence_models import auc, pairs

from voiceprep import rubric
from voiceprep.embedding import shared_encoder

CHOOSE_ON = ["answers", "held-out", *(f"held-out-{n}" for n in range(2, 9))]
NOT_USED = [f"held-out-{n}" for n in range(9, 28)]  # read, not used to choose
DECIDES = ["held-out-28"]
AFTER = ["held-out-29"]  # written after it was switched on
SHARES = (0.35, 0.40, 0.45, 0.50, 0.55, 0.60)
NULLS = (0.30, 0.35, 0.40)
OFF = dataclasses.replace(rubric.THRESHOLDS, share=None)  # a point made on meaning alone from ``alone`` up


def separation(names: list[str], null: float) -> None:
    """Area under the ROC curve of each answer's best stretch for each point, similarity against share."""
    all_pairs, _answers = pairs(names)
    encoder = shared_encoder()
    by_pool: dict[str, tuple[list[tuple[float, bool]], list[tuple[float, bool]]]] = {}
    for p in all_pairs:
        stretch = encoder.encode_remembered(p.stretches)
        means = [encoder.encode_cached(tuple(s)).mean(axis=0) for s in p.siblings]
        prototypes = np.stack([m / np.linalg.norm(m) for m in means])
        own = next(j for j, s in enumerate(p.siblings) if s == p.examples)
        sims = stretch @ prototypes.T
        share = rubric.shares(sims, [True] * len(means), null)
        for pool in ["all", "partial"] if p.partial else ["all"]:
            similarity, shared = by_pool.setdefault(pool, ([], []))
            similarity.append((float(sims[:, own].max()), p.made))
            shared.append((float(share[:, own].max()), p.made))
    for pool, (similarity, shared) in by_pool.items():
        cells = [auc([x for x, m in s if m], [x for x, m in s if not m]) for s in (similarity, shared)]
        print(f"  {pool:8s} AUC similarity {cells[0]:.3f}, share {cells[1]:.3f}  ({len(similarity)} pairs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=Path, required=True, help="`eval --spoken --json` outputs, SET.json")
    parser.add_argument("--piper", type=Path, help="the same with `--voice piper`")
    args = parser.parse_args()
    data = load_labelled(CHOOSE_ON + NOT_USED + DECIDES + AFTER, args.transcripts, args.piper, needed=CHOOSE_ON)
    _, questions, others, sets, spoken = data
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    chosen = grid_search(
        data,
        CHOOSE_ON,
        ("share", "null"),
        "off-question",
        list(itertools.product(SHARES, NULLS)),
        lambda pair: dataclasses.replace(OFF, share=pair[0], share_null=pair[1]) if pair else OFF,
    )
    groups = [("held-out 9 to 27, pooled (read, not used to choose)", NOT_USED)]
    groups += [(f"{n.replace('held-out-', 'held-out ')} (decided)", [n]) for n in DECIDES if n in sets]
    groups += [(f"{n.replace('held-out-', 'held-out ')} (written after it was on)", [n]) for n in AFTER if n in sets]
    for label, group in groups:
        print(f"\n{label}")
        for grid in (None, chosen):
            limits = OFF
            if grid:
                limits = dataclasses.replace(limits, share=grid[0], share_null=grid[1])
            name = "off" if grid is None else f"share {grid[0]}, null {grid[1]}"
            print_voices(name, 32, group, sets, questions, others, spoken, limits)
    print(f"\nbefore any rule, every labelled set typed (null {chosen[1]}):")
    separation([n for n in sets if n not in DECIDES + AFTER], chosen[1])


if __name__ == "__main__":
    main()
