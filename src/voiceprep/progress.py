"""Progress over attempts and the comparison of two attempts: pure functions of saved reports."""

from __future__ import annotations

from pydantic import BaseModel

from .schema import Report

# name, label, unit, whether a higher value is better (None: nearer the target is better)
METRICS: list[tuple[str, str, str, bool | None]] = [
    ("duration_s", "Duration", "s", None),
    ("wpm", "Pace", "wpm", None),
    ("fillers_per_min", "Fillers per minute", "/min", False),
    ("long_pauses", "Long pauses", "", False),
    ("numbers", "Numbers", "", True),
    ("measured", "Measured outcomes", "", True),
    ("rubric_share", "Rubric covered", "%", True),
]


class Attempt(BaseModel):
    session: str
    question_id: str
    created_at: str
    duration_s: float
    target_low: float
    target_high: float
    wpm: float | None
    wpm_low: float
    wpm_high: float
    fillers_per_min: float | None
    long_pauses: int
    numbers: int
    measured: int
    rubric_covered: int
    rubric_points: int

    @property
    def rubric_share(self) -> float:
        return 100 * self.rubric_covered / self.rubric_points if self.rubric_points else 0.0

    def value(self, metric: str) -> float | None:
        if metric == "rubric_share":
            return self.rubric_share
        value = getattr(self, metric)
        return None if value is None else float(value)


def attempt(session: str, report: Report) -> Attempt:
    return Attempt(
        session=session,
        question_id=report.question_id,
        created_at=report.created_at,
        duration_s=report.duration_s,
        target_low=report.target_duration_s.low,
        target_high=report.target_duration_s.high,
        wpm=report.wpm,
        wpm_low=report.target_wpm.low,
        wpm_high=report.target_wpm.high,
        fillers_per_min=report.fillers_per_min,
        long_pauses=len(report.pauses),
        numbers=len(report.numbers),
        measured=sum(n.quantified for n in report.numbers),
        rubric_covered=report.rubric_covered,
        rubric_points=len(report.rubric),
    )


class Trend(BaseModel):
    metric: str
    label: str
    first: float | None
    last: float | None
    best: float | None
    change: float | None
    verdict: str  # "better", "worse", "steady" or "-"


def _distance(a: Attempt, metric: str) -> float | None:
    """How far a value is from its target range (0 inside it)."""
    value = a.value(metric)
    if value is None:
        return None
    low, high = (a.target_low, a.target_high) if metric == "duration_s" else (a.wpm_low, a.wpm_high)
    return max(0.0, low - value, value - high)


def trend(attempts: list[Attempt], metric: str) -> Trend:
    """How one figure moved from the first attempt to the last."""
    label = next(m[1] for m in METRICS if m[0] == metric)
    higher_better = next(m[3] for m in METRICS if m[0] == metric)
    values = [(a, a.value(metric)) for a in attempts if a.value(metric) is not None]
    if not values:
        return Trend(metric=metric, label=label, first=None, last=None, best=None, change=None, verdict="-")
    first, last = values[0][1], values[-1][1]
    assert first is not None and last is not None
    if higher_better is None:
        scores = [(a, _distance(a, metric)) for a, _ in values]
        best_attempt = min(scores, key=lambda s: s[1] if s[1] is not None else float("inf"))[0]
        best = best_attempt.value(metric)
        d_first, d_last = scores[0][1] or 0.0, scores[-1][1] or 0.0
        improvement = d_first - d_last
    else:
        numbers = [v for _, v in values if v is not None]
        best = max(numbers) if higher_better else min(numbers)
        improvement = (last - first) if higher_better else (first - last)
    verdict = (
        "-" if len(values) < 2 else "better" if improvement > 1e-9 else "worse" if improvement < -1e-9 else "steady"
    )
    return Trend(
        metric=metric,
        label=label,
        first=round(first, 2),
        last=round(last, 2),
        best=None if best is None else round(best, 2),
        change=round(last - first, 2),
        verdict=verdict,
    )


class Progress(BaseModel):
    attempts: list[Attempt]
    overall: list[Trend]
    by_question: dict[str, list[Trend]]


def progress(attempts: list[Attempt]) -> Progress:
    """Every attempt in order, with trends overall and per question."""
    ordered = sorted(attempts, key=lambda a: (a.created_at, a.session))
    questions: dict[str, list[Attempt]] = {}
    for a in ordered:
        questions.setdefault(a.question_id, []).append(a)
    return Progress(
        attempts=ordered,
        overall=[trend(ordered, m[0]) for m in METRICS],
        by_question={q: [trend(items, m[0]) for m in METRICS] for q, items in questions.items()},
    )


class Comparison(BaseModel):
    a: Attempt
    b: Attempt
    changes: list[Trend]
    gained: list[str]
    lost: list[str]
    kept: list[str]


def compare(session_a: str, a: Report, session_b: str, b: Report) -> Comparison:
    """Attempt B against attempt A: every headline figure, and the rubric points gained and lost."""
    first, second = attempt(session_a, a), attempt(session_b, b)
    covered_a = {r.point for r in a.rubric if r.covered}
    covered_b = {r.point for r in b.rubric if r.covered}
    order = [r.point for r in b.rubric]
    return Comparison(
        a=first,
        b=second,
        changes=[trend([first, second], m[0]) for m in METRICS],
        gained=[p for p in order if p in covered_b - covered_a],
        lost=[p for p in order if p in covered_a - covered_b],
        kept=[p for p in order if p in covered_a & covered_b],
    )
