"""The ``voiceprep`` command: a thin layer that wires the stages together.

Domain errors (``errors.py``) become one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from . import __version__, analysis, rubric
from .audio import (
    SAMPLE_RATE,
    DevicePlayer,
    StopRules,
    WavStreamWriter,
    check_input,
    list_devices,
    load_samples,
    parse_device,
    read_wav,
)
from .delivery import frames_of
from .errors import (
    Interrupted,
    NoSpeechError,
    SpeechError,
    StorageError,
    UnknownQuestionError,
    UnknownSessionError,
    UsageError,
    VoiceprepError,
)
from .html import format_compare_html, format_html, format_progress_html
from .progress import attempt, compare, progress
from .questions import Library, Pack, Question
from .report import (
    calibration_line,
    format_audio_totals,
    format_clip_header,
    format_clip_row,
    format_compare,
    format_json,
    format_markdown,
    format_progress,
    format_question_card,
    format_rubric_evaluation,
    format_scorecard,
    format_table,
    format_text,
    format_text_analysis,
    format_text_evaluation,
    to_json,
    word_mark,
)
from .rounds import ModelLoader, RoundSetup, analyse_session, interrupted, record_and_analyse, say
from .schema import Report
from .speech import VOICES
from .store import RECOVERABLE, Session, Store, resolve_home, write_text
from .stream import transcribe_streaming
from .terminal import Console, ProgressBar
from .transcribe import GAP_PROBE_P, PLAIN_BELOW, Settings, give_back_memory, resolve_model

# ---------------------------------------------------------------- helpers


def _library(args: argparse.Namespace, home: Path, console: Console) -> tuple[Library, str | None]:
    """The packs, and the pack name ``--pack`` restricts to (a name or a pack file).

    A broken pack in the packs folder is skipped with a warning that names it."""
    value: str | None = getattr(args, "pack", None)
    name = value
    if value and (value.endswith((".yaml", ".yml")) or Path(value).exists()):
        library = Library.load(home, [Path(value)])
        from .questions import load_pack

        name = load_pack(Path(value)).pack
    else:
        library = Library.load(home)
    for reason in library.skipped:
        console.note(f"voiceprep: skipped a broken pack: {reason}")
    return library, name


def _choose_question(library: Library, pack: str | None, qid: str | None, store: Store) -> tuple[Pack, Question]:
    if qid:
        return library.find(qid, pack)
    pairs = library.questions(pack)
    if not pairs:
        raise UnknownQuestionError("no questions found: check the packs in prompts/")
    practised = store.practised()
    for p, q in pairs:
        if q.id not in practised:
            return p, q
    # Everything has been practised: go back to the one practised longest ago.
    last_seen: dict[str, str] = {}
    for s in store.sessions():
        last_seen[s.meta.question_id] = s.meta.created_at
    return min(pairs, key=lambda pq: last_seen.get(pq[1].id, ""))


LONG_FILE_S = 600


def _show_report(console: Console, args: argparse.Namespace, report: Report, session: Session | None) -> None:
    if getattr(args, "json", False):
        print(format_json(report), flush=True)
    elif report.word_count:  # a report of no words is every point missed: the one line below says it
        console.say()
        console.say(format_text(report, console.style, saved_to=str(session.path) if session else None))
    where = f"; the recording is kept in {session.path}" if session else ""
    if report.word_count == 0:
        raise NoSpeechError(f"no speech was heard in {analysis.clock(report.duration_s)} of audio{where}")
    if report.too_short:
        raise NoSpeechError(
            f"too short to judge: {report.speaking_s:.1f} s of speech in {analysis.clock(report.duration_s)}, "
            f"left out of progress{where}"
        )


# ---------------------------------------------------------------- commands


def cmd_practice(args: argparse.Namespace, console: Console) -> int:
    home = resolve_home(args.home)
    store = Store(home)
    library, pack_name = _library(args, home, console)
    pack, question = _choose_question(library, pack_name, args.question, store)
    session, report = _practice_round(args, console, store, pack, question)
    _show_report(console, args, report, session)
    return 0


def _practice_round(
    args: argparse.Namespace, console: Console, store: Store, pack: Pack, question: Question
) -> tuple[Session, Report]:
    """Ask one question aloud, record and analyse the answer: ``practice`` and ``retry``."""
    setup = _round_setup(args)
    render = _voice(args, console)
    loader = ModelLoader(args.model)  # loads while the question is spoken

    console.say(console.style.bold(f"Question ({pack.pack}/{question.id}, {question.kind}):"))
    console.say(f"  {question.text}")
    low, high = question.target_seconds
    console.say(console.style.dim(f"  Aim for {analysis.clock(low)}-{analysis.clock(high)}."))
    session = store.create(question.id, pack.pack, "practice")
    say(question.text, session.question_audio_path, setup, console, render)
    report = record_and_analyse(
        console,
        setup,
        session,
        loader,
        pack,
        question,
        on_ready=lambda s: console.note(f"Feedback ready {s:.1f} s after the answer ended."),
    )
    return session, report


def _voice(args: argparse.Namespace, console: Console) -> Callable[[str, Path], Path] | None:
    """The interviewer's voice (``--voice``): Piper where installed, else eSpeak NG; what it says is kept."""
    if args.no_speak:
        return None
    from .speech import kept, voice

    try:
        speaker = voice(args.voice)
    except SpeechError as exc:
        console.note(f"voiceprep: {exc}; eSpeak NG speaks instead")
        speaker = voice("espeak")
    return kept(speaker.render, speaker.key)


def cmd_prepare(args: argparse.Namespace, console: Console) -> int:
    """Render what the interviewer says into the speech cache, sentence by sentence: each question, each
    interview's opening for any number of questions, and the lines that lead into the next question."""
    from . import interview as iv
    from .speech import prepare, sentences_in, voice

    home = resolve_home(args.home)
    library, pack_name = _library(args, home, console)
    lines: list[str] = []
    for pack in [library.pack(pack_name)] if pack_name else library.packs:
        questions = [q for _, q in library.questions(pack.pack)]
        lines += [q.text for q in questions] + iv.spoken_lines(questions, pack)
    speaker = voice(args.voice)
    started = time.perf_counter()
    progress = (
        None if args.quiet else (lambda text, new: console.note(f"  {'rendered' if new else 'kept    '}  {text[:70]}"))
    )
    rendered = prepare(lines, speaker, progress)
    count = len(sentences_in(lines))
    console.say(
        f"{count} sentences ready in the {speaker.key} voice: {rendered} rendered now "
        f"in {time.perf_counter() - started:.1f} s, {count - rendered} kept from before."
    )
    return 0


def cmd_interview(args: argparse.Namespace, console: Console) -> int:
    from . import interview as iv

    home = resolve_home(args.home)
    store = Store(home)
    library, pack_name = _library(args, home, console)
    if args.questions is not None and args.questions < 1:
        raise UsageError(f"--questions takes a number of questions, 1 or more (not {args.questions})")
    if args.resume:
        current = iv.find(home, None if args.resume is True else args.resume)
        if current.meta.status == "finished":
            raise VoiceprepError(f"interview {current.id} is finished; start a new one with: voiceprep interview")
        console.note(f"Resuming interview {current.id}.")
    else:
        pack = library.pack(pack_name) if pack_name else library.packs[0]
        questions = [q for p, q in library.questions(pack.pack)]
        planned = iv.plan(questions, iv.question_history(store), args.questions or iv.DEFAULT_QUESTIONS)
        current = iv.create(home, pack.pack, planned, args.feedback)
        console.note(f"Interview {current.id}: {len(planned)} questions, saved in {current.path}")
    setup = _round_setup(args)
    render = _voice(args, console) or (lambda text, path: path)
    loader = ModelLoader(args.model)
    show_each = None
    if current.meta.feedback == "each" and not args.json:
        show_each = lambda card: console.say("\n" + format_question_card(card, console.style))  # noqa: E731
    deadline = time.monotonic() + 60 * args.minutes if args.minutes else None
    try:
        iv.run(console, setup, store, library, current, loader, render, show_each, deadline)
    finally:
        card = iv.scorecard(current.meta, library, store)
        with contextlib.suppress(StorageError):
            iv.save_scorecard(current, card, store)
    if args.json:
        print(card.model_dump_json(indent=2), flush=True)
    else:
        console.say("")
        console.say(format_scorecard(card, console.style))
        console.say(console.style.dim(f"\nThe debrief is saved in {current.path} (scorecard.html plays every answer)."))
    return 0


def cmd_calibrate(args: argparse.Namespace, console: Console) -> int:
    """Measure how well um and uh are heard on the user's own voice, and keep the result."""
    from . import calibrate as cal
    from .rounds import record_take

    home = resolve_home(args.home)
    setup = _round_setup(args)
    render = _voice(args, console)
    loader = ModelLoader(args.model)
    folder = home / "calibration" / datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create {folder}: {exc.strerror or exc}") from None
    console.say(console.style.bold("Calibration: how well voiceprep hears your um and uh"))
    console.say(
        f"  {len(cal.SCRIPTS)} short scripts, each heard first. Read each one aloud as you speak, "
        "saying every um and uh where it is written."
    )
    takes = []
    model = ""
    for k, script in enumerate(cal.SCRIPTS, 1):
        console.say("")
        shown = " ".join(console.style.warn(w) if cal.planted(w) else w for w in script.split())
        console.say(console.style.bold(f"Script {k} of {len(cal.SCRIPTS)}:") + f"  {shown}")
        say(script, folder / f"script-{k}.wav", setup, console, render)
        try:
            done = record_take(console, setup, folder / f"take-{k}.wav", loader)
        except KeyboardInterrupt:
            raise Interrupted("calibration stopped; nothing was saved (run voiceprep calibrate again)") from None
        if done.take.stopped_by == "interrupt":
            raise Interrupted("calibration stopped; nothing was saved (run voiceprep calibrate again)")
        words = done.transcript.words
        model = done.transcript.model.name if done.transcript.model else model
        takes.append(
            cal.CalibrationTake(
                script=script,
                planted=cal.planted(script),
                heard=cal.heard(words),
                transcript=" ".join(w.text.strip() for w in words),
                audio=os.path.relpath(folder / f"take-{k}.wav", home),
            )
        )
        console.note(f"  heard: {takes[-1].transcript or '(nothing)'}")
    result = cal.Calibration(created_at=cal.now(), model=model, takes=takes)
    if not any(t.transcript for t in takes):
        raise NoSpeechError(f"no speech was heard in any take; nothing was saved (the takes are in {folder})")
    path = cal.save(home, result)
    summary = result.summary()
    if args.json:
        print(to_json({**result.model_dump(), "summary": summary.model_dump()}))
    else:
        console.say("")
        console.say(console.style.bold("On your voice: ") + calibration_line(summary))
        console.say(console.style.dim(f"  Kept in {path}; every report from now on shows it beside the filler count."))
    return 0


def cmd_retry(args: argparse.Namespace, console: Console) -> int:
    """Ask the weakest question of the last interview again, and compare with the earlier answer."""
    from . import interview as iv

    home = resolve_home(args.home)
    store = Store(home)
    library, _ = _library(args, home, console)
    current = iv.find(home, args.interview)
    card = iv.scorecard(current.meta, library, store)
    answered = {q.question_id: q for q in card.questions if q.session and q.report}
    weakest = [qid for qid in card.summary.weakest if qid in answered]
    if not weakest:
        raise VoiceprepError(f"interview {current.id} has no answered question to retry")
    earlier = answered[weakest[0]]
    pack, question = library.find(earlier.question_id, current.meta.pack)
    console.note(f"Retrying the weakest answer of interview {current.id}: {question.id} (score {earlier.score}).")
    session, report = _practice_round(args, console, store, pack, question)
    assert earlier.session is not None and earlier.report is not None
    comparison = compare(earlier.session, earlier.report, session.id, report)
    if args.json:
        print(to_json({"report": report.model_dump(), "comparison": comparison.model_dump()}), flush=True)
    else:
        console.say(format_text(report, console.style, saved_to=str(session.path)))
        console.say("")
        console.say(format_compare(comparison, earlier.report, report, console.style))
    return 0


def _round_setup(args: argparse.Namespace) -> RoundSetup:
    """The devices and stop rules of ``practice`` and ``interview``; no microphone is refused now."""
    input_device = parse_device(args.input_device)
    check_input(input_device)
    return RoundSetup(
        input_device=input_device,
        output_device=parse_device(args.output_device),
        rules=StopRules(
            max_seconds=args.max_seconds, silence_seconds=args.silence_seconds, start_timeout=args.start_timeout
        ),
        speak=not args.no_speak,
        live=getattr(args, "live", False),
    )


def cmd_analyze(args: argparse.Namespace, console: Console) -> int:
    home = resolve_home(args.home)
    store = Store(home)
    library, pack_name = _library(args, home, console)
    if args.text:
        return _analyze_text(args, console, library, pack_name)
    if not args.question:
        raise UsageError("analyze needs --question ID for audio (or --text for a typed transcript)")
    pack, question = library.find(args.question, pack_name)
    path = Path(args.audio)
    resolve_model(args.model)  # an unknown model is refused before any audio is read
    audio = load_samples(path)
    # A long file is nobody's live wait: its two passes run one after the other on one model,
    # which keeps a 30-minute file's peak memory about 100 MB lower.
    long_file = len(audio) > LONG_FILE_S * SAMPLE_RATE
    loader = ModelLoader(args.model, Settings(parallel_passes=False) if long_file else None)
    session = None
    if not args.no_save:
        session = store.create(question.id, pack.pack, str(path.resolve()))
        try:
            with WavStreamWriter(session.answer_path) as writer:
                writer.write(audio)
            session.update(status="recorded")
        except StorageError as exc:
            # the original file is the take: a partial copy of it is worth nothing
            shutil.rmtree(session.path, ignore_errors=True)
            raise StorageError(
                f"{exc}; nothing was saved and {path} is untouched (free some space, or use --no-save)"
            ) from None
    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() and not args.json else None
    try:
        transcript = transcribe_streaming(loader.get().use_terms(pack.vocabulary(question)), audio, on_progress=bar)
    except KeyboardInterrupt:
        if session is None:
            raise
        raise interrupted(session) from None
    finally:
        if bar is not None:
            bar.done()
    # Whisper is done with: its memory goes back before the sentence model loads for the
    # rubric, and what loading that model takes for a moment goes back before the pitch frames
    # and the analysis (a 30-minute file peaked at 660 MB with everything held).
    loader.release()
    give_back_memory()
    rubric.prepare([*question.points, *pack.points_besides(question)])
    give_back_memory()
    duration = len(audio) / SAMPLE_RATE
    frames = frames_of(audio)
    if session is not None:
        report = analyse_session(session, transcript, pack, question, duration, str(path), frames)
    else:
        report = analysis.analyze(
            transcript.words,
            question,
            pack.pack,
            duration_s=duration,
            source=str(path),
            model=transcript.model,
            terms_heard=transcript.terms_by_sound,
            frames=frames,
            others=pack.points_besides(question),
        )
    _show_report(console, args, report, session)
    return 0


def cmd_recover(args: argparse.Namespace, console: Console) -> int:
    """Analyse in place the takes that were kept but never analysed (Ctrl-C, a crash, a full disk)."""
    home = resolve_home(args.home)
    store = Store(home)
    if args.session:
        sessions = [store.get(name) for name in args.session]
        for s in sessions:
            if s.status not in RECOVERABLE:
                raise VoiceprepError(f"session {s.id} is {s.status}: nothing to recover")
    else:
        sessions = store.recoverable()
    if not sessions:
        console.say(f"Nothing to recover in {home}: every kept take has been analysed.")
        return 0
    library, _ = _library(args, home, console)
    loader = ModelLoader(args.model)
    for session in sessions:
        pack, question = library.find(session.meta.question_id, session.meta.pack)
        samples, rate = read_wav(session.answer_path)
        if rate != SAMPLE_RATE:
            raise VoiceprepError(f"{session.answer_path}: expected {SAMPLE_RATE} Hz, found {rate} Hz")
        with contextlib.suppress(StorageError):
            session.update(pid=os.getpid(), host=socket.gethostname())
        console.note(f"Recovering {session.id} ({analysis.clock(len(samples) / rate)})...")
        try:
            transcript = transcribe_streaming(loader.get(), samples)
        except KeyboardInterrupt:
            raise interrupted(session) from None
        report = analyse_session(
            session, transcript, pack, question, len(samples) / rate, session.meta.source, frames_of(samples)
        )
        if len(sessions) == 1:
            _show_report(console, args, report, session)
        elif args.json:
            print(format_json(report), flush=True)
        else:
            console.say(f"  {session.id}: {session.meta.status}, {report.word_count} words")
    return 0


def _analyze_text(args: argparse.Namespace, console: Console, library: Library, pack_name: str | None) -> int:
    path = Path(args.audio)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise VoiceprepError(f"{path}: cannot read the text: {exc}") from None
    found = library.find(args.question, pack_name) if args.question else None
    question = found[1] if found else None
    others = found[0].points_besides(found[1]) if found else ()
    result = analysis.analyze_text(text, question, source=str(path), others=others)
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        console.say(format_text_analysis(result, text, console.style))
    return 0


def cmd_eval(args: argparse.Namespace, console: Console) -> int:
    from .evaluate import evaluate_audio, evaluate_texts, load_manifest

    path = Path(args.manifest)
    if path.suffix in (".yaml", ".yml"):
        return _eval_rubric(args, path, console)
    if args.method or args.spoken or args.voice or args.accent:
        raise UsageError(
            "--method, --spoken, --voice and --accent are for a rubric set (a .yaml file of labelled answers)"
        )
    if path.is_dir() or path.suffix == ".json":
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        files = [f for f in files if f.name != "manifest.json"]
        if not files:
            raise VoiceprepError(f"{path}: no transcript .json files")
        texts = evaluate_texts(files)
        print(texts.model_dump_json(indent=2)) if args.json else console.say(format_text_evaluation(texts))
        return 0
    if not path.is_file():
        raise VoiceprepError(f"{path}: no such manifest")
    entries = load_manifest(path)  # a broken manifest is one line, with no table started above it
    if args.limit is not None and args.limit < 1:
        raise UsageError(f"--limit takes a number of clips, 1 or more (not {args.limit})")
    progress = None if args.json else (lambda clip: console.say(format_clip_row(clip)))
    if progress is not None:
        console.say(format_clip_header())
    settings = (
        Settings.whisper_defaults() if args.defaults else Settings.single_pass() if args.single_pass else Settings()
    )
    if args.beam_size:
        settings.beam_size = args.beam_size
    if args.filler_beam_size:
        settings.filler_beam_size = args.filler_beam_size
    if args.plain_below is not None:
        settings.plain_below = args.plain_below
    if args.gap_probe is not None:
        settings.gap_probe = args.gap_probe
    if args.prompt is not None:
        settings.initial_prompt = args.prompt
    if args.no_prompt:  # no prompted decoding at all, not the filler pass with the built-in prompt
        settings.initial_prompt = None
        settings.filler_pass = False
    if args.sampling_fallback or args.unseeded:
        settings.sampling_fallback = True
    if args.unseeded:
        settings.seed = None
    if args.hotwords:
        settings.hotwords = args.hotwords
    if args.terms:
        settings.terms = tuple(t.strip() for t in args.terms.split(",") if t.strip())
    settings.terms_by_sound = not args.no_terms_by_sound
    result = evaluate_audio(
        path, args.model, limit=args.limit, on_clip=progress, settings=settings, live=args.live, entries=entries
    )
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        console.say(format_audio_totals(result))
    return 0


def _eval_rubric(args: argparse.Namespace, path: Path, console: Console) -> int:
    from .evaluate import evaluate_rubric
    from .speech import voice

    if not path.is_file():
        raise VoiceprepError(f"{path}: no such rubric set")
    library, pack_name = _library(args, resolve_home(args.home), console)
    pairs = library.questions(pack_name)
    questions = {q.id: q for _, q in pairs}
    vocabularies = {q.id: pack.vocabulary(q) for pack, q in pairs}
    others = {q.id: pack.points_besides(q) for pack, q in pairs}
    if (args.voice or args.accent) and not args.spoken:
        raise UsageError(f"{'--voice' if args.voice else '--accent'} reads the answers aloud: give it with --spoken")
    progress = None
    if args.spoken and not args.json:
        progress = lambda answer_id: console.say(f"  spoken and transcribed: {answer_id}")  # noqa: E731
    result = evaluate_rubric(
        path,
        questions,
        method=args.method or rubric.METHOD,
        spoken=args.spoken,
        model=args.model,
        on_answer=progress,
        vocabularies=vocabularies,
        others=others,
        settings=Settings(terms_by_sound=not args.no_terms_by_sound),
        # seeded: the same figures from run to run; None: eSpeak NG, as evaluate_rubric reads by default
        speaker=voice(args.voice, seed=0, accent=args.accent) if args.voice or args.accent else None,
    )
    print(result.model_dump_json(indent=2)) if args.json else console.say(format_rubric_evaluation(result))
    return 0


def cmd_questions(args: argparse.Namespace, console: Console) -> int:
    home = resolve_home(args.home)
    library, pack_name = _library(args, home, console)
    pairs = library.questions(pack_name)
    if args.json:
        items = [
            {
                "id": q.id,
                "pack": p.pack,
                "kind": q.kind,
                "text": q.text,
                "target_seconds": list(q.target_seconds),
                "wants_numbers": q.wants_numbers,
                "points": [pt.point for pt in q.points],
            }
            for p, q in pairs
        ]
        print(to_json(items))
        return 0
    from .interview import due_rank, question_history

    store = Store(home)
    practised = store.practised()
    history = question_history(store)
    current = None
    for p, q in pairs:
        if p.pack != current:
            current = p.pack
            console.say(console.style.bold(f"{p.pack}: {p.title}") + console.style.dim(f"  ({p.path})"))
            console.say(
                console.style.dim("    due: the order an interview asks them in (least practised, then weakest)")
            )
            ranks = due_rank([pq[1] for pq in pairs if pq[0].pack == p.pack], history)
        tick = "✓" if q.id in practised else " "
        console.say(f"  {tick} {q.id:<28} {q.kind:<12} due {ranks[q.id]:>2}  {q.text}")
    return 0


def _session_row(s: Session) -> dict[str, Any]:
    report = s.load_report()
    row: dict[str, Any] = {
        "session": s.id,
        "question_id": s.meta.question_id,
        "pack": s.meta.pack,
        "created_at": s.meta.created_at,
        "status": s.status,
        "path": str(s.path),
        "interview": s.meta.interview,
        "probe": s.meta.probe,
    }
    if report is None:
        row["duration_s"] = s.recorded_seconds()
    if report is not None:
        row.update(
            duration_s=report.duration_s,
            wpm=report.wpm,
            filler_count=report.filler_count,
            fillers_per_min=report.fillers_per_min,
            numbers=len(report.numbers),
            quantified=report.quantified,
            rubric_covered=report.rubric_covered,
            rubric_points=len(report.rubric),
        )
    return row


def _date(value: str) -> str:
    from datetime import date, timedelta

    if value == "today":
        return date.today().isoformat()
    if value == "yesterday":
        return (date.today() - timedelta(days=1)).isoformat()
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageError(f"not a date: {value!r} (use YYYY-MM-DD, today or yesterday)") from None


def cmd_sessions(args: argparse.Namespace, console: Console) -> int:
    store = Store(resolve_home(args.home))
    sessions = store.sessions()
    if args.question:
        sessions = [s for s in sessions if s.meta.question_id == args.question]
    if args.since:
        sessions = [s for s in sessions if s.meta.created_at[:10] >= _date(args.since)]
    if args.until:
        sessions = [s for s in sessions if s.meta.created_at[:10] <= _date(args.until)]
    rows = [_session_row(s) for s in sessions]
    if args.json:
        print(to_json(rows))
        return 0
    if not rows:
        if args.question or args.since or args.until:
            console.say(f"No sessions in {store.home} match those filters (see: voiceprep sessions).")
        else:
            console.say(f"No sessions yet in {store.home}. Start one with: voiceprep practice")
        return 0

    def part(row: dict[str, Any]) -> str:
        if not row.get("interview"):
            return ""
        return "follow-up" if row.get("probe") else "interview"

    def fmt(row: dict[str, Any]) -> list[str]:
        if "wpm" not in row:
            seconds = row.get("duration_s")
            time_ = analysis.clock(seconds) if seconds else ""
            return [row["session"], part(row), row["status"], time_, "", "", "", ""]
        return [
            row["session"],
            part(row),
            row["status"],
            analysis.clock(row["duration_s"]),
            f"{row['wpm']:.0f}" if row["wpm"] else "-",
            f"{row['fillers_per_min']:.1f}" if row["fillers_per_min"] is not None else "-",
            f"{row['numbers']}{'*' if row['quantified'] else ''}",
            f"{row['rubric_covered']}/{row['rubric_points']}",
        ]

    console.say(
        format_table(
            ["session", "in", "status", "time", "wpm", "fillers/min", "numbers", "rubric"], [fmt(r) for r in rows]
        )
    )
    console.say(console.style.dim(f"{len(rows)} session(s) in {store.home}; * = a measured outcome"))
    if any(r["status"] == "interrupted" for r in rows):
        console.say(console.style.dim("interrupted takes are kept: analyse them with `voiceprep recover`"))
    return 0


def _report_of(session: Session) -> Report:
    report = session.load_report()
    if report is None:
        raise VoiceprepError(
            f"session {session.id} has no report ({session.status}); analyse it with: voiceprep recover {session.id}"
        )
    return report


def _open_in_browser(path: Path, console: Console) -> None:
    import webbrowser

    url = path.resolve().as_uri()
    if not webbrowser.open(url):
        console.note(f"voiceprep: no browser could be opened; the page is {url}")
    else:
        console.note(f"Opened {url}")


def cmd_report(args: argparse.Namespace, console: Console) -> int:
    home = resolve_home(args.home)
    if args.session.endswith("-interview") or "-interview-" in args.session:
        return _interview_report(args, console, home)
    session = Store(home).get(args.session)
    report = _report_of(session)
    if args.open:
        # Rewritten every time, so a page from an older version of voiceprep is brought up to date.
        write_text(session.html_path, format_html(report, session.answer_path.name))
        _open_in_browser(session.html_path, console)
        return 0
    if args.format == "html":
        print(format_html(report, session.answer_path.resolve().as_uri()), end="")
    elif args.format == "json":
        print(format_json(report))
    elif args.format == "md":
        print(format_markdown(report), end="")
    else:
        console.say(format_text(report, console.style, saved_to=str(session.path)))
    return 0


def _interview_report(args: argparse.Namespace, console: Console, home: Path) -> int:
    """``voiceprep report <interview id>``: the interview's debrief."""
    from . import interview as iv
    from .report import format_scorecard_markdown

    store = Store(home)
    current = iv.find(home, args.session)
    library, _ = _library(args, home, console)
    card = iv.scorecard(current.meta, library, store)
    iv.save_scorecard(current, card, store)
    if args.open:
        _open_in_browser(current.path / "scorecard.html", console)
    elif args.format == "json":
        print(card.model_dump_json(indent=2))
    elif args.format == "md":
        print(format_scorecard_markdown(card), end="")
    elif args.format == "html":
        print((current.path / "scorecard.html").read_text(encoding="utf-8"), end="")
    else:
        console.say(format_scorecard(card, console.style))
    return 0


def _attempts(store: Store, question: str | None) -> list[tuple[Session, Report]]:
    out = []
    for s in store.sessions():
        if question and s.meta.question_id != question:
            continue
        if s.meta.probe:  # the answer to a follow-up is not an attempt at the question
            continue
        report = s.load_report()
        if report is not None and report.word_count and not report.too_short:
            out.append((s, report))
    return out


def cmd_progress(args: argparse.Namespace, console: Console) -> int:
    store = Store(resolve_home(args.home))
    result = progress([attempt(s.id, r) for s, r in _attempts(store, args.question)])
    if args.json:
        print(result.model_dump_json(indent=2))
        return 0
    console.say(format_progress(result, console.style))
    if result.attempts:
        page = store.home / "progress.html"
        write_text(page, format_progress_html(result))
        console.say(console.style.dim(f"charts: {page}"))
        if args.open:
            _open_in_browser(page, console)
    return 0


def _attempt_before(store: Store, session: Session) -> Session:
    """The newest analysed attempt at the same question made before ``session``."""
    sessions = store.sessions()  # oldest first
    ids = [s.id for s in sessions]
    earlier = [
        s
        for s in sessions[: ids.index(session.id)]
        if s.meta.question_id == session.meta.question_id and s.meta.status == "analysed"
    ]
    if not earlier:
        question = session.meta.question_id
        raise UnknownSessionError(
            f"{session.id} is the first attempt at {question}: answer it again (voiceprep practice -q {question})"
            " to compare"
        )
    return earlier[-1]


def cmd_compare(args: argparse.Namespace, console: Console) -> int:
    store = Store(resolve_home(args.home))
    if args.session_b is None:
        # one session named, or none: it (or the newest) against the attempt before it
        second = store.get(args.session_a or "last")
        first = _attempt_before(store, second)
    else:
        first, second = store.get(args.session_a), store.get(args.session_b)
    a, b = _report_of(first), _report_of(second)
    if a.question_id != b.question_id:
        raise UsageError(f"{first.id} and {second.id} answer different questions: compare two attempts at one")
    comparison = compare(first.id, a, second.id, b)
    if args.format == "json":
        print(comparison.model_dump_json(indent=2))
    elif args.format == "html" or args.open:
        page = format_compare_html(
            comparison, a, b, first.answer_path.resolve().as_uri(), second.answer_path.resolve().as_uri()
        )
        if args.open:
            path = store.home / f"compare-{first.id}-{second.id}.html"
            write_text(path, page)
            _open_in_browser(path, console)
        else:
            print(page, end="")
    else:
        console.say(format_compare(comparison, a, b, console.style))
    return 0


def cmd_replay(args: argparse.Namespace, console: Console) -> int:
    session = Store(resolve_home(args.home)).get(args.session)
    report = session.load_report()
    player = DevicePlayer(parse_device(args.output_device))
    console.say(console.style.bold(f"{session.meta.pack}/{session.meta.question_id}") + f"  {session.id}")
    if report is not None:
        console.say(report.question_text)
    if session.question_audio_path.exists() and args.start == 0:
        samples, rate = read_wav(session.question_audio_path)
        player.play(samples, rate)
    samples, rate = read_wav(session.answer_path)
    start = int(max(0.0, args.start) * rate)
    if start >= len(samples):
        raise VoiceprepError(f"--from {args.start:g} is past the end of the answer ({len(samples) / rate:.1f} s)")
    words = [w for w in (report.words if report else []) if w.end > args.start]
    shown = 0
    column = 0

    def progress(position: float) -> None:
        nonlocal shown, column
        now = args.start + position
        while shown < len(words) and words[shown].start <= now:
            w = words[shown]
            filler = report is not None and word_mark(report, w) == "filler"
            text = console.style.warn(f"{{{w.text}}}") if filler else w.text
            width = len(w.text) + (2 if filler else 0)
            if column and column + width + 1 > 86:
                console.out.write("\n")
                column = 0
            if column == 0:
                console.out.write(console.style.dim(f"{analysis.clock(w.start)} "))
                column = 5
            console.out.write(text + " ")
            console.out.flush()
            column += width + 1
            shown += 1

    player.play(samples[start:], rate, on_progress=progress)
    console.say()
    if report is None:
        console.note("(no transcript: this session was never analysed)")
    return 0


def cmd_devices(args: argparse.Namespace, console: Console) -> int:
    devices = list_devices()
    if args.json:
        print(to_json(devices))
        return 0
    if not devices:
        console.say("No audio devices found. Is a microphone connected, and is PortAudio installed?")
        return 0
    rows = []
    for d in devices:
        marks = ("in*" if d["default_input"] else "in") if d["inputs"] else ""
        marks += (" " if marks else "") + (("out*" if d["default_output"] else "out") if d["outputs"] else "")
        rows.append([str(d["index"]), d["name"], marks, f"{d['default_samplerate']:.0f} Hz"])
    console.say(format_table(["#", "name", "use", "rate"], rows))
    console.say(console.style.dim("* default. Pick one with --input-device / --output-device (number or name)."))
    return 0


# ---------------------------------------------------------------- parser


MODEL_HELP = "tiny.en (default), base, or a CTranslate2 Whisper model folder"


def _round_arguments(p: argparse.ArgumentParser) -> None:
    """The options of a spoken round: ``practice``, ``interview`` and ``retry``."""
    p.add_argument("--no-speak", action="store_true", help="print the question without speaking it")
    p.add_argument("--max-seconds", type=float, default=180.0, help="stop recording at this length (default 180)")
    p.add_argument(
        "--silence-seconds",
        type=float,
        default=5.0,
        help="stop after this much silence once you have spoken; 0 turns it off (default 5)",
    )
    p.add_argument(
        "--start-timeout",
        type=float,
        default=20.0,
        help="give up if no speech is heard within this many seconds; 0 waits (default 20)",
    )
    p.add_argument("--model", help=MODEL_HELP)
    p.add_argument("--input-device", help="microphone: number or name from `voiceprep devices`")
    p.add_argument("--output-device", help="speaker: number or name from `voiceprep devices`")
    p.add_argument("--live", action="store_true", help="show the transcript while you speak")
    p.add_argument("--voice", choices=VOICES, help="the interviewer's voice (default: piper where installed)")


def _add_session_argument(parser: argparse.ArgumentParser) -> None:
    """The optional SESSION of ``report`` and ``replay``: the newest when none is named."""
    parser.add_argument(
        "session",
        nargs="?",
        default="last",
        help="session folder name, a unique part of it, 'last' (the default), or an interview id",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voiceprep",
        description="Practise spoken interview answers with feedback, entirely on this computer.",
    )
    parser.add_argument("--version", action="version", version=f"voiceprep {__version__}")
    parser.add_argument("--home", help="data folder for sessions (default: $VOICEPREP_HOME or ./recordings)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace, Console], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        p.add_argument("--home", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        return p

    p = add("practice", cmd_practice, "Hear a question, answer it aloud, get feedback.")
    p.add_argument("--question", "-q", help="question id (default: the next one not yet practised)")
    p.add_argument("--pack", help="pack name, or a pack file to use")
    _round_arguments(p)
    p.add_argument("--json", action="store_true", help="print the report as JSON on stdout")

    p = add("interview", cmd_interview, "A mock interview: several questions, follow-ups on thin answers, a debrief.")
    p.add_argument("--pack", help="pack name, or a pack file to use (default: the first pack)")
    p.add_argument("--questions", type=int, help="how many questions (default 5)")
    p.add_argument("--minutes", type=float, help="ask no new question after this many minutes (the closing one still)")
    p.add_argument(
        "--feedback", choices=("end", "each"), default="end", help="debrief at the end only, or after each question"
    )
    p.add_argument(
        "--resume", nargs="?", const=True, metavar="ID", help="go on with the last interrupted interview (or ID)"
    )
    _round_arguments(p)
    p.add_argument("--json", action="store_true", help="print the scorecard as JSON on stdout and nothing else")

    p = add(
        "prepare",
        cmd_prepare,
        "Render every question, and what the interviewer says around them, in the interviewer's voice ahead of time.",
    )
    p.add_argument("--pack", help="only this pack (a name or a pack file)")
    p.add_argument("--voice", choices=VOICES, help="the voice to render in (default: piper where installed)")
    p.add_argument("--quiet", action="store_true", help="print only the summary line")

    p = add("calibrate", cmd_calibrate, "Measure how well your own um and uh are heard, for every report after.")
    _round_arguments(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON on stdout")

    p = add("retry", cmd_retry, "Ask the weakest question of the last interview again and compare the answers.")
    p.add_argument("interview", nargs="?", help="interview id (default: the last one)")
    _round_arguments(p)
    p.add_argument("--json", action="store_true", help="print the new report and the comparison as JSON")

    p = add("analyze", cmd_analyze, "Analyse a recorded answer (any audio file, or typed text) against a question.")
    p.add_argument("audio", metavar="FILE", help="audio file (WAV, FLAC, MP3, M4A, ...), or text with --text")
    p.add_argument("--question", "-q", help="question id (needed for audio)")
    p.add_argument(
        "--text",
        action="store_true",
        help="FILE is a plain transcript: fillers and numbers, and the rubric with --question",
    )
    p.add_argument("--pack", help="pack name, or a pack file to use")
    p.add_argument("--model", help=MODEL_HELP)
    p.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    p.add_argument("--no-save", action="store_true", help="do not keep a session for this analysis")

    p = add("recover", cmd_recover, "Analyse kept takes that were never analysed (Ctrl-C, a crash, a full disk).")
    p.add_argument("session", nargs="*", help="sessions to analyse (default: every interrupted one)")
    p.add_argument("--model", help=MODEL_HELP)
    p.add_argument("--json", action="store_true", help="print the report as JSON on stdout")

    p = add("eval", cmd_eval, "Measure transcription, fillers, numbers and rubric coverage against labelled data.")
    p.add_argument(
        "manifest",
        help="manifest.jsonl of audio clips, transcript .json files (a file or folder), or a rubric set .yaml",
    )
    p.add_argument("--model", help=MODEL_HELP)
    p.add_argument("--limit", type=int, help="only the first N clips")
    p.add_argument(
        "--defaults",
        action="store_true",
        help="decode with faster-whisper's defaults (no prompt, no chunks) to compare",
    )
    p.add_argument("--beam-size", type=int, help="beam size (default 5)")
    p.add_argument("--filler-beam-size", type=int, help="beam size of the prompted pass (default: --beam-size)")
    prompt = p.add_mutually_exclusive_group()
    prompt.add_argument("--prompt", metavar="TEXT", help="filler prompt to measure instead of the built-in one")
    prompt.add_argument("--no-prompt", action="store_true", help="leave out the filler prompt (one plain decoding)")
    p.add_argument(
        "--sampling-fallback",
        action="store_true",
        help="retry poor decodings by sampling at rising temperatures, seeded, as faster-whisper does",
    )
    p.add_argument(
        "--unseeded",
        action="store_true",
        help="retry poor decodings by sampling, unseeded (not repeatable)",
    )
    p.add_argument(
        "--single-pass", action="store_true", help="one prompted decoding for words and fillers (half the work)"
    )
    p.add_argument(
        "--plain-below",
        type=float,
        metavar="P",
        help=f"decode a chunk plainly as well where the prompted pass's words have a mean probability under P "
        f"(default {PLAIN_BELOW}; 2: every chunk, both passes side by side; 0: never)",
    )
    p.add_argument(
        "--gap-probe",
        type=float,
        metavar="P",
        help=f"write a filled pause in a gap between words where the prompted decoder gives a hesitation "
        f"at least P (default {GAP_PROBE_P}; over 1: never; files only, never with --live)",
    )
    p.add_argument("--live", action="store_true", help="transcribe as practice does, while the answer is spoken")
    p.add_argument("--hotwords", metavar="TERMS", help="terms to bias the plain pass towards, to measure their effect")
    p.add_argument(
        "--terms", metavar="T1,T2", help="a vocabulary for the prompted pass to bring back, as a question's is"
    )
    p.add_argument(
        "--no-terms-by-sound",
        action="store_true",
        help="leave words that sound like a term of the vocabulary as Whisper wrote them, to measure the step",
    )
    p.add_argument(
        "--method", choices=rubric.METHODS, help=f"rubric set only: how coverage is judged (default {rubric.METHOD})"
    )
    p.add_argument(
        "--spoken", action="store_true", help="rubric set only: read each answer with eSpeak NG and transcribe it first"
    )
    p.add_argument("--voice", choices=VOICES, help="with --spoken: the voice that reads the answers (default espeak)")
    p.add_argument(
        "--accent",
        metavar="VOICE",
        help="with --spoken: another of eSpeak NG's English voices (en-us, en-gb-scotland...: espeak-ng --voices=en)",
    )
    p.add_argument("--pack", help="rubric set only: the pack its questions come from (default: every pack)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")

    p = add("questions", cmd_questions, "List the question packs and their questions.")
    p.add_argument("--pack", help="only this pack (a name or a pack file)")
    p.add_argument("--json", action="store_true", help="print as JSON")

    p = add("sessions", cmd_sessions, "List saved attempts with their headline figures.")
    p.add_argument("--question", "-q", help="only attempts at this question")
    p.add_argument("--since", help="only attempts on or after this date (YYYY-MM-DD, today, yesterday)")
    p.add_argument("--until", help="only attempts on or before this date")
    p.add_argument("--json", action="store_true", help="print as JSON")

    p = add("report", cmd_report, "Show a saved session's report, or an interview's debrief.")
    _add_session_argument(p)
    p.add_argument("--format", choices=["text", "md", "json", "html"], default="text")
    p.add_argument("--open", action="store_true", help="open the HTML page in the default browser")

    p = add("progress", cmd_progress, "Every attempt in order, and how your figures are moving.")
    p.add_argument("--question", "-q", help="only attempts at this question")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.add_argument("--open", action="store_true", help="open the charts in the default browser")

    p = add("compare", cmd_compare, "Compare two attempts at the same question.")
    p.add_argument(
        "session_a",
        metavar="SESSION_A",
        nargs="?",
        help="the earlier attempt; named alone, the attempt compared with the one before it (default: the newest)",
    )
    p.add_argument("session_b", metavar="SESSION_B", nargs="?", help="the later attempt")
    p.add_argument("--format", choices=["text", "json", "html"], default="text")
    p.add_argument("--open", action="store_true", help="open the HTML page in the default browser")

    p = add("replay", cmd_replay, "Play a session back with its transcript in time.")
    _add_session_argument(p)
    p.add_argument(
        "--from",
        dest="start",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="start the answer here (skips the question)",
    )
    p.add_argument("--output-device", help="speaker: number or name from `voiceprep devices`")

    p = add("devices", cmd_devices, "List audio input and output devices.")
    p.add_argument("--json", action="store_true", help="print as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    console = Console(json_mode=getattr(args, "json", False))
    try:
        return int(args.func(args, console))
    except UsageError as exc:
        parser.error(str(exc))
    except VoiceprepError as exc:
        print(f"voiceprep: {exc}", file=sys.stderr)
        _exit_now(exc.exit_code)  # a model may still be loading on another thread (a full disk, say)
        return exc.exit_code
    except KeyboardInterrupt:
        print("\nvoiceprep: interrupted", file=sys.stderr)
        _exit_now(130)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if os.environ.get("VOICEPREP_DEBUG"):
            raise
        print(
            f"voiceprep: unexpected error: {type(exc).__name__}: {exc} (VOICEPREP_DEBUG=1 shows details)",
            file=sys.stderr,
        )
        return 70


def _exit_now(code: int) -> None:
    """Leave at once if a thread may still be inside native code (a model loading or decoding).

    Every file voiceprep writes is complete by now; what is skipped is the interpreter's
    clean-up, which would destroy CTranslate2 under such a thread and abort the process.
    """
    if any(t.is_alive() for t in threading.enumerate() if t is not threading.main_thread()):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
