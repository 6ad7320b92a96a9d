"""The analysis of an answer: pure functions from a transcript to typed results."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timezone

from . import delivery as delivery_mod
from . import fillers as fillers_mod
from . import numbers as numbers_mod
from . import rubric
from .delivery import Frames
from .questions import Question, RubricPoint
from .schema import (
    Delivery,
    ModelInfo,
    Pause,
    Pronouns,
    Range,
    Report,
    Span,
    StarBreakdown,
    TermHeard,
    TextAnalysis,
    Word,
)
from .tokens import I_WORDS, WE_WORDS, Token, from_text, from_words, sentences, written

LONG_PAUSE_S = 2.0
TARGET_WPM = Range(low=120, high=160)
SLOW_START_S = 5.0
FILLERS_PER_MIN_LIMIT = 4.0
# Less speech than this is too little to judge pace or filler rates by.
MIN_JUDGED_SPEECH_S = 5.0

HEDGES = [
    "in general",
    "generally",
    "we would probably",
    "we'd probably",
    "would probably",
    "i think maybe",
    "maybe",
    "probably",
    "i guess",
    "i suppose",
    "more or less",
    "hopefully",
    "i'm not sure",
    "or something",
    "something like that",
    "and stuff",
    "i would say",
    "i'd say",
]
STORY_HEDGES = ["we would", "we'd", "you would", "you'd"]  # hypotheticals in a story of one's own work

STAR_CUES: dict[str, list[str]] = {
    "situation": [
        "at my last",
        "at my previous",
        "i was working",
        "we were working",
        "our team",
        "the team",
        "context",
        "background",
        "situation",
        "there was",
        "we had a",
        "the company",
        "was building",
        "back in",
        "last year",
    ],
    "task": [
        "my job",
        "my role",
        "i was asked",
        "i was responsible",
        "responsible for",
        "the goal",
        "goal was",
        "task",
        "i needed to",
        "we needed to",
        "had to",
        "the challenge",
        "asked me",
    ],
    "action": [
        "i built",
        "i decided",
        "i proposed",
        "i set up",
        "i wrote",
        "i ran",
        "i talked",
        "i met",
        "i suggested",
        "i worked with",
        "i designed",
        "i added",
        "i changed",
        "i pushed",
        "so i",
        "i went",
        "i sat down",
        "i showed",
        "we built",
        "we added",
        "we changed",
        "we implemented",
        "we switched",
        "we rolled",
    ],
    "result": [
        "as a result",
        "in the end",
        "the result",
        "result was",
        "outcome",
        "we reduced",
        "reduced",
        "increased",
        "improved",
        "saved",
        "cut",
        "went from",
        "dropped",
        "shipped",
        "launched",
        "learned",
        "learnt",
        "lesson",
        "since then",
        "percent",
        "%",
    ],
}


def long_pauses(tokens: list[Token], threshold: float = LONG_PAUSE_S) -> list[Pause]:
    """Silences between words of at least ``threshold`` seconds."""
    out = []
    for prev, cur in itertools.pairwise(tokens):
        gap = cur.start - prev.end
        if gap >= threshold:
            out.append(Pause(start=round(prev.end, 3), end=round(cur.start, 3), duration_s=round(gap, 3)))
    return out


def speaking_time(tokens: list[Token], pauses: list[Pause]) -> float:
    """First word to last word, less the long pauses."""
    if not tokens:
        return 0.0
    span = tokens[-1].end - tokens[0].start
    return max(0.0, span - sum(p.duration_s for p in pauses))


def _phrase_spans(tokens: list[Token], phrases: list[str]) -> list[Span]:
    words = [t.norm for t in tokens]
    ordered = sorted((p.split() for p in phrases), key=len, reverse=True)
    out: list[Span] = []
    i = 0
    while i < len(words):
        for parts in ordered:
            if words[i : i + len(parts)] == parts:
                j = i + len(parts)
                out.append(Span(text=" ".join(parts), start=tokens[i].start, end=tokens[j - 1].end))
                i = j
                break
        else:
            i += 1
    return out


def hedges(tokens: list[Token], story: bool) -> list[Span]:
    """Vague or hedged phrases; in a story of one's own work, hypotheticals too."""
    return _phrase_spans(tokens, HEDGES + (STORY_HEDGES if story else []))


def pronouns(tokens: list[Token]) -> Pronouns:
    counts = Counter("i" if t.norm in I_WORDS else "we" if t.norm in WE_WORDS else "" for t in tokens)
    i, we = counts["i"], counts["we"]
    return Pronouns(i=i, we=we, i_share=round(i / (i + we), 3) if i + we else None)


def star(tokens: list[Token]) -> StarBreakdown:
    """Time on situation, task, action and result, sentence by sentence, from cue phrases."""
    spent = dict.fromkeys(STAR_CUES, 0.0)
    result_start: float | None = None
    label = "situation"
    parts = sentences(tokens)
    for k, sentence in enumerate(parts):
        words = [t.norm for t in sentence]
        scores = {name: sum(rubric.find_cue(c, words) is not None for c in cues) for name, cues in STAR_CUES.items()}
        best = max(scores, key=lambda name: scores[name])
        if scores[best] > 0:
            label = best
        end = parts[k + 1][0].start if k + 1 < len(parts) else sentence[-1].end
        spent[label] += end - sentence[0].start
        if label == "result" and result_start is None:
            result_start = sentence[0].start
    flags: list[str] = []
    total = sum(spent.values())
    if tokens:
        last = tokens[-1].end
        if result_start is None:
            flags.append("no result: say what changed, in numbers if you can")
        elif total >= 30 and last - result_start <= 10:
            flags.append("the result comes only in the last seconds: reach it sooner")
        if total and spent["situation"] / total > 0.5:
            flags.append("over half the answer is set-up: shorten the situation")
    return StarBreakdown(
        situation_s=round(spent["situation"], 2),
        task_s=round(spent["task"], 2),
        action_s=round(spent["action"], 2),
        result_s=round(spent["result"], 2),
        result_start_s=None if result_start is None else round(result_start, 2),
        flags=flags,
    )


def clock(seconds: float) -> str:
    """'1:05' for 65 seconds."""
    seconds = max(0, round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def rushed_from(voice: Delivery) -> float | None:
    """Where the run of rushed pace windows that ends the answer starts, if the answer sped up.

    None when the last window is not rushed, or when every window is: an answer fast from
    its start (a short one has a single window) did not rush its end.
    """
    windows = voice.pace_windows
    calm = len(windows)
    while calm and windows[calm - 1].wpm > delivery_mod.RUSHED_WPM:
        calm -= 1
    return windows[calm].start if 0 < calm < len(windows) else None


def coaching_hints(report: Report, question: Question) -> list[str]:
    """The few things to change next time, most important first."""
    hints: list[str] = []
    target = report.target_duration_s
    if report.word_count == 0:
        if report.source == "practice":
            return ["No speech was heard: check the microphone with `voiceprep devices`."]
        return ["No speech was heard in this recording: check that it is the right file and that it holds speech."]
    if report.too_short:
        return [
            f"Too short to judge: {report.speaking_s:.1f} s of speech ({report.word_count} words). Pace and "
            f"filler rates need at least {MIN_JUDGED_SPEECH_S:.0f} s; this attempt is kept but left out of progress."
        ]
    if report.duration_s < target.low:
        # what to add depends on what is already there: a short answer can touch every point thinly
        if all(r.state != "missed" for r in report.rubric):
            more = "Every point is touched: go deeper on each (the figures, the trade-offs, what you would change)."
        else:
            more = "Cover more of the points a strong answer makes."
        hints.append(
            f"Short: {clock(report.duration_s)} against a target of {clock(target.low)}-{clock(target.high)}. {more}"
        )
    elif report.duration_s > target.high:
        hints.append(
            f"Long: {clock(report.duration_s)} against a target of up to {clock(target.high)}. Trim the set-up."
        )
    if question.wants_numbers and not report.quantified:
        hints.append(
            "No measured outcome: give a figure with a before and after "
            "(latency, cost, accuracy, time saved), e.g. 'from 480 ms to 95 ms'."
        )
    missed = [r.point for r in report.rubric if r.state == "missed"]
    if missed:
        hints.append(f"Missed {len(missed)} of {len(report.rubric)} points; start with: {missed[0]}.")
    touched = [r for r in report.rubric if r.state == "touched"]
    if touched:
        r = touched[0]
        more = f" and {len(touched) - 1} more" if len(touched) > 1 else ""
        hints.append(f"Touched, not made: {r.point}{more} ({r.why}).")
    if report.wpm is not None and report.wpm > report.target_wpm.high and report.speaking_s >= 15:
        hints.append(f"Fast: {report.wpm:.0f} words a minute. Slow down and let key figures land.")
    elif report.wpm is not None and report.wpm < report.target_wpm.low and report.speaking_s >= 15:
        hints.append(
            f"Slow: {report.wpm:.0f} words a minute. Aim for {report.target_wpm.low:.0f}-{report.target_wpm.high:.0f}."
        )
    if report.fillers_per_min is not None and report.fillers_per_min > FILLERS_PER_MIN_LIMIT:
        common = written(Counter(f.text for f in report.fillers).most_common(1)[0][0])
        hints.append(
            f"{report.fillers_per_min:.1f} fillers a minute, most often '{common}': "
            "a silent pause sounds more confident."
        )
    if report.pauses:
        longest = max(report.pauses, key=lambda p: p.duration_s)
        hints.append(
            f"{len(report.pauses)} long pause{'s' if len(report.pauses) > 1 else ''}; "
            f"the longest {longest.duration_s:.1f} s at {clock(longest.start)}."
        )
    if report.first_word_s is not None and report.first_word_s > SLOW_START_S:
        hints.append(f"You took {report.first_word_s:.0f} s to start: open with a one-line summary while you think.")
    if len(report.hedges) >= 2:
        sample = ", ".join(f"'{h.text}'" for h in report.hedges[:3])
        hints.append(f"Hedged {len(report.hedges)} times ({sample}): say what you did and what happened.")
    elif question.is_story and rubric.judged(report.rubric, rubric.WHY_GENERAL):
        hints.append("Told in general, with no time it happened to you: a panel wants one real case, told as yours.")
    elif question.is_story and rubric.judged(report.rubric, rubric.WHY_HYPOTHETICAL):
        hints.append("Told as what you would do ('in general we'd...'): a panel scores what you did.")
    p = report.pronouns
    if question.is_story and p.we >= 3 and p.i_share is not None and p.i_share < 0.35:
        hints.append(f"Mostly 'we' ({p.we} we, {p.i} I): make your own part clear.")
    if report.star is not None:
        hints += [f"STAR: {flag}." for flag in report.star.flags]
    if report.delivery is not None:
        hints += delivery_hints(report.delivery)
    return hints


def delivery_hints(voice: Delivery) -> list[str]:
    """What to change in how it sounded, the most telling first, two at most."""
    hints: list[str] = []
    with_figure = [u for u in voice.uptalk if u.text.endswith("(with the figure)")]
    if with_figure:
        said = with_figure[0].text.removesuffix("  (with the figure)")
        hints.append(f"Your voice rose at the end of a result ('{said[-50:]}'): state figures as facts.")
    if voice.monotone and voice.pitch_spread_st is not None:
        hints.append(
            f"Flat delivery: your pitch varied {voice.pitch_spread_st:.1f} semitones (under "
            f"{voice.monotone_below_st:g} sounds monotone). Lift the words that carry the point and the figures."
        )
    if voice.pauses_before_numbers or len(voice.pauses_mid_clause) >= 3:
        before = len(voice.pauses_before_numbers)
        hints.append(
            f"{len(voice.pauses_mid_clause)} pauses mid-sentence"
            + (f", {before} just before a figure" if before else "")
            + ": they sound like searching. Pause at the end of a point instead."
        )
    if voice.trailing_off:
        hints.append(
            f"{len(voice.trailing_off)} sentence(s) faded at the end ('{voice.trailing_off[0].text}'): "
            "keep your voice up to the last word."
        )
    rushed = rushed_from(voice)
    if rushed is not None:
        hints.append(f"Rushed at the end (from {clock(rushed)}): slow down for the result.")
    return hints[:2]


def analyze(
    words: list[Word],
    question: Question,
    pack: str,
    *,
    duration_s: float,
    source: str,
    model: ModelInfo | None = None,
    created_at: str | None = None,
    frames: Frames | None = None,
    others: tuple[RubricPoint, ...] = (),
    terms_heard: Sequence[TermHeard] = (),
) -> Report:
    """Everything voiceprep says about one answer to one question.

    ``frames``: the voice's pitch and loudness (``delivery.pitch_frames``), for how it sounded.
    ``others``: the points of the pack's other questions (``Pack.points_besides``), which the
    rubric does not credit to this one. ``terms_heard``: the transcript's terms written by their
    sound (``Transcript.terms_by_sound``), shown so the candidate can tell them from what Whisper heard.
    """
    tokens = from_words(words)
    pauses = long_pauses(tokens)
    speaking = speaking_time(tokens, pauses)
    found_fillers = fillers_mod.find_fillers(tokens)
    found_numbers = numbers_mod.find_numbers(tokens)
    count = len(tokens)
    too_short = count > 0 and speaking < MIN_JUDGED_SPEECH_S
    # rates over a second or two of speech say nothing (one "uh" in 1.8 s is 33 a minute)
    minutes = speaking / 60 if speaking > 0 and not too_short else None
    coverage = rubric.coverage(question, tokens, others=others)
    report = Report(
        question_id=question.id,
        pack=pack,
        question_text=question.text,
        question_kind=question.kind,
        created_at=created_at or datetime.now(timezone.utc).isoformat(timespec="seconds"),
        source=source,
        duration_s=round(duration_s, 3),
        speaking_s=round(speaking, 3),
        first_word_s=round(tokens[0].start, 3) if tokens else None,
        word_count=count,
        wpm=round(count / minutes, 1) if minutes else None,
        transcript=" ".join(w.text.strip() for w in words),
        words=words,
        fillers=found_fillers,
        filler_count=len(found_fillers),
        fillers_per_min=round(len(found_fillers) / minutes, 2) if minutes else None,
        fillers_per_100_words=round(100 * len(found_fillers) / count, 2) if count and not too_short else None,
        too_short=too_short,
        numbers=found_numbers,
        quantified=any(n.quantified for n in found_numbers),
        pauses=pauses,
        long_pause_s=LONG_PAUSE_S,
        hedges=hedges(tokens, question.is_story),
        pronouns=pronouns(tokens),
        star=star(tokens) if question.kind == "behavioural" else None,
        rubric=coverage,
        rubric_covered=sum(r.covered for r in coverage),
        rubric_method=rubric.METHOD,
        target_duration_s=Range(low=question.target_seconds[0], high=question.target_seconds[1]),
        target_wpm=TARGET_WPM,
        wants_numbers=question.wants_numbers,
        hints=[],
        mistakes=list(question.mistakes),
        strong_answer=question.strong_answer,
        model=model,
        terms_by_sound=list(terms_heard),
        delivery=(
            delivery_mod.measure(frames, words, duration_s, [n.start for n in found_numbers])
            if frames is not None and words and not too_short
            else None
        ),
    )
    return report.model_copy(update={"hints": coaching_hints(report, question)})


def analyze_text(
    text: str, question: Question | None, source: str, others: tuple[RubricPoint, ...] = ()
) -> TextAnalysis:
    """The same filler, number and hedging analysis on typed text, positioned by character."""
    tokens = from_text(text)
    found_fillers = fillers_mod.find_fillers(tokens)
    found_numbers = numbers_mod.find_numbers(tokens)
    return TextAnalysis(
        source=source,
        word_count=len(tokens),
        fillers=found_fillers,
        filler_count=len(found_fillers),
        fillers_per_100_words=round(100 * len(found_fillers) / len(tokens), 2) if tokens else None,
        numbers=found_numbers,
        quantified=any(n.quantified for n in found_numbers),
        hedges=hedges(tokens, question.is_story if question else False),
        pronouns=pronouns(tokens),
        rubric=rubric.coverage(question, tokens, others=others) if question else None,
        question_id=question.id if question else None,
    )
