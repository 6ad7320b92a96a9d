"""HTML pages: the report of one attempt, two attempts compared, and progress over time.

Every page is self-contained (styles, script and charts inline, no fonts, no CDN) and works
from the file system with no network. The answer's audio is referenced by a URL given by the
caller, usually ``answer.wav`` beside the page.
"""

from __future__ import annotations

import html
import itertools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from .analysis import clock
from .numbers import describe
from .progress import METRICS, Attempt, Comparison, Progress, Trend
from .report import (
    RUBRIC_MARKS,
    SCORECARD_HEADERS,
    format_figure,
    format_filler_count,
    format_terms_heard,
    format_when,
    headline_rows,
    rubric_summary,
    scorecard_rows,
    short_sentence,
    word_mark,
)
from .schema import Delivery, Report

if TYPE_CHECKING:
    from .interview import Scorecard

LOW_CONFIDENCE = 0.5

CSS = """
:root { --ink:#1d2330; --muted:#667085; --line:#e4e7ec; --bg:#f7f8fa; --filler:#f5a524; --number:#1e7fd6;
  --measured:#0b8a55; --pause:#d92d20; --low:#98a2b3; --current:#ffe58a; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); margin: 0;
  background: var(--bg); }
main { max-width: 980px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 10px; }
.muted { color: var(--muted); } .question { font-size: 18px; margin: 6px 0 18px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 10px 12px; }
.card .label { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 20px; font-weight: 600; } .card .sub { font-size: 12px; color: var(--muted); }
.ok { color: var(--measured); } .off { color: #b54708; }
.player { position: sticky; top: 0; background: var(--bg); padding: 10px 0; z-index: 2; }
audio { width: 100%; }
.transcript { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px;
  max-height: 360px; overflow-y: auto; line-height: 2; }
.w { cursor: pointer; border-radius: 4px; padding: 1px 2px; }
.w:hover { background: #eef4ff; }
.w.filler { background: #fff3dc; border-bottom: 2px solid var(--filler); }
.w.number { border-bottom: 2px solid var(--number); }
.w.measured { border-bottom: 2px solid var(--measured); font-weight: 600; }
.w.low { color: var(--low); font-style: italic; }
.w.current { background: var(--current); }
.pause { color: var(--pause); font-size: 12px; white-space: nowrap; }
.legend { font-size: 12px; color: var(--muted); margin: 6px 0; }
.legend span { margin-right: 14px; }
.chip { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
ul.rubric { list-style: none; padding: 0; } ul.rubric li { margin: 4px 0; }
.tick { display: inline-block; width: 1.3em; font-weight: 700; } .covered .tick { color: var(--measured); }
.missed .tick { color: var(--pause); } .evidence { color: var(--muted); font-size: 13px; }
.touched .tick { color: var(--filler); } .gap { color: var(--muted); font-size: 13px; }
button.said { display: block; margin: 2px 0 6px 1.3em; padding: 0; border: 0; background: none; font: inherit;
  font-size: 13px; color: var(--muted); text-align: left; cursor: pointer; }
button.said:hover { color: inherit; text-decoration: underline; } .said .at { font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); border-radius: 10px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); font-size: 14px; }
th { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.better { color: var(--measured); font-weight: 600; } .worse { color: var(--pause); font-weight: 600; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
.chart { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 8px; }
"""

SCRIPT = """
(function () {
  document.querySelectorAll('[data-at]').forEach(function (el) {
    el.addEventListener('click', function () {
      var audio = document.querySelector('[data-player] audio');
      if (!audio) return;
      audio.currentTime = parseFloat(el.dataset.at);
      var p = audio.play(); if (p && p.catch) p.catch(function () {});
    });
  });
  document.querySelectorAll('[data-player]').forEach(function (box) {
    var audio = box.querySelector('audio');
    var words = Array.prototype.slice.call(box.querySelectorAll('.w'));
    var scroller = box.querySelector('.transcript');
    var current = -1;
    function seek(t) { audio.currentTime = t; var p = audio.play(); if (p && p.catch) p.catch(function () {}); }
    words.forEach(function (w) {
      w.addEventListener('click', function () { seek(parseFloat(w.dataset.start)); });
    });
    box.querySelectorAll('[data-seek]').forEach(function (el) {
      el.addEventListener('click', function (ev) {
        var r = el.getBoundingClientRect(), d = el.dataset;
        var x = (ev.clientX - r.left) / r.width * parseFloat(d.width || r.width);
        var left = parseFloat(d.left || 0), plot = parseFloat(d.width || r.width) - left - parseFloat(d.right || 0);
        seek(Math.max(0, parseFloat(d.duration) * (x - left) / plot));
      });
    });
    function show() {
      var t = audio.currentTime, k = -1;
      for (var i = 0; i < words.length; i++) { if (parseFloat(words[i].dataset.start) <= t + 0.02) k = i; else break; }
      if (k === current) return;
      if (current >= 0) words[current].classList.remove('current');
      current = k;
      box.dataset.current = String(k);
      if (k >= 0) {
        words[k].classList.add('current');
        var top = words[k].offsetTop - scroller.offsetTop;
        if (top < scroller.scrollTop || top > scroller.scrollTop + scroller.clientHeight - 40) {
          scroller.scrollTop = Math.max(0, top - scroller.clientHeight / 3);
        }
      }
    }
    audio.addEventListener('timeupdate', show);
    audio.addEventListener('seeked', show);
    (function loop() { if (!audio.paused) show(); window.requestAnimationFrame(loop); })();
  });
})();
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # No request may leave the page: only the file's own audio and inline content.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "media-src 'self' file: data: blob:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
        f"<title>{_e(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{body}</main><script>{SCRIPT}</script></body></html>\n"
    )


def _word_marks(report: Report) -> list[str]:
    """The CSS classes of each word: filler, number, measured, low."""
    css = {"filler": "filler", "quantified": "measured", "number": "number", "": ""}
    marks = []
    for w in report.words:
        classes = ["w", css[word_mark(report, w)]]
        if w.probability < LOW_CONFIDENCE:
            classes.append("low")
        marks.append(" ".join(c for c in classes if c))
    return marks


def transcript_html(report: Report) -> str:
    pauses = {round(p.start, 3): p for p in report.pauses}
    parts = []
    for k, (w, classes) in enumerate(zip(report.words, _word_marks(report), strict=True)):
        tip = f"{clock(w.start)} · {w.start:.2f} s · confidence {w.probability:.0%}"
        parts.append(
            f'<span class="{classes}" data-i="{k}" data-start="{w.start:.3f}" data-end="{w.end:.3f}" '
            f'title="{_e(tip)}">{_e(w.text)}</span>'
        )
        pause = pauses.get(round(w.end, 3))
        if pause is not None:
            parts.append(f'<span class="pause" title="long pause">‖ {pause.duration_s:.1f} s ‖</span>')
    return " ".join(parts) if parts else '<span class="muted">(no speech)</span>'


LEGEND = (
    '<div class="legend">'
    '<span><i class="chip" style="background:#fff3dc;border:1px solid var(--filler)"></i>filler</span>'
    '<span><i class="chip" style="background:var(--measured)"></i>measured outcome</span>'
    '<span><i class="chip" style="background:var(--number)"></i>other number</span>'
    '<span><i class="chip" style="background:var(--pause)"></i>long pause</span>'
    '<span><i class="chip" style="background:var(--low)"></i>low confidence (the model was unsure)</span>'
    "<span>click a word to play from there</span></div>"
)


TICK_STEPS = (10, 30, 60, 120, 300, 600, 900, 1800, 3600)
MAX_TICKS = 12  # a "12:30" label is about 40 px wide: 12 fit on the timeline without touching


def tick_step(duration: float) -> int:
    """Seconds between the timeline's time labels: the finest step that gives at most MAX_TICKS."""
    return next((s for s in TICK_STEPS if duration / s <= MAX_TICKS), TICK_STEPS[-1] * (1 + int(duration // 43200)))


def timeline_svg(report: Report, width: int = 900) -> str:
    """Speech and pauses, filler and number positions, and pace over time, as inline SVG."""
    duration = max(report.duration_s, 1e-3)
    voice = report.delivery
    extra = 76 if voice is not None and voice.pitch_line else 0
    height, top = 120 + extra, 18

    def x(t: float) -> float:
        return 40 + (width - 50) * t / duration

    out = [
        f'<svg class="timeline" data-seek data-duration="{duration:.3f}" data-width="{width}" data-left="40" '
        f'data-right="10" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="timeline of the answer" style="cursor:pointer">'
    ]
    out.append(f'<text x="0" y="{top + 10}">speech</text>')
    runs: list[list[float]] = []
    for w in report.words:
        if runs and w.start - runs[-1][1] < 0.6:
            runs[-1][1] = w.end
        else:
            runs.append([w.start, w.end])
    for s, e in runs:
        out.append(f'<rect x="{x(s):.1f}" y="{top}" width="{max(1.0, x(e) - x(s)):.1f}" height="14" fill="#c7d7fe" />')
    for p in report.pauses:
        out.append(
            f'<rect x="{x(p.start):.1f}" y="{top}" width="{max(1.0, x(p.end) - x(p.start)):.1f}" height="14" '
            f'fill="#fecdca"><title>pause {p.duration_s:.1f} s</title></rect>'
        )
    out.append(f'<text x="0" y="{top + 34}">marks</text>')
    for f in report.fillers:
        out.append(
            f'<rect x="{x(f.start):.1f}" y="{top + 24}" width="3" height="14" fill="#f5a524">'
            f"<title>{_e(f.text)} at {clock(f.start)}</title></rect>"
        )
    for n in report.numbers:
        color = "#0b8a55" if n.quantified else "#1e7fd6"
        out.append(
            f'<rect x="{x(n.start):.1f}" y="{top + 24}" width="3" height="14" fill="{color}">'
            f"<title>{_e(describe(n))} at {clock(n.start)}</title></rect>"
        )
    # pace: words per minute in a sliding 10 s window
    base = top + 96
    out.append(f'<text x="0" y="{top + 64}">pace</text>')
    points = []
    step = max(1.0, duration / 60)
    t = 0.0
    while t <= duration:
        count = sum(1 for w in report.words if t - 5 <= w.start < t + 5)
        points.append((t, count * 6.0))
        t += step
    peak = max([p[1] for p in points] + [report.target_wpm.high * 1.2])
    for level in (report.target_wpm.low, report.target_wpm.high):
        y = base - 44 * level / peak
        out.append(f'<line x1="40" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e7ec" />')
    path = " ".join(f"{x(t):.1f},{base - 44 * v / peak:.1f}" for t, v in points)
    out.append(f'<polyline points="{path}" fill="none" stroke="#1e7fd6" stroke-width="1.5" />')
    if voice is not None and extra:
        out.append(_voice_rows(voice, x, top + 104, width))
    for t in range(0, int(duration) + 1, tick_step(duration)):
        out.append(f'<text x="{x(t) - 8:.1f}" y="{height - 2}">{clock(t)}</text>')
    out.append("</svg>")
    return "".join(out)


def _voice_rows(voice: Delivery, x: Callable[[float], float], y0: int, width: int) -> str:
    """Below the pace chart: the pitch line (semitones around the median, ±6 shown), mid-sentence
    pauses and uptalk above it, and the loudness band."""
    centre, band = y0 + 22, y0 + 64
    title = "pitch" + (" (flat)" if voice.monotone else "")
    out = [f'<text x="0" y="{centre + 4}">{title}</text>', f'<text x="0" y="{band - 2}">volume</text>']
    levels = [d for _, d in voice.loudness_line]
    if levels:
        floor = min(levels)
        span = max(1.0, max(levels) - floor)
        for (t, d), (t2, _) in itertools.pairwise(voice.loudness_line):
            h = 16 * (d - floor) / span
            out.append(
                f'<rect x="{x(t):.1f}" y="{band - h:.1f}" width="{max(0.5, x(t2) - x(t)):.1f}" height="{h:.1f}" '
                'fill="#d0d5dd" />'
            )
    median = voice.pitch_median_hz
    if median:
        out.append(f'<line x1="40" x2="{width - 10}" y1="{centre}" y2="{centre}" stroke="#eaecf0" />')
        line: list[str] = []
        paths: list[str] = []
        for t, hz in [*voice.pitch_line, (0.0, 0.0)]:  # an unvoiced frame ends a stretch
            if hz <= 0:
                if len(line) > 1:
                    paths.append(" ".join(line))
                line = []
                continue
            st = max(-6.0, min(6.0, 12 * math.log2(hz / median)))
            line.append(f"{x(t):.1f},{centre - 3 * st:.1f}")
        out += [f'<polyline points="{p}" fill="none" stroke="#7a5af8" stroke-width="1.2" />' for p in paths]
    for pause in voice.pauses_mid_clause:
        before = pause in voice.pauses_before_numbers
        out.append(
            f'<rect x="{x(pause.start):.1f}" y="{y0}" width="{max(2.0, x(pause.end) - x(pause.start)):.1f}" '
            f'height="5" fill="{"#d92d20" if before else "#f5a524"}"><title>pause mid-sentence'
            f"{' just before a figure' if before else ''}: {_e(pause.text)}</title></rect>"
        )
    for u in voice.uptalk:
        out.append(
            f'<path d="M{x(u.end) - 5:.1f},{y0 + 8} L{x(u.end):.1f},{y0} L{x(u.end) + 5:.1f},{y0 + 8} Z" '
            f'fill="#d92d20"><title>rising at the end: {_e(u.text)}</title></path>'
        )
    return "".join(out)


def _cards(report: Report) -> str:
    cards: list[tuple[str, str, str, bool | None]] = []
    target = report.target_duration_s
    ok = target.contains(report.duration_s)
    cards.append(("Duration", clock(report.duration_s), f"target {clock(target.low)}-{clock(target.high)}", ok))
    if report.wpm is not None:
        ok = report.target_wpm.contains(report.wpm)
        cards.append(
            ("Pace", f"{report.wpm:.0f} wpm", f"target {report.target_wpm.low:.0f}-{report.target_wpm.high:.0f}", ok)
        )
    rate = f"{report.fillers_per_min:.1f}/min" if report.fillers_per_min is not None else "-"
    calibrated = report.filler_calibration
    if calibrated is not None and calibrated.recall is not None:
        # why a count reads "at least" or "about": the speaker's own calibration, under the figure
        rate += f" · your um/uh recall {calibrated.recall:.2f}"
    cards.append(("Fillers", format_filler_count(report), rate, (report.fillers_per_min or 0) <= 4))
    measured = sum(n.quantified for n in report.numbers)
    cards.append(
        ("Numbers", str(len(report.numbers)), f"{measured} measured", report.quantified or not report.wants_numbers)
    )
    cards.append(("Long pauses", str(len(report.pauses)), f"{report.long_pause_s:.0f} s or more", not report.pauses))
    cards.append(("Rubric", f"{report.rubric_covered}/{len(report.rubric)}", "points made", None))
    voice = report.delivery
    if voice is not None and voice.pitch_spread_st is not None:
        verdict = "monotone" if voice.monotone else "expressive" if voice.expressive else "some variation"
        cards.append(("Pitch", f"{voice.pitch_spread_st:.1f} st", verdict, not voice.monotone))
    out = []
    for label, value, sub, good in cards:
        cls = "" if good is None else ("ok" if good else "off")
        out.append(
            f'<div class="card"><div class="label">{_e(label)}</div><div class="value {cls}">{_e(value)}</div>'
            f'<div class="sub">{_e(sub)}</div></div>'
        )
    return '<div class="cards">' + "".join(out) + "</div>"


def _player(report: Report, audio_url: str) -> str:
    return (
        f'<section data-player><div class="player"><audio controls preload="auto" src="{_e(audio_url)}"></audio>'
        f"{LEGEND}</div>"
        f'<div class="transcript">{transcript_html(report)}</div>'
        f"{_terms_heard(report)}"
        f'<h2>Timeline</h2><div class="chart">{timeline_svg(report)}</div></section>'
    )


def _terms_heard(report: Report) -> str:
    line = format_terms_heard(report)
    return f'<p class="legend">{_e(line)}</p>' if line else ""


def _rubric(report: Report) -> str:
    items = []
    for r in report.rubric:
        cls = {"made": "covered", "touched": "touched", "missed": "missed"}[r.state]
        why = f' <span class="gap">({_e(r.why)})</span>' if r.state == "touched" and r.why else ""
        said = ""
        if r.sentence and r.state != "missed":
            at = r.at or 0.0
            said = (
                f'<button class="said" type="button" data-at="{at:.3f}" title="play from {clock(at)}">'
                f'<span class="at">{clock(at)}</span> “{_e(short_sentence(r.sentence, 160))}”</button>'
            )
        tick = RUBRIC_MARKS[r.state]
        items.append(f'<li class="{cls}"><span class="tick">{tick}</span>{_e(r.point)}{why}{said}</li>')
    return '<ul class="rubric">' + "".join(items) + "</ul>"


def format_html(report: Report, audio_url: str = "answer.wav") -> str:
    """The page of one attempt."""
    body = [
        f"<h1>{_e(report.pack)} / {_e(report.question_id)}</h1>",
        f'<div class="muted">{_e(report.question_kind)} · {_e(format_when(report.created_at))}</div>',
        f'<p class="question">{_e(report.question_text)}</p>',
        _cards(report),
        "<h2>Your answer</h2>",
        _player(report, audio_url),
        f"<h2>Rubric: {_e(rubric_summary(report.rubric))}</h2>",
        _rubric(report),
    ]
    if report.hints:
        body.append("<h2>Next time</h2><ul>" + "".join(f"<li>{_e(h)}</li>" for h in report.hints) + "</ul>")
    if report.strong_answer:
        body.append(f"<h2>A strong answer</h2><p>{_e(report.strong_answer)}</p>")
    if report.mistakes:
        body.append("<h2>Mistakes to avoid</h2><ul>" + "".join(f"<li>{_e(m)}</li>" for m in report.mistakes) + "</ul>")
    figures = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in headline_rows(report))
    body.append(f"<h2>All figures</h2><table>{figures}</table>")
    if report.model is not None:
        body.append(f'<p class="muted">Transcribed by {_e(report.model.name)} on this computer.</p>')
    return _page(f"{report.question_id} · voiceprep", "\n".join(body))


def _trend_rows(trends: list[Trend]) -> str:
    rows = []
    for t in trends:
        change = "" if t.change is None else (f"{t.change:+.1f}" if t.metric != "duration_s" else f"{t.change:+.0f} s")
        rows.append(
            f"<tr><td>{_e(t.label)}</td><td>{format_figure(t.first, t.metric)}</td>"
            f"<td>{format_figure(t.last, t.metric)}</td>"
            f'<td>{_e(change)}</td><td class="{t.verdict}">{_e(t.verdict)}</td></tr>'
        )
    return (
        "<table><tr><th>figure</th><th>first</th><th>last</th><th>change</th><th>verdict</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def format_compare_html(comparison: Comparison, a: Report, b: Report, url_a: str, url_b: str) -> str:
    """Two attempts at one question, side by side, each with its own player."""
    gained = "".join(f"<li class='covered'><span class='tick'>+</span>{_e(p)}</li>" for p in comparison.gained)
    lost = "".join(f"<li class='missed'><span class='tick'>−</span>{_e(p)}</li>" for p in comparison.lost)
    body = [
        f"<h1>{_e(a.question_id)}: two attempts</h1>",
        f'<p class="question">{_e(a.question_text)}</p>',
        f'<div class="muted">A: {_e(comparison.a.session)} · B: {_e(comparison.b.session)}</div>',
        "<h2>What changed from A to B</h2>",
        _trend_rows(comparison.changes),
        "<h2>Rubric points</h2>",
        f'<ul class="rubric">{gained}{lost}</ul>' if gained or lost else "<p>The same points as before.</p>",
        '<h2>Side by side</h2><div class="side">',
        f"<div><h2>A · {_e(format_when(comparison.a.created_at))}</h2>{_player(a, url_a)}</div>",
        f"<div><h2>B · {_e(format_when(comparison.b.created_at))}</h2>{_player(b, url_b)}</div>",
        "</div>",
    ]
    return _page(f"{a.question_id}: A against B · voiceprep", "\n".join(body))


def progress_chart(attempts: list[Attempt], metric: str, width: int = 900, height: int = 150) -> str:
    """One figure across attempts as a line chart, its target band shaded where it has one."""
    label = next(m[1] for m in METRICS if m[0] == metric)
    values = [a.value(metric) for a in attempts]
    known = [v for v in values if v is not None]
    if not known:
        return ""
    band: tuple[float, float] | None = None
    if metric == "duration_s":
        band = (min(a.target_low for a in attempts), max(a.target_high for a in attempts))
    elif metric == "wpm":
        band = (attempts[0].wpm_low, attempts[0].wpm_high)
    # One far-off attempt (a 30-minute file analysed) would flatten every other: a value over
    # three times the median is left off the scale (drawn at the top, marked) and the scale
    # fits the rest.
    median = sorted(known)[len(known) // 2]
    on_scale = [v for v in known if median <= 0 or v <= 3 * median]
    top = max(on_scale + ([band[1]] if band else [])) * 1.1 or 1.0
    left, right, y0, y1 = 50, width - 20, height - 24, 16

    def x(k: int) -> float:
        return left + (right - left) * (k / max(1, len(attempts) - 1))

    def y(v: float) -> float:
        return y0 - (y0 - y1) * min(v, top) / top

    out = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{_e(label)} by attempt">']
    out.append(f'<text x="0" y="12">{_e(label)}</text>')
    if band:
        out.append(
            f'<rect x="{left}" y="{y(band[1]):.1f}" width="{right - left}" height="{y(band[0]) - y(band[1]):.1f}" '
            'fill="#ecfdf3"><title>target</title></rect>'
        )
    points = [(x(k), y(v)) for k, v in enumerate(values) if v is not None]
    out.append(
        '<polyline fill="none" stroke="#1e7fd6" stroke-width="2" points="'
        + " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        + '" />'
    )
    for (px, py), v, a in zip(points, known, [a for a in attempts if a.value(metric) is not None], strict=True):
        title = f"{_e(a.session)}: {_e(format_figure(v, metric))}"
        if v > top:
            arrow = f"M{px - 5:.1f},{py + 4:.1f} L{px:.1f},{py - 5:.1f} L{px + 5:.1f},{py + 4:.1f} Z"
            out.append(
                f'<path class="off-scale" d="{arrow}" fill="#d92d20"><title>{title} (off the scale)</title></path>'
            )
            continue
        out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="#1e7fd6"><title>{title}</title></circle>')
    out.append(f'<text x="{left}" y="{height - 4}">first</text><text x="{right - 24}" y="{height - 4}">latest</text>')
    out.append(
        f'<text x="4" y="{y(top) + 10:.1f}">{_e(format_figure(top, metric))}</text><text x="4" y="{y0:.1f}">0</text>'
    )
    out.append("</svg>")
    return '<div class="chart">' + "".join(out) + "</div>"


def format_progress_html(result: Progress) -> str:
    """Every attempt in order, the trends, and a chart per figure."""
    rows = []
    for a in result.attempts:
        rows.append(
            f"<tr><td>{_e(format_when(a.created_at))}</td><td>{_e(a.question_id)}</td><td>{clock(a.duration_s)}</td>"
            f"<td>{format_figure(a.wpm, 'wpm')}</td><td>{format_figure(a.fillers_per_min, 'fillers_per_min')}</td>"
            f"<td>{a.numbers} ({a.measured} measured)</td><td>{a.rubric_covered}/{a.rubric_points}</td></tr>"
        )
    body = [
        "<h1>Progress</h1>",
        f'<div class="muted">{len(result.attempts)} attempts</div>',
        "<h2>Overall</h2>",
        _trend_rows(result.overall),
        "<h2>Charts</h2>",
        *[progress_chart(result.attempts, m[0]) for m in METRICS],
    ]
    for question, trends in result.by_question.items():
        body += [f"<h2>{_e(question)}</h2>", _trend_rows(trends)]
    body += [
        "<h2>Every attempt</h2><table><tr><th>when</th><th>question</th><th>duration</th><th>wpm</th>"
        "<th>fillers/min</th><th>numbers</th><th>rubric</th></tr>" + "".join(rows) + "</table>",
    ]
    return _page("Progress · voiceprep", "\n".join(body))


def format_scorecard_html(card: Scorecard, audio_url: Callable[[str], str]) -> str:
    """The debrief of a whole interview: the scorecard, then every answer and follow-up, playable.

    ``audio_url`` gives the URL of a session's answer.wav from its id.
    """
    sm = card.summary
    head = "".join(f"<th>{_e(h)}</th>" for h in SCORECARD_HEADERS)
    rows = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in scorecard_rows(card))
    body = [
        f"<h1>Interview · {_e(card.pack)}</h1>",
        f'<div class="muted">{_e(card.interview_id)} · {_e(format_when(card.created_at))} · {_e(card.status)}</div>',
        f"<p>{sm.answered} of {sm.planned} questions answered, {sm.minutes:.1f} min of answers, "
        f"{sm.points_made} of {sm.points} rubric points made.</p>",
        f"<table><tr>{head}</tr>{rows}</table>",
        f"<p><b>Strongest:</b> {_e(', '.join(sm.strongest) or '-')} · "
        f"<b>Weakest:</b> {_e(', '.join(sm.weakest) or '-')}</p>",
    ]
    if sm.habits:
        body.append("<h2>Habits that recurred</h2><ul>" + "".join(f"<li>{_e(h)}</li>" for h in sm.habits) + "</ul>")
    for k, q in enumerate(card.questions, 1):
        body.append(f"<h2>{k}. {_e(q.question_id)}" + (f" · score {q.score}" if q.score is not None else "") + "</h2>")
        body.append(f'<p class="question">{_e(q.question_text)}</p>')
        items = [f'<li class="covered"><span class="tick">✓</span>{_e(p)}</li>' for p in q.made]
        items += [f'<li class="touched"><span class="tick">~</span>{_e(p)}</li>' for p in q.touched]
        items += [f'<li class="missed"><span class="tick">✗</span>{_e(p)}</li>' for p in q.missed]
        body.append('<ul class="rubric">' + "".join(items) + "</ul>")
        if q.report is not None and q.session is not None:
            body.append(_player(q.report, audio_url(q.session)))
        for p in q.probes:
            body.append(f"<h3>Follow-up ({_e(p.reason)}): “{_e(p.text)}”</h3>")
            if p.report is not None and p.session is not None:
                body.append(_player(p.report, audio_url(p.session)))
            else:
                body.append('<p class="muted">Not answered.</p>')
    return _page(f"Interview {card.interview_id} · voiceprep", "\n".join(body))
