"""Rendering reports: pure ``format_*`` functions that return text."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .analysis import clock
from .numbers import describe
from .schema import Report, Span, Word

WIDTH = 88


@dataclass(frozen=True)
class Style:
    """ANSI styling, or none at all."""

    color: bool = False

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def good(self, text: str) -> str:
        return self._wrap("32", text)

    def warn(self, text: str) -> str:
        return self._wrap("33", text)

    def bad(self, text: str) -> str:
        return self._wrap("31", text)

    def number(self, text: str) -> str:
        return self._wrap("1;36", text)


def _inside(word: Word, span: Span) -> bool:
    middle = (word.start + word.end) / 2
    return span.start - 1e-6 <= middle <= span.end + 1e-6


def _marked_words(report: Report) -> list[tuple[str, str]]:
    """Each transcript word with its mark: 'filler', 'number', 'quantified', 'pause' or ''."""
    out: list[tuple[str, str]] = []
    pauses = {round(p.start, 3): p for p in report.pauses}
    for word in report.words:
        mark = ""
        if any(_inside(word, f) for f in report.fillers):
            mark = "filler"
        else:
            for n in report.numbers:
                if _inside(word, n):
                    mark = "quantified" if n.quantified else "number"
                    break
        out.append((word.text, mark))
        pause = pauses.get(round(word.end, 3))
        if pause is not None:
            out.append((f"‖ {pause.duration_s:.1f} s ‖", "pause"))
    return out


def _group(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Join neighbouring words that share a mark, so '[from 480 ms to 95 ms]' stays whole."""
    out: list[tuple[str, str]] = []
    for text, mark in items:
        if out and mark in {"filler", "number", "quantified"} and out[-1][1] == mark:
            out[-1] = (out[-1][0] + " " + text, mark)
        else:
            out.append((text, mark))
    return out


def format_transcript(report: Report, style: Style = Style(), width: int = WIDTH, indent: str = "  ") -> str:
    """The transcript, wrapped, with {fillers}, [numbers] and ‖ pauses ‖ marked."""
    pieces = []
    for text, mark in _group(_marked_words(report)):
        if mark == "filler":
            pieces.append((f"{{{text}}}", style.warn(f"{{{text}}}")))
        elif mark == "quantified":
            pieces.append((f"[{text}]", style.number(f"[{text}]")))
        elif mark == "number":
            pieces.append((f"[{text}]", style.good(f"[{text}]")))
        elif mark == "pause":
            pieces.append((text, style.dim(text)))
        else:
            pieces.append((text, text))
    lines: list[str] = []
    current: list[str] = []
    length = 0
    for plain, shown in pieces:
        if current and length + 1 + len(plain) > width - len(indent):
            lines.append(indent + " ".join(current))
            current, length = [], 0
        current.append(shown)
        length += len(plain) + (1 if length else 0)
    if current:
        lines.append(indent + " ".join(current))
    return "\n".join(lines) if lines else indent + "(no speech)"


def _verdict(style: Style, ok: bool | None) -> str:
    if ok is None:
        return ""
    return style.good("on target") if ok else style.warn("off target")


def _filler_summary(report: Report) -> str:
    counts = Counter(f.text for f in report.fillers)
    return ", ".join(f"{text} ×{n}" for text, n in counts.most_common())


def headline_rows(report: Report, style: Style = Style()) -> list[tuple[str, str]]:
    target = report.target_duration_s
    rows = [
        (
            "Duration",
            f"{clock(report.duration_s)}  target {clock(target.low)}-{clock(target.high)}  "
            + _verdict(style, target.contains(report.duration_s) if report.word_count else None),
        ),
        (
            "Speaking",
            f"{clock(report.speaking_s)}"
            + (f"  first word at {report.first_word_s:.1f} s" if report.first_word_s is not None else ""),
        ),
    ]
    if report.wpm is not None:
        rows.append(
            (
                "Pace",
                f"{report.wpm:.0f} wpm ({report.word_count} words)  target "
                f"{report.target_wpm.low:.0f}-{report.target_wpm.high:.0f}  "
                + _verdict(style, report.target_wpm.contains(report.wpm)),
            )
        )
    else:
        rows.append(("Pace", f"- ({report.word_count} words)"))
    if report.filler_count:
        rate = f"{report.fillers_per_min:.1f}/min, " if report.fillers_per_min is not None else ""
        per100 = f"{report.fillers_per_100_words:.1f} per 100 words" if report.fillers_per_100_words else ""
        rows.append(("Fillers", f"{report.filler_count} ({rate}{per100})  {_filler_summary(report)}"))
    else:
        rows.append(("Fillers", "none heard" if report.word_count else "-"))
    if report.pauses:
        listed = ", ".join(f"{p.duration_s:.1f} s at {clock(p.start)}" for p in report.pauses[:4])
        more = f" and {len(report.pauses) - 4} more" if len(report.pauses) > 4 else ""
        rows.append(("Long pauses", f"{len(report.pauses)}: {listed}{more}"))
    else:
        rows.append(("Long pauses", f"none of {report.long_pause_s:.0f} s or more"))
    quantified = [n for n in report.numbers if n.quantified]
    if report.numbers:
        shown = ", ".join(describe(n) for n in (quantified or report.numbers)[:4])
        label = f"{len(report.numbers)}, {len(quantified)} measured" + (f": {shown}" if shown else "")
        ok = report.quantified if report.wants_numbers else None
        rows.append(("Numbers", label + ("  " + _verdict(style, ok) if ok is not None else "")))
    else:
        rows.append(
            (
                "Numbers",
                style.warn("none") + (" - this answer wants a measured outcome" if report.wants_numbers else ""),
            )
        )
    if report.hedges:
        rows.append(("Hedging", f"{len(report.hedges)}: " + ", ".join(f'"{h.text}"' for h in report.hedges[:4])))
    p = report.pronouns
    if p.i_share is not None:
        rows.append(("I / we", f"{p.i} / {p.we} ({100 * p.i_share:.0f}% I)"))
    if report.star is not None:
        s = report.star
        rows.append(
            (
                "STAR",
                f"situation {s.situation_s:.0f} s, task {s.task_s:.0f} s, action {s.action_s:.0f} s, "
                f"result {s.result_s:.0f} s",
            )
        )
    rows.append(("Rubric", f"{report.rubric_covered} of {len(report.rubric)} points covered"))
    return rows


def format_text(report: Report, style: Style = Style(), saved_to: str | None = None) -> str:
    """The terminal report."""
    out = [
        style.bold(f"{report.pack} / {report.question_id}") + style.dim(f"  ({report.question_kind})"),
        report.question_text,
        "",
    ]
    rows = headline_rows(report, style)
    pad = max(len(label) for label, _ in rows)
    out += [f"  {label.ljust(pad)}  {value}" for label, value in rows]
    out += [
        "",
        style.bold("Transcript") + style.dim("  {filler}  [number]  ‖ long pause ‖"),
        format_transcript(report, style),
    ]
    out += ["", style.bold("Rubric")]
    for r in report.rubric:
        if r.covered:
            evidence = style.dim("  - " + ", ".join(f'"{e}"' for e in r.evidence[:3]))
            out.append(f"  {style.good('✓')} {r.point}{evidence}")
        else:
            out.append(f"  {style.bad('✗')} {r.point}")
    if report.hints:
        out += ["", style.bold("Next time")]
        out += [f"  - {h}" for h in report.hints]
    if report.strong_answer:
        out += ["", style.bold("A strong answer"), _wrap_paragraph(report.strong_answer)]
    if report.mistakes:
        out += ["", style.bold("Mistakes that cost candidates the room")]
        out += [f"  - {m}" for m in report.mistakes]
    if report.model is not None:
        out += ["", style.dim(f"model {report.model.name}, beam {report.model.beam_size}, {report.model.compute_type}")]
    if saved_to:
        out.append(style.dim(f"saved in {saved_to}"))
    return "\n".join(out)


def _wrap_paragraph(text: str, width: int = WIDTH, indent: str = "  ") -> str:
    import textwrap

    return textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent)


def format_markdown(report: Report) -> str:
    """The report as Markdown, for the session folder."""
    out = [
        f"# {report.pack} / {report.question_id}",
        "",
        f"> {report.question_text}",
        "",
        f"Recorded {report.created_at} ({report.source}).",
        "",
        "| Figure | Value |",
        "| --- | --- |",
    ]
    out += [f"| {label} | {value.strip()} |" for label, value in headline_rows(report)]
    parts = []
    for text, mark in _group(_marked_words(report)):
        if mark == "filler":
            parts.append(f"~~{text}~~")
        elif mark in {"number", "quantified"}:
            parts.append(f"**{text}**")
        elif mark == "pause":
            parts.append(f"*{text}*")
        else:
            parts.append(text)
    out += [
        "",
        "## Transcript",
        "",
        "Fillers ~~struck through~~, numbers in **bold**, long pauses *‖ in italics ‖*.",
        "",
    ]
    out.append(" ".join(parts) if parts else "(no speech)")
    out += ["", "## Rubric", ""]
    for r in report.rubric:
        evidence = f" ({', '.join(r.evidence)})" if r.evidence else ""
        out.append(f"- [{'x' if r.covered else ' '}] {r.point}{evidence}")
    if report.hints:
        out += ["", "## Next time", ""] + [f"- {h}" for h in report.hints]
    if report.strong_answer:
        out += ["", "## A strong answer", "", report.strong_answer]
    if report.mistakes:
        out += ["", "## Mistakes to avoid", ""] + [f"- {m}" for m in report.mistakes]
    if report.model is not None:
        out += ["", f"Model: {report.model.name}, beam {report.model.beam_size}, {report.model.compute_type}."]
    return "\n".join(out) + "\n"


def format_json(report: Report) -> str:
    return report.model_dump_json(indent=2)


def format_table(headers: list[str], rows: Iterable[list[str]]) -> str:
    """A plain text table with aligned columns."""
    rows = list(rows)
    widths = [max(len(h), *(len(r[k]) for r in rows)) if rows else len(h) for k, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join([line, *body])


def to_json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
