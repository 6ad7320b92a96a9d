"""A mock interview: several questions in a row, follow-up probes on thin answers, one debrief.

The planning, the choice of probes and the scorecard are pure functions of the packs, the
store's history and the reports; ``run`` drives the rounds (``rounds.py``) through them.

An interview lives in ``<data folder>/interviews/<id>/``: ``interview.json`` (the plan and which
session answered what), the interviewer's lines as WAV files, and the scorecard as JSON,
Markdown and HTML. Each answer and each probe's answer is an ordinary session in the data
folder, marked with the interview it belongs to, so ``sessions``, ``report`` and ``replay``
work on it as on any other.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from . import rubric
from .errors import Interrupted, SpeechError, StorageError, UnknownSessionError, VoiceprepError
from .questions import Library, Pack, Question
from .rounds import ModelLoader, RoundSetup, play, record_and_analyse
from .schema import Record, Report
from .store import Session, Store, write_text
from .terminal import Console

INTERVIEWS = "interviews"
INTERVIEW_FILE = "interview.json"
MAX_PROBES = 2
DEFAULT_QUESTIONS = 5

NUMBER_PROBE = "What did that change, in numbers? Give me a before and after."
OWNERSHIP_PROBE = "What did you do yourself, as opposed to the team?"
STORY_PROBE = "Can you tell me about one time this actually happened to you?"

Reason = Literal["told in general", "no measured outcome", "missed point", "told as we or a hypothetical"]


class Probe(BaseModel):
    """A follow-up the interviewer asks, and why."""

    text: str
    reason: Reason
    point_id: str | None = None


class AskedProbe(Probe):
    session: str | None = None  # the session holding its answer, once recorded


class AskedQuestion(BaseModel):
    question_id: str
    session: str | None = None  # the main answer's session
    probes: list[AskedProbe] = Field(default_factory=list)
    done: bool = False  # answer and probes recorded and analysed


class InterviewMeta(BaseModel):
    id: str
    pack: str
    created_at: str
    planned: list[str]  # question ids, in the order they are asked
    feedback: Literal["end", "each"] = "end"
    status: Literal["in_progress", "finished", "interrupted"] = "in_progress"
    asked: list[AskedQuestion] = Field(default_factory=list)
    # seconds from the end of each answer to the interviewer speaking again
    response_s: list[float] = Field(default_factory=list)


# ---------------------------------------------------------------- planning


def question_history(store: Store) -> dict[str, tuple[int, float]]:
    """Per question id: how many analysed attempts, and the share of points the latest one made."""
    out: dict[str, tuple[int, float]] = {}
    for s in store.sessions():
        if s.meta.status != "analysed" or s.meta.probe:
            continue
        report = s.load_report()
        if report is None or not report.rubric:
            continue
        count = out.get(s.meta.question_id, (0, 0.0))[0]
        out[s.meta.question_id] = (count + 1, report.rubric_covered / len(report.rubric))
    return out


def due_rank(questions: list[Question], history: dict[str, tuple[int, float]]) -> dict[str, int]:
    """Each question's place in the order an interview picks them (1: asked first)."""
    return {q.id: k for k, q in enumerate(due_order(questions, history), 1)}


def due_order(questions: list[Question], history: dict[str, tuple[int, float]]) -> list[Question]:
    """Least practised first, then the worst scored last time, then the pack's order."""
    order = {q.id: k for k, q in enumerate(questions)}
    return sorted(
        questions, key=lambda q: (history.get(q.id, (0, 0.0))[0], history.get(q.id, (0, 0.0))[1], order[q.id])
    )


def plan(questions: list[Question], history: dict[str, tuple[int, float]], count: int) -> list[Question]:
    """An opener, the questions most due in between (technical and behavioural taking turns), a closing.

    The opener is the pack's first story question (the "prototype to production" kind), the
    closing its "questions for us" when it has one and there is room.
    """
    if count < 1:
        raise VoiceprepError("an interview needs at least one question")
    if not questions:
        raise VoiceprepError("no questions found: check the packs in prompts/")
    openers = [q for q in questions if q.is_story and q.kind == "technical"] or questions
    opener = openers[0]
    closings = [q for q in questions if q.kind == "closing"]
    closing = closings[0] if closings and count >= 3 else None
    middle_count = count - 1 - (closing is not None)
    rest = [q for q in due_order(questions, history) if q is not opener and q is not closing and q.kind != "closing"]
    # technical and behavioural take turns, each kind in the order it is due
    technical = [q for q in rest if q.kind == "technical"]
    behavioural = [q for q in rest if q.kind != "technical"]
    middle: list[Question] = []
    want_behavioural = opener.kind == "technical"
    while len(middle) < middle_count and (technical or behavioural):
        source = behavioural if (want_behavioural and behavioural) or not technical else technical
        middle.append(source.pop(0))
        want_behavioural = not want_behavioural
    return [opener, *middle] + ([closing] if closing else [])


# ---------------------------------------------------------------- probes


def next_probe(question: Question, reports: list[Report], asked: list[Probe]) -> Probe | None:
    """The follow-up a panel would ask next, given the answer and the follow-ups' answers so far.

    ``reports``: the answer's first, then each follow-up's. A figure or a point given in answer
    to one follow-up counts, so the next is not asked for it. In order: a story question
    answered in general, with nothing the candidate did, ask for one time it happened; no figure
    where the question wants one, ask for the number; a point not made, that point's probe (the first such
    point in the rubric's order, which puts the core of the answer first); a story told as "we"
    or as a hypothetical, what the candidate did. At most ``MAX_PROBES``, one of each kind.
    """
    if question.kind == "closing" or not reports or reports[0].word_count == 0 or len(asked) >= MAX_PROBES:
        return None
    reasons = {p.reason for p in asked}
    first = reports[0]
    # a theory where a story was asked for: a panel asks for the story before its details
    told_in_general = question.is_story and rubric.judged(first.rubric, rubric.WHY_GENERAL)
    if told_in_general and "told in general" not in reasons:
        return Probe(text=STORY_PROBE, reason="told in general")
    if question.wants_numbers and "no measured outcome" not in reasons and not any(r.quantified for r in reports):
        return Probe(text=NUMBER_PROBE, reason="no measured outcome")
    made = {r.point_id for report in reports for r in report.rubric if r.state == "made"}
    if "missed point" not in reasons:
        for point in question.points:
            if point.probes and point.key not in made:
                return Probe(text=point.probes[0], reason="missed point", point_id=point.key)
    p = first.pronouns
    hypothetical = rubric.judged(first.rubric, rubric.WHY_HYPOTHETICAL)
    mostly_we = p.we >= 3 and p.i_share is not None and p.i_share < 0.35
    if question.is_story and (hypothetical or mostly_we) and "told as we or a hypothetical" not in reasons:
        return Probe(text=OWNERSHIP_PROBE, reason="told as we or a hypothetical")
    return None


def choose_probes(question: Question, report: Report, limit: int = MAX_PROBES) -> list[Probe]:
    """The follow-ups ``next_probe`` would ask if the answers to them added nothing."""
    probes: list[Probe] = []
    while len(probes) < limit:
        probe = next_probe(question, [report], probes)
        if probe is None:
            break
        probes.append(probe)
    return probes


def interviewer_line(index: int, total: int, question: Question, pack: Pack) -> str:
    """What the interviewer says to ask question ``index`` (0-based) of ``total``."""
    if index == 0:
        return (
            f"Hello, and thanks for making the time. I'll ask you {total} question{'s' if total > 1 else ''}, "
            f"and we'll go through how it went at the end. Let's start. {question.text}"
        )
    if question.kind == "closing":
        return f"Thank you. {question.text}"
    return f"{LEADS[(index - 1) % len(LEADS)]} {question.text}"


LEADS = ("Thanks. Next question.", "Okay, moving on.", "Thank you. Let's change topic.", "Thanks. Another one.")


def spoken_lines(questions: Sequence[Question], pack: Pack) -> list[str]:
    """Every line the interviewer may ask one of ``questions`` with, in an interview of any length.

    ``voiceprep prepare`` renders their sentences ahead (``speech.prepare``), so the opening of an
    interview is joined from kept speech whichever question comes first and however many follow.
    """
    return [
        interviewer_line(index, total, question, pack)
        for total in range(1, len(questions) + 1)
        for index in range(min(total, len(LEADS) + 1))
        for question in questions
    ]


# ---------------------------------------------------------------- the scorecard


class ProbeScore(Record):
    text: str
    reason: str
    session: str | None
    report: Report | None
    point_id: str | None = None  # the rubric point it asked about, for a missed point

    @property
    def asked_point(self) -> str | None:
        """How the answer to the follow-up did on the point it asked about: made, touched or missed."""
        if self.point_id is None or self.report is None:
            return None
        return next((r.state for r in self.report.rubric if r.point_id == self.point_id), None)


class QuestionScore(Record):
    question_id: str
    question_text: str
    kind: str
    session: str | None
    report: Report | None
    probes: list[ProbeScore]
    made: list[str]  # points made in the answer or the answer to a probe
    missed: list[str]  # neither made nor touched
    touched: list[str] = Field(default_factory=list)  # named, not made, in the answer or a probe's
    quantified: bool  # a measured outcome in the answer or a probe's answer
    score: int | None  # 0-100: points made, a measured outcome where one is wanted, fillers


class InterviewSummary(Record):
    answered: int
    planned: int
    minutes: float
    points_made: int
    points: int
    strongest: list[str]
    weakest: list[str]
    habits: list[str]


class Scorecard(Record):
    interview_id: str
    pack: str
    created_at: str
    status: str
    questions: list[QuestionScore]
    summary: InterviewSummary


# Habits worth naming when they recur: the start of a coaching hint and how to say it.
HABITS = [
    ("No measured outcome", "No figure until asked, in {n} answers: lead with the before and after."),
    ("Missed", "Points missed in {n} answers: the rubric lists what a panel listens for."),
    ("Touched, not made", "Points named but not explained in {n} answers: say what you did and why."),
    ("Hedged", "Hedging in {n} answers: say what you did and what happened."),
    ("Told as what you would do", "Hypotheticals in {n} stories: a panel scores what you did."),
    ("Mostly 'we'", "Mostly 'we' in {n} answers: make your own part clear."),
    ("Fast:", "Fast in {n} answers: slow down and let the figures land."),
    ("Slow:", "Slow in {n} answers."),
    ("Long:", "Over time in {n} answers: trim the set-up."),
    ("Short:", "Under time in {n} answers: go deeper."),
]


def question_score(question: Question, report: Report, probe_reports: list[Report]) -> tuple[list[str], bool, int]:
    """Points made across the answer and its probes, a measured outcome anywhere, and a 0-100 score."""
    made = [r.point for r in report.rubric if r.state == "made"]
    for extra in probe_reports:
        made += [r.point for r in extra.rubric if r.state == "made" and r.point not in made]
    made = [p.point for p in question.points if p.point in made]
    quantified = report.quantified or any(r.quantified for r in probe_reports)
    score = 100 * len(made) / len(question.points)
    if question.wants_numbers:
        score = 0.8 * score + (20 if quantified else 0)
    if report.fillers_per_min is not None and report.fillers_per_min > 6:
        score -= 10
    # points "made" in a few seconds are named more than made: an answer under its target time
    # keeps the square root of its share of that time, half its score at least
    short = min(1.0, report.duration_s / question.target_seconds[0])
    score *= max(0.5, short**0.5)
    return made, quantified, max(0, min(100, round(score)))


def scorecard(meta: InterviewMeta, library: Library, store: Store) -> Scorecard:
    """The whole interview from its sessions' reports: per question, and the habits that recurred."""
    rows: list[QuestionScore] = []
    for asked in meta.asked:
        _, question = library.find(asked.question_id, meta.pack)
        report = _report(store, asked.session)
        probes = [
            ProbeScore(
                text=p.text, reason=p.reason, session=p.session, report=_report(store, p.session), point_id=p.point_id
            )
            for p in asked.probes
        ]
        made: list[str] = []
        touched: set[str] = set()
        quantified, score = False, None
        if report is not None:
            followed = [p.report for p in probes if p.report]
            made, quantified, score = question_score(question, report, followed)
            touched = {r.point for a in [report, *followed] for r in a.rubric if r.state == "touched"} - set(made)
        rows.append(
            QuestionScore(
                question_id=question.id,
                question_text=question.text,
                kind=question.kind,
                session=asked.session,
                report=report,
                probes=probes,
                made=made,
                touched=[p.point for p in question.points if p.point in touched],
                missed=[p.point for p in question.points if p.point not in made and p.point not in touched],
                quantified=quantified,
                score=score,
            )
        )
    # the closing question says little about the candidate: it is not ranked
    ranked = sorted(
        (r for r in rows if r.score is not None and r.kind != "closing"), key=lambda r: (-(r.score or 0), r.question_id)
    )
    # two each way from four answers on; one each from two; a lone answer is only the weakest
    k = min(2, len(ranked) // 2)
    strongest = [r.question_id for r in ranked[:k]]
    weakest = [r.question_id for r in ranked[::-1][: max(k, 1)]] if ranked else []
    found = Counter(
        key for r in rows if r.report for key, _ in HABITS if any(h.startswith(key) for h in r.report.hints)
    )
    seconds = sum(r.report.duration_s for r in rows if r.report)
    seconds += sum(p.report.duration_s for r in rows for p in r.probes if p.report)
    summary = InterviewSummary(
        answered=sum(r.report is not None for r in rows),
        planned=len(meta.planned),
        minutes=round(seconds / 60, 1),
        points_made=sum(len(r.made) for r in rows),
        points=sum(len(r.made) + len(r.touched) + len(r.missed) for r in rows),
        strongest=strongest,
        weakest=weakest,
        habits=[line.format(n=found[key]) for key, line in HABITS if found[key] >= 2],
    )
    return Scorecard(
        interview_id=meta.id,
        pack=meta.pack,
        created_at=meta.created_at,
        status=meta.status,
        questions=rows,
        summary=summary,
    )


def _report(store: Store, session_id: str | None) -> Report | None:
    if session_id is None:
        return None
    try:
        return store.get(session_id).load_report()
    except UnknownSessionError:
        return None


# ---------------------------------------------------------------- on disk


class Interview:
    """One interview's folder."""

    def __init__(self, path: Path, meta: InterviewMeta):
        self.path = path
        self.meta = meta

    @property
    def id(self) -> str:
        return self.meta.id

    def save(self) -> None:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            write_text(self.path / INTERVIEW_FILE, self.meta.model_dump_json(indent=2))
        except OSError as exc:
            raise StorageError(f"cannot save the interview in {self.path}: {exc.strerror or exc}") from None

    def line_path(self, name: str) -> Path:
        return self.path / f"{name}.wav"

    def write(self, name: str, text: str) -> Path:
        path = self.path / name
        write_text(path, text)
        return path


def interviews_dir(home: Path) -> Path:
    return home / INTERVIEWS


def create(home: Path, pack: str, questions: list[Question], feedback: Literal["end", "each"]) -> Interview:
    now = datetime.now()
    root = interviews_dir(home)
    stem = f"{now:%Y%m%d-%H%M%S}-interview"
    name = stem
    for n in range(2, 100):
        if not (root / name).exists():
            break
        name = f"{stem}-{n}"
    meta = InterviewMeta(
        id=name,
        pack=pack,
        created_at=now.astimezone().isoformat(timespec="seconds"),
        planned=[q.id for q in questions],
        feedback=feedback,
    )
    interview = Interview(root / name, meta)
    interview.save()
    return interview


def all_interviews(home: Path) -> list[Interview]:
    root = interviews_dir(home)
    out = []
    if root.is_dir():
        for path in sorted(root.iterdir()):
            try:
                meta = InterviewMeta.model_validate(json.loads((path / INTERVIEW_FILE).read_text(encoding="utf-8")))
            except (OSError, ValueError, ValidationError):
                continue
            out.append(Interview(path, meta))
    return out


def find(home: Path, name: str | None) -> Interview:
    """An interview by id or unique prefix; None or ``last``: the latest."""
    interviews = all_interviews(home)
    if not interviews:
        raise UnknownSessionError(f"no interviews yet in {interviews_dir(home)} (start one: voiceprep interview)")
    if name in (None, "last", "latest"):
        return interviews[-1]
    matches = [i for i in interviews if i.id == name] or [i for i in interviews if i.id.startswith(name or "")]
    if len(matches) != 1:
        raise UnknownSessionError(f"no single interview {name!r} in {interviews_dir(home)}")
    return matches[0]


class Prerender:
    """Renders the interviewer's lines on a background thread, ahead of when they are said."""

    def __init__(self, render: Callable[[str, Path], Path]):
        self._render = render
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="interviewer-voice")
        self._jobs: dict[Path, Future[Path]] = {}

    def ahead(self, text: str, path: Path) -> None:
        if path not in self._jobs:
            self._jobs[path] = self._pool.submit(self._render, text, path)

    def get(self, text: str, path: Path) -> Path:
        self.ahead(text, path)
        return self._jobs[path].result()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


# ---------------------------------------------------------------- the run


def run(
    console: Console,
    setup: RoundSetup,
    store: Store,
    library: Library,
    interview: Interview,
    loader: ModelLoader,
    render: Callable[[str, Path], Path],
    on_question: Callable[[QuestionScore], None] | None = None,
    deadline: float | None = None,
) -> None:
    """Ask every planned question not yet answered, with its probes, saving after each step.

    Ctrl-C keeps every answer so far (each is a session, streamed to disk) and marks the
    interview interrupted: ``voiceprep interview --resume`` goes on from the next step. Past
    ``deadline`` (``time.monotonic()``) no new question is asked but the closing one.
    """
    meta = interview.meta
    pack = library.pack(meta.pack)
    questions = [library.find(qid, meta.pack)[1] for qid in meta.planned]
    voice = Prerender(render)
    ended: list[float] = []  # when the last answer ended (perf_counter), for the response time
    stopped: list[Session] = []  # a take ended with Ctrl-C

    def speak(text: str, name: str) -> None:
        if not setup.speak:
            return
        try:
            path = voice.get(text, interview.line_path(name))
        except SpeechError as exc:
            console.note(f"voiceprep: not spoken aloud: {exc}")
            return
        if ended:
            meta.response_s.append(round(time.perf_counter() - ended.pop(), 3))
        play(path, setup, console)

    def answer(question: Question, probe: str | None) -> tuple[Session, Report]:
        session = store.create(question.id, pack.pack, "interview")
        session.update(interview=meta.id, probe=probe)
        report = record_and_analyse(
            console, setup, session, loader, pack, question, on_ready=lambda s: ended.append(time.perf_counter() - s)
        )
        if session.meta.stopped_by == "interrupt":
            # Ctrl-C ended this take, which is kept and analysed; it also ends the interview for now
            stopped.append(session)
        return session, report

    try:
        meta.status = "in_progress"
        interview.save()
        for index, question in enumerate(questions):
            found = next((a for a in meta.asked if a.question_id == question.id), None)
            if found is not None and found.done:
                continue
            over_time = deadline is not None and time.monotonic() > deadline
            if found is None and over_time and question.kind != "closing":
                continue
            if found is None:
                found = AskedQuestion(question_id=question.id)
                meta.asked.append(found)
            asked = found
            name = f"q{index + 1}"
            line = interviewer_line(index, len(questions), question, pack)
            if setup.speak:
                voice.ahead(line, interview.line_path(name))
                # the probes this question may need, rendered while the candidate answers
                for k, text in enumerate(_possible_probes(question)):
                    voice.ahead(text, interview.line_path(f"{name}-probe{k + 1}"))
                if index + 1 < len(questions):
                    following = interviewer_line(index + 1, len(questions), questions[index + 1], pack)
                    voice.ahead(following, interview.line_path(f"q{index + 2}"))
            report: Report | None = None
            if asked.session is None or _report(store, asked.session) is None:
                console.say("")
                console.say(console.style.bold(f"Question {index + 1} of {len(questions)} ({question.id}):"))
                console.say(f"  {question.text}")
                speak(line, name)
                session, report = answer(question, None)
                asked.session = session.id
                interview.save()
                if stopped:
                    raise KeyboardInterrupt
            else:
                report = _report(store, asked.session)
            assert report is not None
            possible = _possible_probes(question)
            # each follow-up's answer read once; one not yet answered (or never analysed) is asked (again)
            answers = [report]
            pending: list[AskedProbe] = []
            for p in asked.probes:
                earlier = _report(store, p.session)
                answers += [earlier] if earlier is not None else []
                pending += [p] if earlier is None else []
            while True:
                probe = pending.pop(0) if pending else None
                if probe is None:
                    chosen = next_probe(question, answers, list(asked.probes))
                    if chosen is None:
                        break
                    probe = AskedProbe(**chosen.model_dump())
                    asked.probes.append(probe)
                    interview.save()
                console.say("")
                console.say(console.style.bold("Follow-up: ") + probe.text)
                k = possible.index(probe.text) + 1 if probe.text in possible else 0
                speak(probe.text, f"{name}-probe{k}" if k else f"{name}-probe-{len(asked.probes)}")
                session, probe_report = answer(question, probe.text)
                probe.session = session.id
                answers.append(probe_report)
                interview.save()
                if stopped:
                    raise KeyboardInterrupt
            asked.done = True
            interview.save()
            # the follow-ups rendered ahead and never asked
            spoken = {f"{name}-probe{possible.index(p.text) + 1}.wav" for p in asked.probes if p.text in possible}
            for unused in interview.path.glob(f"{name}-probe*.wav"):
                if unused.name not in spoken:
                    unused.unlink(missing_ok=True)
            if on_question is not None:
                on_question(scorecard(meta, library, store).questions[-1])
        meta.status = "finished"
        if ended:
            ended.clear()
        interview.save()
    except KeyboardInterrupt:
        meta.status = "interrupted"
        with contextlib.suppress(StorageError):
            interview.save()
        raise Interrupted(
            f"interview stopped; every answer so far is kept in {interview.path.parent.parent} "
            f"(go on with: voiceprep interview --resume)"
        ) from None
    except VoiceprepError:
        meta.status = "interrupted"
        with contextlib.suppress(StorageError):
            interview.save()
        raise
    finally:
        voice.close()


def _possible_probes(question: Question) -> list[str]:
    """Every probe ``choose_probes`` could ask after this question."""
    if question.kind == "closing":
        return []
    out = [NUMBER_PROBE] if question.wants_numbers else []
    out += [p.probes[0] for p in question.points if p.probes]
    if question.is_story:
        out.append(OWNERSHIP_PROBE)
    return out


def save_scorecard(interview: Interview, card: Scorecard, store: Store) -> None:
    """The debrief beside the interview: JSON, Markdown, and one HTML page playing every answer."""
    from .html import format_scorecard_html
    from .report import format_scorecard_markdown

    def url(session_id: str) -> str:
        session = store.get(session_id)
        return Path(os.path.relpath(session.answer_path, interview.path)).as_posix()

    interview.write("scorecard.json", card.model_dump_json(indent=2))
    interview.write("scorecard.md", format_scorecard_markdown(card))
    interview.write("scorecard.html", format_scorecard_html(card, url))
