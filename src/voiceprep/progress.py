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
    ("pitch_spread_st", "Pitch variation", "st", True),
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
    pitch_spread_st: float | None = None  # semitones; None where the voice was not measured

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
        pitch_spread_st=report.delivery.pitch_spread_st if report.delivery else None,
    )


class Trend(BaseModel):
    metric: str
    label: str
    first: float | None
    last: float | None
    best: float | None
    change: float | None
    verdict: str  # "better", "worse", "steady" or "-"


# Decimals each figure is shown with: a change smaller than that is no change to the reader
# ("10.3 → 10.3" must not say "worse").
SHOWN_DECIMALS = {"duration_s": 0, "wpm": 0, "fillers_per_min": 1, "rubric_share": 0, "pitch_spread_st": 1}


def _shown(metric: str, value: float) -> float:
    return round(value, SHOWN_DECIMALS.get(metric, 0))


def _movement(attempts: list[Attempt], metric: str) -> tuple[float, float, float | None, float, int] | None:
    """First, last and best value as shown, the improvement from first to last, and how many values."""
    higher_better = next(m[3] for m in METRICS if m[0] == metric)
    values = [(a, _shown(metric, v)) for a in attempts if (v := a.value(metric)) is not None]
    if not values:
        return None
    first, last = values[0][1], values[-1][1]
    best: float | None
    if higher_better is None:

        def off(a: Attempt, v: float) -> float:  # distance from the target range, as shown
            low, high = (a.target_low, a.target_high) if metric == "duration_s" else (a.wpm_low, a.wpm_high)
            return max(0.0, low - v, v - high)

        scores = [off(a, v) for a, v in values]
        best = values[scores.index(min(scores))][1]
        improvement = scores[0] - scores[-1]
    else:
        numbers = [v for _, v in values]
        best = max(numbers) if higher_better else min(numbers)
        improvement = (last - first) if higher_better else (first - last)
    return first, last, best, improvement, len(values)


def _verdict(improvement: float, count: int) -> str:
    return "-" if count < 2 else "better" if improvement > 1e-9 else "worse" if improvement < -1e-9 else "steady"


def _trend(
    metric: str, first: float | None = None, last: float | None = None, best: float | None = None, verdict: str = "-"
) -> Trend:
    label = next(m[1] for m in METRICS if m[0] == metric)
    change = None if first is None or last is None else round(last - first, 2)
    return Trend(metric=metric, label=label, first=first, last=last, best=best, change=change, verdict=verdict)


def trend(attempts: list[Attempt], metric: str) -> Trend:
    """How one figure moved from the first attempt to the last, compared as it is shown."""
    moved = _movement(attempts, metric)
    if moved is None:
        return _trend(metric)
    first, last, best, improvement, count = moved
    return _trend(metric, first, last, best, _verdict(improvement, count))


def overall_trend(groups: list[list[Attempt]], metric: str) -> Trend:
    """How one figure moved across questions, each question's first attempt against its latest.

    Comparing the very first attempt with the very last would set one question against
    another; only questions practised more than once say anything about progress. First and
    last are the means over those questions; the verdict is their mean improvement.
    """
    moves = [m for items in groups if (m := _movement(items, metric)) is not None and m[4] >= 2]
    if not moves:
        return _trend(metric)
    first = round(sum(m[0] for m in moves) / len(moves), 2)
    last = round(sum(m[1] for m in moves) / len(moves), 2)
    return _trend(metric, first, last, None, _verdict(sum(m[3] for m in moves) / len(moves), 2))


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
        overall=[overall_trend(list(questions.values()), m[0]) for m in METRICS],
        by_question={q: [trend(items, m[0]) for m in METRICS] for q, items in questions.items()},
    )


class Comparison(BaseModel):
    a: Attempt
    b: Attempt
    changes: list[Trend]
    gained: list[str]
    lost: list[str]
    kept: list[str]


def _pair(a: Attempt, b: Attempt, metric: str) -> Trend:
    """One figure of two attempts. Where one of them has none (too short to judge its pace),
    that side shows none: ``trend`` would compare the other with itself."""
    va, vb = a.value(metric), b.value(metric)
    if va is None or vb is None:
        return _trend(metric, None if va is None else _shown(metric, va), None if vb is None else _shown(metric, vb))
    return trend([a, b], metric)


def compare(session_a: str, a: Report, session_b: str, b: Report) -> Comparison:
    """Attempt B against attempt A: every headline figure, and the rubric points gained and lost."""
    first, second = attempt(session_a, a), attempt(session_b, b)
    covered_a = {r.point for r in a.rubric if r.covered}
    covered_b = {r.point for r in b.rubric if r.covered}
    order = [r.point for r in b.rubric]
    return Comparison(
        a=first,
        b=second,
        changes=[_pair(first, second, m[0]) for m in METRICS],
        gained=[p for p in order if p in covered_b - covered_a],
        lost=[p for p in order if p in covered_a - covered_b],
        kept=[p for p in order if p in covered_a & covered_b],
    )
