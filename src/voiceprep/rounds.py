"""One spoken round, as ``practice`` and ``interview`` both run it: say something, record the
answer while transcribing it, then analyse and save it in its session.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import analysis, calibrate, rubric
from .audio import SAMPLE_RATE, DevicePlayer, DeviceRecorder, StopRules, Take, read_wav, to_float
from .delivery import Frames, PitchTracker
from .errors import DeviceError, Interrupted, SpeechError, StorageError
from .html import format_html
from .questions import Pack, Question
from .report import format_markdown
from .schema import Report, Transcript, Word
from .store import Session
from .stream import StreamingTranscriber, join_through_ctrl_c
from .terminal import Console, Meter, wait_for_enter
from .tokens import from_words
from .transcribe import Settings, Transcriber, resolve_model

STOP_REASONS = {
    "enter": "you pressed Enter",
    "silence": "silence once you had finished",
    "max_seconds": "the time limit was reached",
    "interrupt": "stopped with Ctrl-C",
    "no_speech": "no speech was heard",
}


class ModelLoader:
    """Loads the model on a background thread while the question is spoken and answered."""

    def __init__(self, model: str | None, settings: Settings | None = None):
        resolve_model(model)  # an unknown model is refused now, before any audio is touched
        self._model = model
        self._settings = settings
        self._result: Transcriber | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._load, name="model-loader", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        try:
            self._result = Transcriber(self._model, self._settings)
        except BaseException as exc:  # re-raised on the main thread by get()
            self._error = exc

    def get(self) -> Transcriber:
        try:
            self._thread.join()
        except KeyboardInterrupt:
            # CTranslate2 is loading on the other thread: exiting under it aborts the process
            join_through_ctrl_c(self._thread, 60.0)
            raise
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def release(self) -> None:
        """Let the loaded model go (once the last transcription is done), so its memory can be freed."""
        self._thread.join()
        self._result = None


def analyse_session(
    session: Session,
    transcript: Transcript,
    pack: Pack,
    question: Question,
    duration_s: float,
    source: str,
    frames: Frames | None = None,
) -> Report:
    """The report of one take, saved beside it with its transcript, Markdown and HTML."""
    report = analysis.analyze(
        transcript.words,
        question,
        pack.pack,
        duration_s=duration_s,
        source=source,
        model=transcript.model,
        terms_heard=transcript.terms_by_sound,
        created_at=session.meta.created_at,
        frames=frames,
        others=pack.points_besides(question),
    )
    calibration = calibrate.load(session.path.parent)  # sessions live in the data folder itself
    if calibration is not None:
        report = report.model_copy(update={"filler_calibration": calibration.summary()})
    try:
        session.save_transcript(transcript)
        session.save_report(report, format_markdown(report), format_html(report, session.answer_path.name))
        status = "too_short" if report.too_short else "analysed" if report.word_count else "no_speech"
        session.update(status=status)
    except StorageError as exc:
        raise StorageError(
            f"{exc}; the answer is kept in {session.answer_path} "
            f"(free some space, then: voiceprep recover {session.id})"
        ) from None
    return report


def interrupted(session: Session) -> Interrupted:
    """Ctrl-C during the transcription: the take is kept, marked so, and the way back is named."""
    with contextlib.suppress(StorageError):
        session.update(status="interrupted", note="stopped with Ctrl-C before the analysis")
    return Interrupted(
        f"interrupted before the analysis; the answer is kept in {session.answer_path} "
        f"(analyse it with: voiceprep recover {session.id})"
    )


@dataclass
class RoundSetup:
    """How a round listens and speaks: the devices, when a take ends, what is shown meanwhile."""

    input_device: int | str | None
    output_device: int | str | None
    rules: StopRules
    speak: bool = True
    live: bool = False


def say(
    text: str, path: Path, setup: RoundSetup, console: Console, render: Callable[[str, Path], Path] | None = None
) -> None:
    """Render ``text`` to ``path`` and play it; a voice or device that fails is a note, not an error."""
    if not setup.speak:
        return
    try:
        if render is None:
            from .speech import Speaker

            render = Speaker().render
        render(text, path)
    except SpeechError as exc:
        console.note(f"voiceprep: not spoken aloud: {exc}")
        return
    play(path, setup, console)


def play(path: Path, setup: RoundSetup, console: Console) -> None:
    """Play a rendered line to the output device; a device that fails is a note, not an error."""
    if not setup.speak:
        return
    try:
        samples, rate = read_wav(path)
        DevicePlayer(setup.output_device).play(samples, rate)
    except DeviceError as exc:
        console.note(f"voiceprep: not spoken aloud: {exc}")


@dataclass
class Recorded:
    """A finished take: the recording, its transcript, how the voice sounded, when it ended."""

    take: Take
    transcript: Transcript
    frames: Frames
    ended_at: float  # time.perf_counter() when the take ended


def record_take(
    console: Console,
    setup: RoundSetup,
    path: Path,
    loader: ModelLoader,
    on_take: Callable[[Take], None] | None = None,
    terms: tuple[str, ...] = (),
    on_heard: Callable[[list[Word]], None] | None = None,
) -> Recorded:
    """Record an answer into ``path`` (streamed to disk, transcribed as it comes) and finish its transcript.

    ``on_take`` hears of the take as soon as it ends, before the transcript is finished. Device and
    storage errors are raised as they come; Ctrl-C while recording ends the take (it is kept:
    ``take.stopped_by`` says so); Ctrl-C while transcribing is raised as KeyboardInterrupt.
    ``terms``: the question's vocabulary, for the transcription. ``on_heard``: every word heard
    so far, after each chunk transcribed while the answer goes on (``StreamingTranscriber``).
    """
    rules = setup.rules
    interactive = sys.stdin.isatty()
    stop = threading.Event()
    if interactive:
        threading.Thread(target=wait_for_enter, args=(stop,), daemon=True).start()
        how = "press Enter when you have finished"
    else:
        how = f"ends after {rules.silence_seconds:g} s of silence or at {analysis.clock(rules.max_seconds)}"
    console.note(f"Recording: {how} (Ctrl-C also stops and keeps the take).")
    meter = Meter(sys.stderr, rules.max_seconds, "Enter to stop") if sys.stderr.isatty() else None

    def show_words(words: list[Word]) -> None:
        text = "  … " + " ".join(w.text for w in words)
        if meter is not None:
            meter.above(text)
        else:
            console.note(text)

    # Chunks are transcribed while the answer goes on, so only its end is left afterwards.
    stream = StreamingTranscriber(
        lambda: loader.get().use_terms(terms), on_words=show_words if setup.live else None, on_heard=on_heard
    )
    voice = PitchTracker()  # pitch and loudness, measured as the answer comes in too
    recorder = DeviceRecorder(device=setup.input_device)
    try:
        take: Take = recorder.record(path, rules, stop=stop, on_level=meter, listeners=[stream.feed, voice.feed])
    except BaseException:
        stream.cancel()
        raise
    finally:
        if meter is not None:
            meter.done()
    ended_at = time.perf_counter()
    if on_take is not None:
        on_take(take)
    console.note(f"Recorded {analysis.clock(take.seconds)} ({STOP_REASONS[take.stopped_by]}); transcribing...")
    transcript = stream.finish()
    samples, _rate = read_wav(path)
    if abs(transcript.duration_s - len(samples) / SAMPLE_RATE) > 0.01:
        # Ctrl-C can land between writing a block and streaming it: the file on disk is
        # the take, so transcribe that.
        transcript = loader.get().use_terms(terms).transcribe(to_float(samples))
    return Recorded(take, transcript, voice.finish(), ended_at)


def record_and_analyse(
    console: Console,
    setup: RoundSetup,
    session: Session,
    loader: ModelLoader,
    pack: Pack,
    question: Question,
    on_ready: Callable[[float], None] | None = None,
) -> Report:
    """Record the answer into ``session`` (streamed to disk, transcribed as it comes), then analyse it.

    ``on_ready`` gets the seconds from the end of the take to the report.
    """
    # The rubric's sentence model loads while the candidate speaks, so the report does not wait for it.
    points = [*question.points, *pack.points_besides(question)]
    ready = threading.Thread(target=_quietly, args=(rubric.prepare, points), name="rubric-ready", daemon=True)
    ready.start()
    # and the answer's sentences are embedded as they are transcribed, so only the last few are left
    vocabulary = rubric.pack_vocabulary(question, pack.points_besides(question))
    ahead = Latest(lambda words: rubric.embed_ahead(from_words(words), vocabulary), name="rubric-ahead")
    try:
        done = _record_in(console, setup, session, loader, pack.vocabulary(question), on_heard=ahead.offer)
    except KeyboardInterrupt:
        raise interrupted(session) from None
    finally:
        ahead.stop()
    ready.join()
    report = analyse_session(session, done.transcript, pack, question, done.take.seconds, "practice", done.frames)
    if on_ready is not None:
        on_ready(time.perf_counter() - done.ended_at)
    return report


class Latest:
    """Work on the latest of what is offered, on a thread of its own, skipping what was overtaken.

    ``offer`` never waits: it is called from the transcription worker. A failure is dropped: the
    same work is done, and its error reported, when the answer ends.
    """

    def __init__(self, work: Callable[[list[Word]], None], name: str) -> None:
        self._work = work
        self._next: list[Word] | None = None
        self._stopped = False
        self._ready = threading.Condition()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def offer(self, words: list[Word]) -> None:
        with self._ready:
            self._next = words
            self._ready.notify()

    def stop(self, wait_s: float = 30.0) -> None:
        """Take no more, and wait for what is in hand (``join_through_ctrl_c``)."""
        with self._ready:
            self._stopped = True
            self._ready.notify()
        join_through_ctrl_c(self._thread, wait_s)

    def _run(self) -> None:
        while True:
            with self._ready:
                while self._next is None and not self._stopped:
                    self._ready.wait()
                words, self._next = self._next, None
                if self._stopped or words is None:
                    return
            with contextlib.suppress(Exception):
                self._work(words)


def _quietly(work: Callable[..., None], *args: object) -> None:
    """Run work ahead of need: a failure is met again, and reported, when the work is needed."""
    with contextlib.suppress(Exception):
        work(*args)


def _record_in(
    console: Console,
    setup: RoundSetup,
    session: Session,
    loader: ModelLoader,
    terms: tuple[str, ...],
    on_heard: Callable[[list[Word]], None] | None = None,
) -> Recorded:
    """``record_take`` into a session, whose status follows the take."""

    def taken(take: Take) -> None:
        session.update(status="recorded", stopped_by=take.stopped_by)

    try:
        return record_take(console, setup, session.answer_path, loader, on_take=taken, terms=terms, on_heard=on_heard)
    except (DeviceError, StorageError) as exc:
        with contextlib.suppress(StorageError):  # a full disk may refuse this too: listed as interrupted then
            session.update(status="failed", note=str(exc))
        if isinstance(exc, StorageError):
            raise StorageError(f"{exc}; analyse them once there is space: voiceprep recover {session.id}") from None
        raise
