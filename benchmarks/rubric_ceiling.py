"""How far the sentence model's own signal can carry the rubric, before any rule.

    python benchmarks/rubric_ceiling.py

For every labelled answer and every point of its question, the answer's best stretch (sentence,
window or clause, as the rubric cuts them) is scored by its share of the point (``rubric.shares``,
the signal the rubric makes points from). Printed, typed, for every set pooled, their partial
answers, and the ten newest sets (held-out 20 to 29):

1. The area under the ROC curve of that share as the rubric computes it, and of three other ways
   of reading the same answer with the same model: the point's description averaged into its
   prototype with its examples; the question's text put before every stretch and every example;
   each stretch also read with the stretch before it (the better of the two counts).
2. A logistic regression over eight features of each pair (the share; the similarity to the
   prototype; to the nearest phrasing; the lead over the question's next point and over the
   pack's other questions; the lead over other questions anywhere in the answer; the stretch's
   length; how many stretches the point is nearest), fitted on the dev set and held-out 1 to 19
   and scored on held-out 20 to 29, against the share alone on the same pairs.
3. An upper bound on what one threshold on that share can reach on held-out 20 to 29: the best F1
   over every threshold, chosen on those sets themselves, with its precision and recall. The
   rubric's own figures on the same sets (with its rules for denials, hypotheticals, topics and
   the rest) are printed beside it: what the rules add to the signal.

About five minutes on 2 cores (every answer embedded four ways).
"""

from __future__ import annotations

import platform
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from more_examples import ALL_SETS, ROOT
from sentence_models import auc

from voiceprep import rubric
from voiceprep.embedding import shared_encoder
from voiceprep.evaluate import load_rubric_set, score_rubric
from voiceprep.questions import Library, Question, RubricPoint
from voiceprep.tokens import from_text

NEWEST = [f"held-out-{n}" for n in range(20, 30)]
FIT_ON = ["answers", "held-out", *(f"held-out-{n}" for n in range(2, 20))]
VIEWS = ("as in use", "description in the prototype", "question before each stretch", "with the stretch before")
FEATURES = 8


@dataclass
class Pools:
    """Best-stretch shares of the pairs, points made and not made, by pool."""

    made: dict[str, list[float]] = field(default_factory=dict)
    not_made: dict[str, list[float]] = field(default_factory=dict)

    def add(self, pools: list[str], share: float, made: bool) -> None:
        for pool in pools:
            (self.made if made else self.not_made).setdefault(pool, []).append(share)

    def auc(self, pool: str) -> float:
        return auc(self.made[pool], self.not_made[pool])


def view_sims(view: str, question: Question, points: list[RubricPoint], parts: list[str]) -> np.ndarray:
    """Each stretch's similarity (rows) to each point's prototype (columns), read one way."""
    encoder = shared_encoder()
    examples = [list(p.examples or p.references) for p in points]
    if view == "description in the prototype":
        examples = [list(p.references) for p in points]
    if view == "question before each stretch":
        parts = [f"{question.text} {t}" for t in parts]
        examples = [[f"{question.text} {e}" for e in texts] for texts in examples]
    prototypes = np.stack([rubric._prototype(tuple(texts)) for texts in examples])  # as the rubric makes them
    sims = encoder.encode_remembered(parts) @ prototypes.T
    if view == "with the stretch before":
        joined = [f"{parts[k - 1]} {t}" if k else t for k, t in enumerate(parts)]
        sims = np.maximum(sims, encoder.encode_remembered(joined) @ prototypes.T)
    return np.asarray(sims)


def features(sims: np.ndarray, share: np.ndarray, near: np.ndarray, rivals: np.ndarray, words: np.ndarray, j: int):
    """The eight features of one point (column ``j``), taken at the stretch with its largest share."""
    k = int(share[:, j].argmax())
    column = sims[:, j]
    others = np.delete(sims[k], j)
    nearest = (sims[:, j] >= sims.max(axis=1) - 1e-6).mean()
    lead = column[k] - (others.max() if len(others) else 0.0)
    return [
        share[k, j],
        column.max(),
        near[:, j].max(),
        column[k] - rivals[k],
        lead,
        (column - rivals).max(),
        np.log(words[k]),
        nearest,
    ]


def fit(
    x: np.ndarray, y: np.ndarray, steps: int = 3000, rate: float = 0.1, decay: float = 1e-3
) -> Callable[[np.ndarray], np.ndarray]:
    """Logistic regression by gradient descent on standardised features; returns the scorer."""
    mean, spread = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / spread
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        g = 1 / (1 + np.exp(-(z @ w + b))) - y
        w -= rate * (z.T @ g / len(y) + decay * w)
        b -= rate * g.mean()
    return lambda rows: ((rows - mean) / spread) @ w + b


def main() -> None:
    library = Library.load(None)
    questions = {q.id: q for _, q in library.questions()}
    packs = {q.id: pack for pack, q in library.questions()}
    encoder = shared_encoder()
    views = {v: Pools() for v in VIEWS}
    rows: dict[str, list[tuple[list[float], bool]]] = {"fit": [], "newest": []}
    newest_best: list[tuple[float, bool]] = []
    for name in ALL_SETS:
        for answer in load_rubric_set(ROOT / f"{name}.yaml", questions):
            question = questions[answer.question]
            points = [p for p in question.points if p.references]
            stretches = rubric.stretches(from_text(answer.text))
            parts = [s.text for s in stretches]
            if not parts or not points:
                continue
            partial = 0 < len(answer.made) < len(question.points)
            pools = ["all", *(["partial"] if partial else []), *(["newest"] if name in NEWEST else [])]
            read: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # view -> similarities, shares
            for view in VIEWS:
                sims = view_sims(view, question, points, parts)
                read[view] = sims, rubric.shares(sims, [True] * len(points), rubric.THRESHOLDS.share_null)
                for j, point in enumerate(points):
                    views[view].add(pools, float(read[view][1][:, j].max()), point.key in answer.made)
            if name not in FIT_ON + NEWEST:
                continue
            vectors = encoder.encode_remembered(parts)
            sims, share = read[VIEWS[0]]
            near = np.stack(
                [(vectors @ encoder.encode_cached(tuple(p.references)).T).max(axis=1) for p in points], axis=1
            )
            rivals = rubric.similarities(packs[question.id].points_besides(question), stretches, vectors).max(axis=1)
            words = np.array([len(t.split()) for t in parts])
            for j, point in enumerate(points):
                made = point.key in answer.made
                rows["newest" if name in NEWEST else "fit"].append(
                    (features(sims, share, near, rivals, words, j), made)
                )
                if name in NEWEST:
                    newest_best.append((float(share[:, j].max()), made))

    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    counts = {
        pool: len(views[VIEWS[0]].made[pool]) + len(views[VIEWS[0]].not_made[pool])
        for pool in ("all", "partial", "newest")
    }
    print("1. area under the ROC curve of each answer's best stretch, typed")
    print(
        f"   {'':32s} every set ({counts['all']})  partial ({counts['partial']})  held-out 20-29 ({counts['newest']})"
    )
    for view in VIEWS:
        cells = [views[view].auc(pool) for pool in ("all", "partial", "newest")]
        print(f"   {view:32s} {cells[0]:16.3f}  {cells[1]:12.3f}  {cells[2]:19.3f}")

    x = np.array([r for r, _ in rows["fit"]])
    y = np.array([m for _, m in rows["fit"]], dtype=float)
    score = fit(x, y)
    test = np.array([r for r, _ in rows["newest"]])
    made = np.array([m for _, m in rows["newest"]])
    learnt = score(test)
    print(
        f"\n2. fitted on the dev set and held-out 1 to 19 ({len(y)} pairs), scored on held-out 20 to 29 ({len(made)})"
    )
    print(f"   share alone            AUC {auc(list(test[made, 0]), list(test[~made, 0])):.3f}")
    print(f"   logistic regression    AUC {auc(list(learnt[made]), list(learnt[~made])):.3f}")

    shares_ = np.array([s for s, _ in newest_best])
    truth = np.array([m for _, m in newest_best])
    best = (0.0, 0.0, 0.0, 0.0)
    for threshold in np.unique(shares_):
        given = shares_ >= threshold
        found = int((given & truth).sum())
        if found:
            p, r = found / given.sum(), found / truth.sum()
            best = max(best, (2 * p * r / (p + r), p, r, float(threshold)))
    print("\n3. held-out 20 to 29, typed")
    print(
        f"   one threshold on the best stretch's share, chosen on these sets: P {best[1]:.2f} / R {best[2]:.2f},"
        f" F1 {best[0]:.3f} (share {best[3]:.2f})"
    )
    others = {q.id: packs[q.id].points_besides(q) for q in questions.values()}
    tp = given_ = expected = 0
    for name in NEWEST:
        for s in score_rubric(load_rubric_set(ROOT / f"{name}.yaml", questions), questions, others=others):
            tp += len(set(s.made) & set(s.expected))
            given_ += len(s.made)
            expected += len(s.expected)
    p, r = tp / given_, tp / expected
    print(
        f"   the rubric as in use (its rules and thresholds chosen before): P {p:.2f} / R {r:.2f},"
        f" F1 {2 * p * r / (p + r):.3f}"
    )


if __name__ == "__main__":
    main()
