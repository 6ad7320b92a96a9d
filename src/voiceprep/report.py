"""Rendering reports: pure ``format_*`` functions that return text."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .analysis import clock
from .numbers import describe
from .schema import Delivery, FillerCalibration, Report, RubricResult, Span, TextAnalysis, Word, gates_plain_pass
from .tokens import normalise, written

if TYPE_CHECKING:
    from .evaluate import (
        AudioEvaluation,
        ClipScore,
        Rates,
        RubricEvaluation,
        RubricGroup,
        SpeakerScores,
        TextEvaluation,
    )
    from .interview import ProbeScore, QuestionScore, Scorecard
    from .progress import Comparison, Progress, Trend

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


def word_mark(report: Report, word: Word) -> str:
    """What a transcript word is: 'filler', 'quantified' (a measured outcome), 'number' or ''.

    A word belongs to a filler or number when its middle falls inside that span, and to a
    filler only if it is one of the filler's words: Whisper can give a word and the "um" after
    it the same instant ("like a um style", "a" and "um" both at 1.58 s).
    """
    middle = (word.start + word.end) / 2

    def inside(span: Span) -> bool:
        return span.start - 1e-6 <= middle <= span.end + 1e-6

    if any(inside(f) and normalise(word.text) in f.text.split() for f in report.fillers):
        return "filler"
    for n in report.numbers:
        if inside(n):
            return "quantified" if n.quantified else "number"
    return ""


def _marked_words(report: Report) -> list[tuple[str, str]]:
    """Each transcript word with its mark: 'filler', 'number', 'quantified', 'pause' or ''."""
    out: list[tuple[str, str]] = []
    pauses = {round(p.start, 3): p for p in report.pauses}
    for word in report.words:
        out.append((word.text, word_mark(report, word)))
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


def calibration_line(c: FillerCalibration) -> str:
    """ "um/uh heard: 9 of 11 read (recall 0.82), precision 0.90; calibrated 24 Nov 2026"."""
    recall = "-" if c.recall is None else f"{c.recall:.2f}"
    precision = "-" if c.precision is None else f"{c.precision:.2f}"
    right = round((c.recall or 0) * c.planted)
    return (
        f"um/uh heard: {right} of {c.planted} read (recall {recall}), precision {precision}; "
        f"calibrated {format_when(c.created_at)}"
    )


# voiceprep's own targets for its filler counts (recall and precision): under them on a
# speaker's voice, a count there is not to be read as exact.
TRUSTED_RATE = 0.9


def filler_count_reading(c: FillerCalibration | None) -> str:
    """How a filler count reads on the speaker's calibrated voice: "" (as it is), "at least" or "about".

    Calibration says how many of the speaker's own um and uh are heard (recall) and how many
    heard were read (precision). Where voiceprep misses some of this voice's um and uh but
    invents few, a count is a floor; where it invents some too, the count is near, not exact.
    Without a calibration nothing is known of this voice, and the count is shown as it is.
    """
    if c is None or c.recall is None or c.precision is None:
        return ""
    if c.precision < TRUSTED_RATE:
        return "about"
    return "at least" if c.recall < TRUSTED_RATE else ""


def figures_measured(count: int, measured: int) -> str:
    """The numbers row: "3 figures, 2 measured" (measured: a before and after, a rate, a size...)."""
    return f"{count} figure{'s' if count != 1 else ''}, {measured} measured"


def format_filler_count(report: Report) -> str:
    """ "7", or "at least 7" / "about 7" as the speaker's calibration reads it."""
    reading = filler_count_reading(report.filler_calibration)
    return f"{reading} {report.filler_count}" if reading else str(report.filler_count)


# How many of a speaker's um and uh are heard differs from voice to voice (0.62 to 0.95 of them
# on the dev speakers), so a report says when it has not been measured on this one.
UNCALIBRATED = "um/uh not measured on your voice: `voiceprep calibrate` tells how many of yours are heard"


def _filler_summary(report: Report) -> str:
    counts = Counter(written(f.text) for f in report.fillers)
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
    elif report.too_short:
        rows.append(("Pace", f"- too short to judge ({report.word_count} words)"))
    else:
        rows.append(("Pace", f"- ({report.word_count} words)"))
    if report.filler_count:
        rates = []  # none for an answer too short to judge
        if report.fillers_per_min is not None:
            rates.append(f"{report.fillers_per_min:.1f}/min")
        if report.fillers_per_100_words:
            rates.append(f"{report.fillers_per_100_words:.1f} per 100 words")
        shown = f" ({', '.join(rates)})" if rates else ""
        rows.append(("Fillers", f"{format_filler_count(report)}{shown}  {_filler_summary(report)}"))
    else:
        rows.append(("Fillers", "none heard" if report.word_count else "-"))
    if report.filler_calibration is not None:
        rows.append(("On your voice", calibration_line(report.filler_calibration)))
    elif report.word_count:
        rows.append(("On your voice", UNCALIBRATED))
    if report.pauses:
        listed = ", ".join(f"{p.duration_s:.1f} s at {clock(p.start)}" for p in report.pauses[:4])
        more = f" and {len(report.pauses) - 4} more" if len(report.pauses) > 4 else ""
        rows.append(("Long pauses", f"{len(report.pauses)}: {listed}{more}"))
    else:
        rows.append(("Long pauses", f"none of {report.long_pause_s:.0f} s or more"))
    quantified = [n for n in report.numbers if n.quantified]
    if report.numbers:
        mentions = quantified or report.numbers
        shown = ", ".join(describe(n) for n in mentions[:4])
        if len(mentions) > 4:
            shown += f" and {len(mentions) - 4} more"
        label = figures_measured(len(report.numbers), len(quantified)) + (f": {shown}" if shown else "")
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
    rows.append(("Rubric", rubric_summary(report.rubric)))
    if report.delivery is not None:
        rows += delivery_rows(report.delivery, style)
    return rows


def rubric_summary(results: list[RubricResult]) -> str:
    """ "3 of 6 points made, 1 touched"."""
    made = sum(r.state == "made" for r in results)
    touched = sum(r.state == "touched" for r in results)
    return f"{made} of {len(results)} points made" + (f", {touched} touched" if touched else "")


RUBRIC_MARKS = {"made": "✓", "touched": "~", "missed": "✗"}
SENTENCE_CHARS = 100


def short_sentence(text: str, limit: int = SENTENCE_CHARS) -> str:
    """The sentence as said, cut at a word before ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def format_rubric(results: list[RubricResult], style: Style = Style(), timed: bool = True) -> list[str]:
    """Each point with its mark, what was missing when only touched, and the sentence that made it."""
    out = []
    for r in results:
        mark = RUBRIC_MARKS[r.state]
        shown = {"made": style.good, "touched": style.warn, "missed": style.bad}[r.state](mark)
        why = style.dim(f"  ({r.why})") if r.state == "touched" and r.why else ""
        out.append(f"  {shown} {r.point}{why}")
        if r.sentence and r.state != "missed":
            at = f"{clock(r.at)}  " if timed and r.at is not None else ""
            out.append(style.dim(f'      {at}"{short_sentence(r.sentence)}"'))
    return out


def delivery_rows(voice: Delivery, style: Style = Style()) -> list[tuple[str, str]]:
    """How the answer sounded, a row a measure."""
    rows: list[tuple[str, str]] = []
    if voice.pitch_spread_st is not None:
        verdict = (
            style.warn(f"monotone (under {voice.monotone_below_st:g} st)")
            if voice.monotone
            else style.good("expressive")
            if voice.expressive
            else "some variation"
        )
        flat = ", ".join(f"{clock(s.start)}-{clock(s.end)}" for s in voice.monotone_spans[:3])
        rows.append(
            (
                "Pitch",
                f"median {voice.pitch_median_hz:.0f} Hz, varied {voice.pitch_spread_st:.1f} semitones  {verdict}"
                + (f"; flat at {flat}" if flat and not voice.monotone else ""),
            )
        )
    if voice.volume_db is not None:
        parts = [f"{voice.volume_db:.0f} dB, spread {voice.volume_spread_db:.0f} dB"]
        if voice.quiet_spans:
            parts.append("quiet at " + ", ".join(clock(s.start) for s in voice.quiet_spans[:3]))
        if voice.trailing_off:
            parts.append(f"{len(voice.trailing_off)} sentence end(s) trailed off")
        rows.append(("Volume", "; ".join(parts)))
    if len(voice.pace_windows) > 1:
        paces = [p.wpm for p in voice.pace_windows]
        ends, span = sorted((round(paces[0]), round(paces[-1]))), [round(min(paces)), round(max(paces))]
        rushed = ", ".join(clock(s.start) for s in voice.rushed_spans[:3])
        rows.append(
            (
                "Pace over time",
                f"{paces[0]:.0f} wpm at the start, {paces[-1]:.0f} at the end"
                # the range only when it says more than the two ends do
                + (f" (between {min(paces):.0f} and {max(paces):.0f})" if len(paces) > 2 and ends != span else "")
                + (style.warn(f"; rushed at {rushed}") if rushed else ""),
            )
        )
    mid = len(voice.pauses_mid_clause)
    before = len(voice.pauses_before_numbers)
    rows.append(
        (
            "Pauses",
            f"{voice.pauses_at_boundaries} between points, {mid} mid-sentence"
            + (f", {before} just before a figure" if before else ""),
        )
    )
    if voice.uptalk:
        first = voice.uptalk[0]
        rows.append(("Uptalk", style.warn(f'{len(voice.uptalk)}: "{first.text[-60:]}" at {clock(first.start)}')))
    return rows


def format_terms_heard(report: Report) -> str | None:
    """Which words of the trade the transcript wrote by their sound, and what Whisper had written.

    ``Written as your question's terms by their sound: "Cuban Eats" as Kubernetes (0:12).``
    """
    if not report.terms_by_sound:
        return None
    heard = ", ".join(f'"{t.written.rstrip(".,;:!?")}" as {t.term} ({clock(t.start)})' for t in report.terms_by_sound)
    return f"Written as your question's terms by their sound: {heard}."


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
    terms_heard = format_terms_heard(report)
    if terms_heard:
        out += [style.dim(line) for line in _wrap_paragraph(terms_heard).splitlines()]
    out += ["", style.bold("Rubric") + style.dim("  ✓ made  ~ touched  ✗ missed")]
    out += format_rubric(report.rubric, style)
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


def format_when(iso: str) -> str:
    """A saved timestamp as people read it: '24 Nov 2026, 18:42'; unchanged if it is not one."""
    from datetime import datetime

    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{when.day} {when:%b %Y, %H:%M}"


def format_markdown(report: Report) -> str:
    """The report as Markdown, for the session folder."""
    out = [
        f"# {report.pack} / {report.question_id}",
        "",
        f"> {report.question_text}",
        "",
        f"Recorded {format_when(report.created_at)} ({report.source}).",
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
    terms_heard = format_terms_heard(report)
    if terms_heard:
        out += ["", f"*{terms_heard}*"]
    out += ["", "## Rubric", ""]
    out.append(rubric_summary(report.rubric) + ".")
    out.append("")
    for r in report.rubric:
        box = {"made": "x", "touched": "~", "missed": " "}[r.state]
        why = f" ({r.why})" if r.state == "touched" and r.why else ""
        said = ""
        if r.sentence and r.state != "missed":
            at = f"{clock(r.at)} " if r.at is not None else ""
            said = f": {at}“{short_sentence(r.sentence)}”"
        out.append(f"- [{box}] {r.point}{why}{said}")
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


def _line_col(text: str, at: int) -> str:
    """Where a character offset is, as an editor shows it: "line:column", both from 1."""
    line = text.count("\n", 0, at) + 1
    column = at - text.rfind("\n", 0, at)
    return f"{line}:{column}"


CONTEXT_CHARS = 24


def _in_context(text: str, span: Span, mark: Callable[[str], str]) -> str:
    """The span's words, ``mark``ed, with a little of the text either side, on one line."""
    start, end = int(span.start), int(span.end)
    before = text[max(0, start - CONTEXT_CHARS) : start].replace("\n", " ")
    after = text[end : end + CONTEXT_CHARS].replace("\n", " ")
    opening = "…" if start > CONTEXT_CHARS else ""
    closing = "…" if end + CONTEXT_CHARS < len(text.rstrip()) else ""
    said = text[start:end].rstrip(",.;:!?")  # the span keeps the word's punctuation; the mark does not
    return opening + before + mark(said) + text[start + len(said) : end] + after.rstrip() + closing


def format_text_analysis(result: TextAnalysis, text: str, style: Style = Style()) -> str:
    """Typed text with its fillers and numbers, each where it is (line:column) and in its context."""
    out = [style.bold(result.source) + f"  {result.word_count} words"]
    per100 = f" ({result.fillers_per_100_words:.1f} per 100 words)" if result.fillers_per_100_words else ""
    out.append(f"  Fillers  {result.filler_count}{per100}")
    for f in result.fillers:
        where = style.dim(f"    {_line_col(text, int(f.start)):>8}  ")
        out.append(where + _in_context(text, f, lambda w: style.warn("{" + w + "}")))
    measured = sum(n.quantified for n in result.numbers)
    out.append(f"  Numbers  {figures_measured(len(result.numbers), measured)}")
    for n in result.numbers:
        tag = "measured" if n.quantified else n.kind
        out.append(
            style.dim(f"    {_line_col(text, int(n.start)):>8}  ")
            + _in_context(text, n, lambda w: style.bold(f"[{w}]"))
            + style.dim(f"  = {describe(n)} ({tag})")
        )
    if result.hedges:
        out.append(f"  Hedging  {len(result.hedges)}: " + ", ".join(f'"{h.text}"' for h in result.hedges[:6]))
    if result.rubric is not None:
        out.append(f"  Rubric   {rubric_summary(result.rubric)}")
        out += ["  " + line for line in format_rubric(result.rubric, style, timed=False)]
    return "\n".join(out)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _rates(r: Rates) -> str:
    return f"precision {_pct(r.precision)}  recall {_pct(r.recall)}  F1 {_pct(r.f1)}"


def format_clip_header() -> str:
    return f"{'clip':<44} {'secs':>5} {'WER':>6} {'fillers r/f/a':>14} {'numbers r/f/ok':>15} {'RTF':>6}"


def format_clip_row(c: ClipScore) -> str:
    wer = c.word_errors / c.ref_words if c.ref_words else 0.0
    return (
        f"{c.clip[-44:]:<44} {c.duration_s:5.1f} {100 * wer:5.1f}% "
        f"{f'{c.fillers_ref}/{c.fillers_found}/{c.fillers_aligned}':>14} "
        f"{f'{len(c.numbers_ref)}/{len(c.numbers_found)}/{c.numbers_matched}':>15} "
        f"{c.transcribe_s / max(c.duration_s, 1e-9):6.3f}"
    )


def format_decoding(settings: dict[str, object]) -> str:
    """How a transcript was decoded, in a few words: the settings that change its figures."""
    prompt = settings.get("initial_prompt")
    if not settings.get("chunked", True):
        passes = "faster-whisper's own windowing"
    elif settings.get("filler_pass"):
        below = settings.get("plain_below")
        if gates_plain_pass(below):
            passes = f"prompted pass, plain pass too where its words' mean probability < {below:g}"
        else:
            passes = "plain + prompted pass"
        if settings.get("filler_beam_size") not in (None, settings.get("beam_size")):
            passes += f" (prompted beam {settings['filler_beam_size']})"
    else:
        passes = "one prompted pass" if prompt else "one plain pass"
    parts = [f"beam {settings.get('beam_size')}", passes]
    chunk = settings.get("max_chunk_s")
    if settings.get("chunked", True) and isinstance(chunk, (int, float)):
        parts.append(f"chunks up to {chunk:g} s")
    if prompt:
        parts.append(f"prompt {str(prompt)!r}")
    gap_probe = settings.get("gap_probe")
    if settings.get("filler_pass") and isinstance(gap_probe, (int, float)) and gap_probe <= 1:
        parts.append(f"gaps given a filled pause at p >= {gap_probe:g}")
    if settings.get("hotwords"):
        parts.append(f"hotwords {settings['hotwords']!r}")
    if settings.get("sampling_fallback", True):
        seed = settings.get("seed")
        parts.append("sampling retries, " + ("unseeded" if seed is None else f"seed {seed}"))
    else:
        parts.append("deterministic retries")
    return ", ".join(parts)


def format_plain_pass(kept: int, chunks: int, decoded: int) -> str:
    """Where the plain pass was needed: its words kept on ``kept`` of the ``chunks`` the prompted
    pass decoded first, and how many it decoded at all."""
    return (
        f"words kept on {kept} of {chunks} chunks (the prompted pass unsure of its own); decoded on {decoded}"
        " (also beside the prompted pass, live, while cores were free)"
    )


def format_audio_totals(e: AudioEvaluation) -> str:
    lines = [
        "",
        f"{e.clip_count} clips, {e.seconds:.0f} s, model {e.model} ({format_decoding(e.settings)}), path {e.path}",
        f"  content WER      {_pct(e.content_wer)}",
        f"  fillers (counts) {_rates(e.fillers)}   ({e.fillers_ref} in the references)",
        f"  fillers (placed) {_rates(e.fillers_aligned)}",
        f"  numbers          {_rates(e.numbers)}   ({e.numbers_ref} in the references)",
        f"  real-time factor {e.rtf:.3f}   peak memory {e.peak_rss_mb:.0f} MB",
    ]
    if e.prompted_first:
        lines.append(f"  plain pass       {format_plain_pass(e.plain_too, e.prompted_first, e.plain_decoded)}")
    if len(e.speakers) > 1 or (e.speakers and e.speakers[0].speaker):
        lines += ["", "Per speaker", format_speaker_table(e.speakers)]
    return "\n".join(lines)


def format_speaker_table(speakers: list[SpeakerScores]) -> str:
    def pr(r: Rates) -> str:
        return f"{_ratio(r.precision)} / {_ratio(r.recall)}"

    rows = [
        [
            s.speaker or "(no speaker given)",
            str(s.clip_count),
            f"{s.seconds:.0f}",
            _pct(s.content_wer),
            f"{pr(s.fillers)} ({s.fillers_ref})",
            f"{pr(s.numbers)} ({s.numbers_ref})",
        ]
        for s in speakers
    ]
    return format_table(["speaker", "clips", "secs", "content WER", "fillers P / R (ref)", "numbers P / R (ref)"], rows)


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def format_rubric_evaluation(e: RubricEvaluation) -> str:
    """Precision and recall of the points made, per question, per kind of answer, and by whether
    the labels say the answer makes every point of its question, some or none."""

    def rows(groups: list[RubricGroup]) -> list[list[str]]:
        return [
            [g.name, str(g.answers), str(g.expected), str(g.made), str(g.correct), _ratio(g.rates.precision),
             _ratio(g.rates.recall)]
            for g in groups
        ]  # fmt: skip

    headers = ["answers", "n", "points made (labels)", "judged made", "right", "precision", "recall"]
    heard = f"spoken by {e.voice or 'eSpeak NG'} and transcribed" if e.spoken else "typed text"
    out = [
        f"{e.set}: {e.overall.answers} answers, {heard}, method {e.method}",
        "",
        format_table(["question", *headers[1:]], rows(e.by_question)),
        "",
        format_table(["kind of answer", *headers[1:]], rows(e.by_style)),
        "",
        format_table(["answer makes", *headers[1:]], rows(e.by_shape)),
        "",
        f"  all      precision {_ratio(e.overall.rates.precision)}  recall {_ratio(e.overall.rates.recall)}  "
        f"({e.overall.correct} of {e.overall.expected} points found, "
        f"{e.overall.made - e.overall.correct} given wrongly)",
        f"  time     {1000 * e.seconds_per_answer:.0f} ms per answer, "
        f"after {e.load_seconds:.2f} s loading the sentence model and embedding the phrasings",
    ]
    wrong = [(a.id, "given", p) for a in e.answers for p in a.false_made]
    wrong += [(a.id, "missed", p) for a in e.answers for p in a.not_made]
    if wrong:
        out += ["", "  misjudged: " + "; ".join(f"{i} {how} {p}" for i, how, p in sorted(wrong))]
    return "\n".join(out)


def format_text_evaluation(e: TextEvaluation) -> str:
    rows = [
        [
            d.document,
            str(d.words),
            f"{d.fillers_ref}/{d.fillers_found}",
            f"{d.numbers_ref}/{d.numbers_recalled}",
            f"{d.numbers_found_digits}/{d.numbers_correct}",
            str(d.numbers_found_words),
        ]
        for d in e.documents
    ]
    table = format_table(
        ["document", "words", "um+uh ref/found", "numbers tagged/found", "digits found/right", "in words"], rows
    )
    return "\n".join(
        [
            table,
            "",
            f"  fillers (um, uh) {_rates(e.fillers)}",
            f"  numbers          precision {_pct(e.numbers.precision)} (numbers written in digits)  "
            f"recall {_pct(e.numbers.recall)}",
        ]
    )


def format_figure(value: float | None, metric: str) -> str:
    """One headline figure as people read it: 1:05, 42%, 3.5, 7."""
    if value is None:
        return "-"
    if metric == "duration_s":
        return clock(value)
    if metric == "rubric_share":
        return f"{value:.0f}%"
    if metric == "wpm":
        return f"{value:.0f}"  # as the report shows pace
    return f"{value:.1f}" if value != int(value) else str(int(value))


def _trend_table(trends: list[Trend], style: Style, columns: tuple[str, str] = ("first", "last")) -> str:
    rows = []
    for t in trends:
        verdict = {"better": style.good, "worse": style.bad}.get(t.verdict, lambda x: x)(t.verdict)
        change = "" if t.change is None else (f"{t.change:+.0f} s" if t.metric == "duration_s" else f"{t.change:+.1f}")
        rows.append([t.label, format_figure(t.first, t.metric), format_figure(t.last, t.metric), change, verdict])
    return format_table(["figure", *columns, "change", "verdict"], rows)


def format_progress(result: Progress, style: Style = Style()) -> str:
    """Every attempt in order, then the trend overall and per question."""
    if not result.attempts:
        return "No analysed attempts yet. Start one with: voiceprep practice"
    rows = [
        [
            format_when(a.created_at),
            a.question_id,
            clock(a.duration_s),
            format_figure(a.wpm, "wpm"),
            format_figure(a.fillers_per_min, "fillers_per_min"),
            f"{a.numbers} ({a.measured})",
            f"{a.rubric_covered}/{a.rubric_points}",
        ]
        for a in result.attempts
    ]
    count = len(result.attempts)
    out = [
        style.bold(f"{count} attempt{'s' if count != 1 else ''}"),
        format_table(["when", "question", "time", "wpm", "fillers/min", "numbers (measured)", "rubric"], rows),
        "",
    ]
    if len({a.question_id for a in result.attempts}) == count:
        # no question answered twice: every trend would be a row of dashes
        again = "answer one again (voiceprep practice -q ID) to see how your figures move"
        return "\n".join([*out, f"No question answered twice yet: {again}."])
    out += [
        style.bold("Overall: each question's first attempt to its latest (questions practised twice or more)"),
        _trend_table(result.overall, style),
    ]
    for question, trends in result.by_question.items():
        if sum(1 for a in result.attempts if a.question_id == question) > 1:
            out += ["", style.bold(question), _trend_table(trends, style)]
    return "\n".join(out)


def format_compare(comparison: Comparison, a: Report, b: Report, style: Style = Style()) -> str:
    """Attempt B against attempt A: figures, rubric points gained and lost, transcripts side by side."""
    import textwrap

    out = [
        style.bold(f"{a.question_id}: A {comparison.a.session}  →  B {comparison.b.session}"),
        "",
        _trend_table(comparison.changes, style, ("A", "B")),
        "",
    ]
    out += [f"  {style.good('+')} {p}" for p in comparison.gained]
    out += [f"  {style.bad('-')} {p}" for p in comparison.lost]
    if not comparison.gained and not comparison.lost:
        out.append("  The same rubric points as before.")
    half = (WIDTH - 3) // 2
    left = textwrap.wrap(a.transcript or "(no speech)", half)
    right = textwrap.wrap(b.transcript or "(no speech)", half)
    out += ["", style.bold("A".ljust(half)) + " | " + style.bold("B")]
    for k in range(max(len(left), len(right))):
        la = left[k] if k < len(left) else ""
        rb = right[k] if k < len(right) else ""
        out.append(f"{la.ljust(half)} | {rb}")
    return "\n".join(out)


# ---------------------------------------------------------------- interviews


def _probe_outcome(probe: ProbeScore) -> str:
    report = probe.report
    if report is None:
        return "not answered"
    made = sum(r.state == "made" for r in report.rubric)
    measured = sum(n.quantified for n in report.numbers)
    figures = f"{measured} measured figure{'s' if measured != 1 else ''}"
    asked = f"; the point it asked about: {probe.asked_point}" if probe.asked_point else ""
    return f"{clock(report.duration_s)}, {figures}, {made} point{'s' if made != 1 else ''} made{asked}"


def scorecard_rows(card: Scorecard) -> list[list[str]]:
    """One row per question: the figures a panel would note."""
    rows = []
    for k, q in enumerate(card.questions, 1):
        r = q.report
        if r is None:
            rows.append([str(k), q.question_id, "-", "-", "-", "-", "-", "-", str(len(q.probes))])
            continue
        rows.append(
            [
                str(k),
                q.question_id,
                clock(r.duration_s),
                "-" if r.wpm is None else f"{r.wpm:.0f}",
                "-" if r.fillers_per_min is None else f"{r.fillers_per_min:.1f}",
                "yes" if q.quantified else "no",
                f"{len(q.made)}/{len(q.made) + len(q.touched) + len(q.missed)}",
                "-" if q.score is None else str(q.score),
                str(len(q.probes)),
            ]
        )
    return rows


SCORECARD_HEADERS = ["#", "question", "time", "wpm", "fillers/min", "measured", "points", "score", "follow-ups"]


def format_question_card(q: QuestionScore, style: Style = Style()) -> str:
    """One question's outcome, as shown after it with ``--feedback each`` and in the debrief."""
    out = [style.bold(q.question_id) + (f"  score {q.score}" if q.score is not None else "  not answered")]
    if q.report is not None:
        out.append(f"  {headline_rows(q.report, style)[0][1]}")
    if q.made:
        out.append("  made:    " + "; ".join(q.made))
    if q.touched:
        out.append("  touched: " + "; ".join(q.touched) + style.dim("  (named, not made)"))
    if q.missed:
        out.append("  missed:  " + "; ".join(q.missed))
    for p in q.probes:
        out.append(f'  follow-up ({p.reason}): "{p.text}" -> {_probe_outcome(p)}')
    return "\n".join(out)


def format_scorecard(card: Scorecard, style: Style = Style()) -> str:
    """The debrief of a whole interview for the terminal."""
    s = card.summary
    head = (
        f"Interview {card.interview_id} ({card.pack}): {s.answered} of {s.planned} questions answered, "
        f"{s.minutes:.1f} min of answers, {s.points_made} of {s.points} points made"
    )
    out = [style.bold(head), "", format_table(SCORECARD_HEADERS, scorecard_rows(card)), ""]
    if s.strongest:
        out.append(f"{style.good('Strongest:')} {', '.join(s.strongest)}")
    if s.weakest:
        out.append(f"{style.bad('Weakest:')}   {', '.join(s.weakest)}  (ask it again: voiceprep retry)")
    if s.habits:
        out += ["", style.bold("Habits that recurred")] + [f"  - {h}" for h in s.habits]
    out += ["", style.bold("Question by question")]
    for q in card.questions:
        out += [format_question_card(q, style), ""]
    if card.status != "finished":
        out.append(style.warn(f"This interview is {card.status.replace('_', ' ')}: voiceprep interview --resume"))
    return "\n".join(out).rstrip()


def format_scorecard_markdown(card: Scorecard) -> str:
    s = card.summary
    out = [
        f"# Interview {card.interview_id}",
        "",
        f"{card.pack}, {format_when(card.created_at)}: {s.answered} of {s.planned} questions answered, "
        f"{s.minutes:.1f} min of answers, {s.points_made} of {s.points} points made.",
        "",
        "| " + " | ".join(SCORECARD_HEADERS) + " |",
        "|" + " --- |" * len(SCORECARD_HEADERS),
    ]
    out += ["| " + " | ".join(row) + " |" for row in scorecard_rows(card)]
    out += ["", f"**Strongest:** {', '.join(s.strongest) or '-'}  ", f"**Weakest:** {', '.join(s.weakest) or '-'}"]
    if s.habits:
        out += ["", "## Habits that recurred", ""] + [f"- {h}" for h in s.habits]
    for q in card.questions:
        out += ["", f"## {q.question_id}", "", q.question_text, ""]
        out += [f"- made: {p}" for p in q.made] + [f"- touched, not made: {p}" for p in q.touched]
        out += [f"- missed: {p}" for p in q.missed]
        for p in q.probes:
            out.append(f"- follow-up ({p.reason}): *{p.text}*: {_probe_outcome(p)}")
        if q.report is not None:
            out += ["", "> " + (q.report.transcript or "(no speech)")]
    return "\n".join(out) + "\n"
