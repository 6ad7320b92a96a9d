"""Transcription while the candidate speaks.

The recorder hands every block to ``StreamingTranscriber.feed`` (cheap: it only stores the
block and notes its level). A worker thread cuts the answer at natural pauses and transcribes
each finished chunk in the background, so when the answer ends only its last few seconds are
left. Capture never waits for transcription: if the machine falls behind, the audio waits in
memory and the worker catches up after the answer ends.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future

import numpy as np

from .audio import SAMPLE_RATE, FloatArray, Int16Array, VoiceDetector, to_float, to_int16
from .schema import Transcript, Word
from .transcribe import (
    MAX_CHUNK_S,
    Transcriber,
    chunk_spans,
    context_of,
    done_future,
    is_filled_pause,
    speech_end,
    speech_spans,
    with_prompted,
)

FILLER_WINDOW_S = 8.0  # live, the least audio the filler pass hears at once (but at the end)
MIN_CHUNK_S = 8.0  # while the worker is busy: shorter chunks lose context and cost a window each
IDLE_CHUNK_S = 3.0  # while it is idle: cut at the next pause, so little is left when the answer ends
PAUSE_S = 0.4  # a silence this long, after speech, is a place to cut


class StreamingTranscriber:
    """Feeds on blocks of int16 audio, transcribes chunk by chunk, finishes with a Transcript.

    ``transcriber`` is a callable so the model can still be loading when the first blocks
    arrive; the worker waits for it without holding up the recording.
    """

    def __init__(
        self,
        transcriber: Callable[[], Transcriber],
        on_words: Callable[[list[Word]], None] | None = None,
        on_progress: Callable[[float, float], None] | None = None,
        min_chunk_s: float = MIN_CHUNK_S,
        max_chunk_s: float = MAX_CHUNK_S,
        plan: list[tuple[int, int]] | None = None,
        on_heard: Callable[[list[Word]], None] | None = None,
    ):
        """``on_words``: each chunk's new words, for the live transcript. ``on_heard``: every word
        heard so far, after each chunk but the last, for work that can be done before the answer
        ends; both are called on the worker thread, so they must be quick."""
        self._get_transcriber = transcriber
        # Live, chunks are cut at pauses as they come, a short one whenever the worker is idle,
        # so little is left when the answer ends. A file's pauses are all known beforehand: it
        # is cut by ``plan`` (sample ranges), as the batch decoder would cut it, so the same file
        # always gives the same words whatever the thread timing.
        self._plan: deque[tuple[int, int]] | None = deque(plan) if plan is not None else None
        # Live chunks can be a few seconds long, and a prompted decoding of a few seconds
        # invents hesitations (`voiceprep eval --live`: filler precision 0.62 against 0.86 for
        # whole clips). So live, once FILLER_WINDOW_S of audio has been transcribed (or the
        # answer ends), the filler pass hears it again whole and its fillers replace the chunks'.
        self._live = plan is None
        self.joined = 0  # chunks joined to the one before them because the worker was behind
        self._filler_from = 0  # live: the filler pass has heard the audio before this sample
        self._on_words = on_words
        self._on_heard = on_heard
        self._on_progress = on_progress
        self._min = int(min_chunk_s * SAMPLE_RATE)
        self._idle_min = int(min(IDLE_CHUNK_S, min_chunk_s) * SAMPLE_RATE)
        self._working = False
        self._max = int(max_chunk_s * SAMPLE_RATE)
        self._blocks: deque[Int16Array] = deque()  # audio not yet transcribed, from sample self._kept_from on
        self._kept_from = 0
        self._total = 0
        self._cuts: list[tuple[int, int]] = []  # chunks (start, end) in samples, ready to transcribe
        self._committed = 0  # samples already transcribed
        self._detector = VoiceDetector()
        self._silence_start: int | None = None
        self._heard_speech_since_cut = False
        self._last_cut = 0
        self._finished = False
        self._cancelled = False
        self._error: BaseException | None = None
        self._words: list[Word] = []
        self._dropped: list[str] = []
        self._busy_s = 0.0
        self._lock = threading.Condition()
        self._worker = threading.Thread(target=self._run, name="stream-transcriber", daemon=True)
        self._worker.start()

    # ------------------------------------------------------------ recording thread

    def feed(self, block: Int16Array, offset: int) -> None:
        """Take one block (``offset`` samples from the start of the answer). Never blocks for long."""
        # a file's cuts are planned: no need to listen for pauses
        voiced = self._detector.feed(block) if self._plan is None else False
        end = offset + len(block)
        with self._lock:
            self._blocks.append(block)
            self._total = end
            if self._plan is not None:
                while self._plan and self._plan[0][1] <= end:
                    self._cuts.append(self._plan.popleft())
                    self._last_cut = self._cuts[-1][1]
                    self._lock.notify_all()
                return
            if voiced:
                self._silence_start = None
                self._heard_speech_since_cut = True
            elif self._silence_start is None:
                self._silence_start = offset
            pending = end - self._last_cut
            idle = not self._working and not self._cuts
            cut = None
            if (
                self._silence_start is not None
                and self._heard_speech_since_cut
                and end - self._silence_start >= PAUSE_S * SAMPLE_RATE
                and pending >= (self._idle_min if idle else self._min)
            ):
                cut = (self._silence_start + end) // 2  # the middle of the pause heard so far
            elif pending >= self._max:
                cut = end  # no pause for a whole chunk: cut here, the re-listening covers the edge
            if cut is not None and cut > self._last_cut:
                self._cuts.append((self._last_cut, cut))
                self._last_cut = cut
                self._heard_speech_since_cut = False
                self._lock.notify_all()

    # ------------------------------------------------------------ worker thread

    def _audio(self, start: int, end: int) -> FloatArray:
        """Samples [start, end) as float32; audio before ``start`` is no longer needed and let go.

        Only the audio still to be heard is kept, so a 30-minute file is never copied whole per
        chunk.
        """
        with self._lock:
            blocks, position = self._blocks, self._kept_from
            release = min(start, self._filler_from) if self._live else start
            while blocks and position + len(blocks[0]) <= release:
                position += len(blocks[0])
                blocks.popleft()
            self._kept_from = position
            needed: list[Int16Array] = []
            reach = position
            for block in blocks:
                if reach >= end:
                    break
                needed.append(block)
                reach += len(block)
        data = np.concatenate(needed) if needed else np.zeros(0, np.int16)
        data = data[start - position : end - position]
        return to_float(data)

    def _transcribe(self, start: int, end: int, last: bool = False) -> None:
        transcriber = self._get_transcriber()
        if self._live:
            transcriber.widen()  # the candidate waits for the last chunk: encode it on every free core
        began = time.perf_counter()
        fillers_later = self._live and transcriber.settings.filler_pass
        if fillers_later and end - self._filler_from > self._max and start > self._filler_from:
            self._fill(transcriber, self._filler_from, start)  # the waiting audio and this chunk exceed one window
        audio = self._audio(start, end)
        spans = speech_spans(audio) if len(audio) else []
        final: tuple[int, Future[list[Word]] | None] | None = None
        if fillers_later and last:
            # The answer has ended: one filler pass over the waiting audio, this chunk included,
            # heard beside the chunk's plain decoding, so the candidate waits for about one decoding.
            # A last chunk without speech (the silence before the key was pressed) needs no filler
            # pass of its own: the audio before it is heard again only where its chunks found
            # fillers, as during the answer (it had cost a second decoding of the last sentence).
            final = (self._filler_from, self._fill_start(transcriber, self._filler_from, end, last=bool(spans)))
        if spans:
            with self._lock:
                context = context_of(self._words)
            offset = start / SAMPLE_RATE  # the chunk's words are timed from its start
            no_fillers: list[Word] | None = [] if final is not None else None  # the final pass brings them
            # Live, no gap is searched for filled pauses heard and not written
            # (``Transcriber.gap_fillers``): measured on the dev sets, it found none more there and
            # wrote one that was not said (README, "Filled pauses Whisper heard and did not write").
            words, dropped = transcriber.transcribe_covering(
                audio, 0, len(audio), spans, context, no_fillers, gaps=not self._live
            )
            words = [
                w.model_copy(update={"start": round(w.start + offset, 3), "end": round(w.end + offset, 3)})
                for w in words
            ]
            with self._lock:
                self._words += words
                self._dropped += dropped
            if self._on_words is not None and words:
                self._on_words(words)
        if final is not None:
            self._fill_finish(
                final[0], end, final[1].result() if final[1] is not None else None, transcriber.settings.terms
            )
        elif fillers_later and end - self._filler_from >= FILLER_WINDOW_S * SAMPLE_RATE:
            if start == self._filler_from:
                # the chunk alone was long enough: its own filler pass heard exactly this window
                self._fill_finish(start, end, None)
            else:
                self._fill(transcriber, self._filler_from, end)
        self._busy_s += time.perf_counter() - began
        with self._lock:
            self._committed = end
        if self._on_progress is not None:
            self._on_progress(end / SAMPLE_RATE, self._total / SAMPLE_RATE)

    def _fill(self, transcriber: Transcriber, start: int, end: int) -> None:
        """The filler pass again over [start, end): its "um"s and "uh"s replace the chunks' own.

        Where the chunks found none there is nothing to check, and no decoding is spent.
        """
        pending = self._fill_start(transcriber, start, end)
        self._fill_finish(start, end, pending.result() if pending is not None else None, transcriber.settings.terms)

    def _fill_start(
        self, transcriber: Transcriber, start: int, end: int, last: bool = False
    ) -> Future[list[Word]] | None:
        """The filler pass over [start, end) under way, or None where there is nothing to check."""
        lo, hi = start / SAMPLE_RATE, end / SAMPLE_RATE
        with self._lock:
            to_check = any(lo <= w.start < hi and is_filled_pause(w) for w in self._words)
        if not to_check and not last:
            return None
        audio = self._audio(start, end)
        spans = speech_spans(audio)
        if not spans:
            return None if not last else done_future([])
        return transcriber.prompted_pass_soon(audio, start / SAMPLE_RATE, speech_end(spans, 0, len(audio)))

    def _fill_finish(self, start: int, end: int, prompted: list[Word] | None, terms: tuple[str, ...] = ()) -> None:
        """The filled pauses of a filler pass placed among the words of [start, end); None: keep the chunks'.

        The pass's words of ``terms`` replace what the chunks heard in their place (``take_terms``).
        """
        lo, hi = start / SAMPLE_RATE, end / SAMPLE_RATE
        with self._lock:
            if prompted is not None:
                outside = [w for w in self._words if not lo <= w.start < hi]
                window = [w for w in self._words if lo <= w.start < hi and not is_filled_pause(w)]
                placed = with_prompted(window, prompted, terms)
                # a filled pause the pass timed outside this window is not this window's
                kept = [w for w in placed if not is_filled_pause(w) or lo <= w.start < hi]
                self._words = sorted(outside + kept, key=lambda w: (w.start, w.end))
            self._filler_from = end

    def _next_chunk(self) -> tuple[int, int]:
        """The next chunk to transcribe; live, the chunks waiting after it joined to it, up to a full window.

        Every chunk costs a whole 30 s window of the encoder however short it is, so a worker
        that has fallen behind catches up by hearing what waits in as few windows as batch
        would. A file's chunks are planned and are taken as they are.
        """
        start, cut = self._cuts.pop(0)
        while self._live and self._cuts and self._cuts[0][0] == cut and self._cuts[0][1] - start <= self._max:
            cut = self._cuts.pop(0)[1]
            self.joined += 1
        return start, cut

    def _run(self) -> None:
        try:
            while True:
                with self._lock:
                    while not self._cuts and not self._finished:
                        self._lock.wait()
                    if self._cuts:
                        start, cut = self._next_chunk()
                        last = self._finished and not self._cuts
                        self._working = True
                    elif self._finished:
                        break
                try:
                    self._transcribe(start, cut, last)
                finally:
                    with self._lock:
                        self._working = False
                        self._lock.notify_all()
                if not last:
                    # read the new words' phonemes while the candidate speaks, not after
                    with self._lock:
                        heard = list(self._words)
                    self._get_transcriber().learn_sounds(heard)
                    if self._on_heard is not None:
                        self._on_heard(heard)
            if self._live and self._filler_from < self._committed and not self._cancelled:
                transcriber = self._get_transcriber()
                if transcriber.settings.filler_pass:
                    began = time.perf_counter()
                    self._fill(transcriber, self._filler_from, self._committed)
                    self._busy_s += time.perf_counter() - began
        except BaseException as exc:  # handed to finish() on the caller's thread
            self._error = exc

    # ------------------------------------------------------------ caller

    def wait_until_idle(self) -> None:
        """Block until every chunk cut so far is transcribed (to replay a live answer offline)."""
        with self._lock:
            while (self._cuts or self._working) and self._error is None and self._worker.is_alive():
                self._lock.wait(0.05)

    @property
    def pending_s(self) -> float:
        """Seconds of audio not transcribed yet."""
        with self._lock:
            return (self._total - self._committed) / SAMPLE_RATE

    def cancel(self, wait_s: float = 60.0) -> None:
        """Stop transcribing: drop the chunks not yet started and wait for the one in hand.

        A decoding cannot be stopped half-way, and a process that exits while CTranslate2 is
        decoding on another thread dies with "terminate called without an active exception".
        Another Ctrl-C while waiting is ignored: the wait is one chunk at most.
        """
        with self._lock:
            self._cancelled = True
            self._cuts.clear()
            if self._plan is not None:
                self._plan.clear()
            self._finished = True
            self._lock.notify_all()
        join_through_ctrl_c(self._worker, wait_s)

    def finish(self) -> Transcript:
        """Transcribe what is left once the answer has ended, and return the whole transcript.

        Ctrl-C meanwhile stops the transcription cleanly (``cancel``) and is raised again.
        """
        try:
            return self._finish()
        except KeyboardInterrupt:
            self.cancel()
            raise

    def _finish(self) -> Transcript:
        with self._lock:
            if self._plan:
                self._cuts += [(s, min(e, self._total)) for s, e in self._plan if s < self._total]
                self._last_cut = max(self._last_cut, self._cuts[-1][1] if self._cuts else 0)
                self._plan.clear()
            if self._total > self._last_cut:
                self._cuts.append((self._last_cut, self._total))
                self._last_cut = self._total
            self._finished = True
            self._lock.notify_all()
        self._worker.join()
        if self._error is not None:
            raise self._error
        transcriber = self._get_transcriber()
        words, heard = transcriber.heard_terms(sorted(self._words, key=lambda w: (w.start, w.end)))
        info = transcriber.info.model_copy(update={"gap_probe": None}) if self._live else transcriber.info
        return Transcript(
            text=" ".join(w.text for w in words),
            words=words,
            duration_s=round(self._total / SAMPLE_RATE, 3),
            model=info,
            transcribe_s=round(self._busy_s, 3),
            dropped_segments=self._dropped,
            terms_by_sound=heard,
        )


def join_through_ctrl_c(thread: threading.Thread, wait_s: float) -> None:
    """Wait up to ``wait_s`` for ``thread``, another Ctrl-C meanwhile ignored: a process that exits
    while native code (CTranslate2, onnxruntime) runs on another thread dies with "terminate called
    without an active exception"."""
    deadline = time.monotonic() + wait_s
    while thread.is_alive() and time.monotonic() < deadline:
        try:
            thread.join(0.1)
        except KeyboardInterrupt:
            continue


def _feed(
    stream: StreamingTranscriber, audio: FloatArray | Int16Array, block_s: float, keep_up: bool = False
) -> Transcript:
    """Feed audio in memory to ``stream`` block by block, then finish it.

    ``keep_up``: wait for every chunk cut so far before the next block, as a machine that
    keeps up with the speaker would. 16-bit audio is fed as it is, without a copy.
    """
    samples: Int16Array = audio.view(np.int16) if audio.dtype == np.int16 else to_int16(audio.astype(np.float32))
    step = int(block_s * SAMPLE_RATE)
    try:
        for offset in range(0, len(samples), step):
            stream.feed(samples[offset : offset + step], offset)
            if keep_up:
                stream.wait_until_idle()
    except KeyboardInterrupt:
        stream.cancel()
        raise
    return stream.finish()


def transcribe_streaming(
    transcriber: Transcriber,
    audio: FloatArray | Int16Array,
    on_progress: Callable[[float, float], None] | None = None,
    block_s: float = 0.1,
) -> Transcript:
    """Audio already in memory, through the same path as a live answer, as fast as it goes.

    The chunks are the batch decoder's (``chunk_spans``), so the same audio always gives the
    same words, whatever the thread timing.
    """
    plan = chunk_spans(speech_spans(audio), len(audio), transcriber.settings.max_chunk_s)
    return _feed(StreamingTranscriber(lambda: transcriber, on_progress=on_progress, plan=plan), audio, block_s)


def transcribe_live(transcriber: Transcriber, audio: FloatArray, block_s: float = 0.1) -> Transcript:
    """Audio as ``voiceprep practice`` transcribes it, on a machine that keeps up with the speaker.

    The live cuts are made as the audio arrives; each chunk is transcribed before the next
    block is fed, as when the worker finishes a chunk while the candidate is still speaking.
    That makes the result repeatable, so the practice path can be measured (``voiceprep eval
    --live``).
    """
    return _feed(StreamingTranscriber(lambda: transcriber), audio, block_s, keep_up=True)
