"""How well a sentence model tells a point made from one not made, before any rule or threshold.

    python benchmarks/sentence_models.py [--transformers FOLDER] [--all]

For every labelled answer of the five rubric sets and every point of its question that has a
description or examples, the answer's best stretch (sentence, window or clause, as the rubric
cuts them) is scored two ways: against the point's nearest reference (its description or one
of its examples), and against its prototype, the mean of its examples' vectors, as the rubric
compares them (``rubric.similarities``). The area under the ROC curve of
those scores (points the labels say were made against those they say were not) is what the
model brings on its own: 1.0 separates them perfectly at some threshold, 0.5 is chance. Rules,
cues and thresholds come after and are measured by ``voiceprep eval`` and
``rubric_methods.py``; this compares models without choosing any threshold for them.

The shipped model (all-MiniLM-L6-v2, ONNX) is always scored. ``--transformers FOLDER`` scores a
sentence-transformers model folder as well (mean pooling, as all-*-v2 models are trained), for
which torch and transformers must be installed: they are no dependency of voiceprep. Also
printed: the time to embed one answer's stretches (2 threads), averaged over the answers.
``--all`` scores every rubric set there is, not only the first five, and pools held-out 1 to 11
and the sets after them as well.

Two more columns follow those two. The third compares with the prototype less half the mean of
its question's prototypes (``Thresholds.centre``, measured and not in use): what the question's
points share, its topic, counts less than what tells them apart. The last scores each pair by its
answer's length in words alone, which says nothing of any point: where it separates the points
made from the rest, the set does (strong answers long and making every point, weak ones short and
making none), and anything learnt or chosen on it can learn the answers' length in place of
their meaning. The pool of partial answers (those making some of their question's points and not
others, from every set scored) is where it cannot.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from more_examples import ALL_SETS, ROOT

from voiceprep import rubric
from voiceprep.embedding import shared_encoder
from voiceprep.evaluate import load_rubric_set
from voiceprep.questions import Library
from voiceprep.tokens import from_text

SETS = ["answers", "held-out", "held-out-2", "held-out-3", "held-out-4"]
CENTRE = 0.5  # the share of the question's mean prototype the centred column takes away

Embed = Callable[[list[str]], np.ndarray]


@dataclass
class Pair:
    set: str
    stretches: list[str]
    references: list[str]
    examples: list[str]
    made: bool
    words: int  # the answer's length in words
    partial: bool  # the answer makes some of its question's points and not others
    siblings: list[list[str]]  # the examples of every point of its question, its own among them


def pairs(sets: list[str]) -> tuple[list[Pair], list[list[str]]]:
    """Every (answer, point with references) pair of the sets, and each answer's stretches."""
    questions = {q.id: q for _, q in Library.load(None).questions()}  # the built-in packs
    out: list[Pair] = []
    answers: list[list[str]] = []
    for name in sets:
        for answer in load_rubric_set(ROOT / f"{name}.yaml", questions):
            parts = [p.text for p in rubric.stretches(from_text(answer.text))]
            answers.append(parts)
            points = questions[answer.question].points
            partial = 0 < len(answer.made) < len(points)
            siblings = [list(p.examples or p.references) for p in points if p.references]
            for point in points:
                if point.references:
                    examples = list(point.examples or point.references)
                    made = point.key in answer.made
                    words = len(answer.text.split())
                    out.append(Pair(name, parts, list(point.references), examples, made, words, partial, siblings))
    return out, answers


def auc(made: list[float], not_made: list[float]) -> float:
    """The chance that a point made scores above one not made (ties count half)."""
    a, b = np.array(made)[:, None], np.array(not_made)[None, :]
    return float(((a > b).sum() + 0.5 * (a == b).sum()) / (a.size * b.size))


def transformers_model(folder: str) -> Embed:
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(2)
    tokenizer, model = AutoTokenizer.from_pretrained(folder), AutoModel.from_pretrained(folder).eval()

    def embed(texts: list[str]) -> np.ndarray:
        batch = tokenizer(texts, padding=True, truncation=True, max_length=256, return_tensors="pt")
        with torch.no_grad():
            hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        vectors = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1)
        return np.asarray(vectors.numpy(), dtype=np.float32)

    return embed


def measure(name: str, embed: Embed, all_pairs: list[Pair], answers: list[list[str]], sets: list[str]) -> None:
    texts = sorted({t for p in all_pairs for t in p.stretches + p.references + [e for s in p.siblings for e in s]})
    vectors = np.concatenate([embed(texts[k : k + 16]) for k in range(0, len(texts), 16)])
    index = {t: k for k, t in enumerate(texts)}
    nearest: dict[str, list[tuple[float, bool]]] = {}
    prototype: dict[str, list[tuple[float, bool]]] = {}
    centred: dict[str, list[tuple[float, bool]]] = {}
    length: dict[str, list[tuple[float, bool]]] = {}
    for p in all_pairs:
        s = vectors[[index[t] for t in p.stretches]]
        r = vectors[[index[t] for t in p.references]]
        mean = vectors[[index[t] for t in p.examples]].mean(axis=0)
        own = mean / np.linalg.norm(mean)
        # centred as rubric.similarities centres with Thresholds.centre = CENTRE
        means = [vectors[[index[t] for t in sibling]].mean(axis=0) for sibling in p.siblings]
        question = np.mean([m / np.linalg.norm(m) for m in means], axis=0)
        shifted = own - CENTRE * question
        for key in [p.set, "partial"] if p.partial else [p.set]:  # partial answers pooled as well
            length.setdefault(key, []).append((float(p.words), p.made))
            nearest.setdefault(key, []).append((float((s @ r.T).max()), p.made))
            prototype.setdefault(key, []).append((float((s @ own).max()), p.made))
            centred.setdefault(key, []).append((float((s @ (shifted / np.linalg.norm(shifted))).max()), p.made))
    started = time.perf_counter()
    for parts in answers:
        embed(parts)
    per_answer = (time.perf_counter() - started) / len(answers) * 1000
    print(f"{name}: {per_answer:.0f} ms to embed an answer's stretches")
    print(
        "  AUC against the nearest reference, the prototype, the prototype centred on its question "
        f"({CENTRE}), and of the answer's length alone"
    )
    pools = [("the held-out sets", sets[1:])]
    if len(sets) > 12:
        pools += [("held-out 1 to 11", sets[1:12]), ("held-out 12 on", sets[12:])]
    pools += [("partial answers, all sets", ["partial"])]
    for label, pooled in [(s, [s]) for s in sets] + pools:
        cells = []
        for scores in (nearest, prototype, centred, length):
            got = [x for s in pooled for x in scores[s]]
            made, not_made = [x for x, m in got if m], [x for x, m in got if not m]
            cells.append(f"{auc(made, not_made):.3f}")
        print(f"  {label:26s} {'  '.join(cells)}  ({len(made)} made, {len(not_made)} not)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transformers", metavar="FOLDER", help="a sentence-transformers model folder to score too")
    parser.add_argument("--all", action="store_true", help="every rubric set, not only the first five")
    args = parser.parse_args()
    sets = ALL_SETS if args.all else SETS
    all_pairs, answers = pairs(sets)
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    encoder = shared_encoder()
    measure("all-MiniLM-L6-v2 (shipped)", lambda texts: encoder.encode(texts), all_pairs, answers, sets)
    if args.transformers:
        measure(Path(args.transformers).name, transformers_model(args.transformers), all_pairs, answers, sets)


if __name__ == "__main__":
    main()
