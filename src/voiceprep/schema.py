"""Typed records that cross a boundary: transcripts, analysis results and reports.

Times are seconds from the start of the answer. When the analysis runs on typed text
instead of audio, ``start`` and ``end`` are character offsets into that text.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

REPORT_SCHEMA_VERSION = 1


class Record(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Word(Record):
    """One transcribed word, as Whisper wrote it (punctuation attached)."""

    text: str
    start: float
    end: float
    probability: float = 1.0


def gates_plain_pass(plain_below: object) -> bool:
    """Whether a ``plain_below`` threshold lets the prompted pass decide, chunk by chunk, if the plain
    pass is needed: one a mean probability can fall under, at most 1. Above 1, or none recorded,
    both passes decode every chunk, side by side."""
    return isinstance(plain_below, (int, float)) and plain_below <= 1.0


class ModelInfo(Record):
    """The model and the settings that produced a transcript."""

    name: str
    path: str
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = 0  # the main model's decoding threads
    threads_by_load: bool = False  # threads chosen at each decoding by the cores other processes leave free
    beam_size: int = 5
    filler_beam_size: int | None = None  # the prompted pass's beam, where it differs from beam_size
    language: str = "en"
    vad_filter: bool = True
    word_timestamps: bool = True
    condition_on_previous_text: bool = True
    initial_prompt: str | None = None
    chunked: bool = True
    filler_pass: bool = False
    # The plain pass's words kept only where the prompted pass's words had a mean probability
    # under this; None: the plain pass's words everywhere (transcripts saved before it), or no filler pass.
    plain_below: float | None = None
    # Long audio cut at pauses into chunks of at most this many seconds; None: not chunked, or
    # saved before it was recorded (chunks of up to 25 s then).
    max_chunk_s: float | None = None
    # Gaps between words given a filled pause where the prompted decoder gave a hesitation at
    # least this probability; None: not searched, or saved before it was.
    gap_probe: float | None = None
    parallel_passes: bool = False  # the prompted pass on a model of its own, beside the plain one
    hotwords: str | None = None  # terms the plain pass was biased towards
    terms: list[str] = []  # the question's vocabulary, given to the prompted pass
    terms_by_sound: bool = False  # words that sound like a term of ``terms`` written as the term
    # faster-whisper's retry of a poor decoding by sampling (seeded with ``seed``); off: one
    # deterministic retry with repetitions penalised. Transcripts saved before it have it True.
    sampling_fallback: bool = True
    seed: int | None = None
    faster_whisper_version: str = ""


class TermHeard(Record):
    """A term of the question's vocabulary written where Whisper wrote words that sound like it."""

    written: str  # what Whisper wrote: "Cuban Eats"
    term: str  # what the transcript says instead: "Kubernetes"
    start: float


class Transcript(Record):
    """What the model heard, with word timings."""

    text: str
    words: list[Word]
    duration_s: float
    model: ModelInfo
    transcribe_s: float = 0.0
    dropped_segments: list[str] = Field(default_factory=list)
    terms_by_sound: list[TermHeard] = Field(default_factory=list)


class Span(Record):
    """A stretch of the answer, optionally carrying the words it covers."""

    text: str
    start: float
    end: float


class Filler(Span):
    kind: Literal["filled_pause", "discourse"]


class NumberMention(Span):
    kind: Literal[
        "percent",
        "money",
        "duration",
        "size",
        "multiplier",
        "percentile",
        "rate",
        "count",
        "year",
        "change",
        "range",
        "ordinal",
        "plain",
    ]
    value: float | None = None
    from_value: float | None = None  # the starting point of a change or range
    unit: str | None = None
    quantified: bool = False


class Pause(Record):
    start: float
    end: float
    duration_s: float


RubricStatus = Literal["made", "touched", "missed"]


class RubricResult(Record):
    """One rubric point: made (a panel would give it), touched (named, not made) or missed.

    ``sentence`` and ``at`` are the part of the answer that made the point, or touched it when it
    was not made; ``evidence`` the cue words said in it; ``score`` its similarity in meaning to the
    point's description and examples; ``why`` what was missing when the point was only touched.
    """

    point: str
    covered: bool  # the point was made; kept for reports written before "touched" existed
    evidence: list[str] = Field(default_factory=list)
    point_id: str | None = None
    status: RubricStatus | None = None
    sentence: str | None = None
    at: float | None = None
    score: float | None = None
    why: str | None = None

    @property
    def state(self) -> RubricStatus:
        if self.status is not None:
            return self.status
        return "made" if self.covered else "missed"


class Pronouns(Record):
    i: int
    we: int
    i_share: float | None


class StarBreakdown(Record):
    """Seconds spent on situation, task, action and result in a behavioural answer."""

    situation_s: float
    task_s: float
    action_s: float
    result_s: float
    result_start_s: float | None
    flags: list[str] = Field(default_factory=list)


class Range(Record):
    low: float
    high: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


class PaceWindow(Record):
    start: float
    end: float
    wpm: float


class Delivery(Record):
    """How the answer sounded, measured from the audio (``delivery.py`` says how)."""

    pitch_median_hz: float | None
    pitch_spread_st: float | None  # standard deviation in semitones per 6 s window, median over windows
    monotone: bool
    expressive: bool = False
    monotone_spans: list[Span] = Field(default_factory=list)
    volume_db: float | None  # median loudness of voiced speech, dBFS
    volume_spread_db: float | None
    quiet_spans: list[Span] = Field(default_factory=list)
    trailing_off: list[Span] = Field(default_factory=list)  # a sentence's last word said under the breath
    pace_windows: list[PaceWindow] = Field(default_factory=list)
    rushed_spans: list[Span] = Field(default_factory=list)
    pauses_at_boundaries: int = 0
    pauses_mid_clause: list[Span] = Field(default_factory=list)
    pauses_before_numbers: list[Span] = Field(default_factory=list)
    uptalk: list[Span] = Field(default_factory=list)
    pitch_line: list[tuple[float, float]] = Field(default_factory=list)  # (seconds, Hz; 0 unvoiced), every 0.1 s
    loudness_line: list[tuple[float, float]] = Field(default_factory=list)  # (seconds, dB), every 0.25 s
    monotone_below_st: float = 2.0  # the threshold this result used


class FillerCalibration(Record):
    """How well um and uh were heard on this speaker's own voice (``voiceprep calibrate``)."""

    created_at: str
    model: str
    planted: int  # filled pauses the scripts asked for
    heard: int  # filled pauses in the transcripts
    recall: float | None
    precision: float | None


class Report(Record):
    """The analysis of one answer: the stable JSON that users and tests script against."""

    schema_version: int = REPORT_SCHEMA_VERSION
    question_id: str
    pack: str
    question_text: str
    question_kind: str
    created_at: str
    source: str
    duration_s: float
    speaking_s: float
    first_word_s: float | None
    word_count: int
    wpm: float | None
    transcript: str
    words: list[Word]
    fillers: list[Filler]
    filler_count: int
    fillers_per_min: float | None
    fillers_per_100_words: float | None
    too_short: bool = False  # too little speech to judge: rates left out, kept out of progress
    numbers: list[NumberMention]
    quantified: bool
    pauses: list[Pause]
    long_pause_s: float
    hedges: list[Span]
    pronouns: Pronouns
    star: StarBreakdown | None
    rubric: list[RubricResult]
    rubric_covered: int
    rubric_method: str | None = None  # how coverage was judged (rubric.METHOD), None before it was recorded
    filler_calibration: FillerCalibration | None = None  # the speaker's own, when calibrated
    target_duration_s: Range
    target_wpm: Range
    wants_numbers: bool
    hints: list[str]
    mistakes: list[str]
    strong_answer: str | None
    model: ModelInfo | None
    delivery: Delivery | None = None
    # words of the trade the transcript writes where Whisper wrote words that sound like them
    terms_by_sound: list[TermHeard] = Field(default_factory=list)


class TextAnalysis(Record):
    """Fillers, numbers and hedging in typed text; ``start`` and ``end`` are character offsets."""

    source: str
    word_count: int
    fillers: list[Filler]
    filler_count: int
    fillers_per_100_words: float | None
    numbers: list[NumberMention]
    quantified: bool
    hedges: list[Span]
    pronouns: Pronouns
    rubric: list[RubricResult] | None = None
    question_id: str | None = None
