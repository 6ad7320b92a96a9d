"""The evaluation harness: how right voiceprep's figures are on real speech and real transcripts.

Audio clips come from a manifest in the format of ``tests/data/real-speech/manifest.jsonl``
and go through the same path as ``voiceprep analyze`` (decode, transcribe, find fillers and
numbers). Verbatim transcripts (``tests/data/transcripts/*.json``) are scored as text.

Scoring never uses Whisper's English text normaliser: it deletes "um", "uh" and "hmm".
"""

from __future__ import annotations

import json
import re
import resource
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import fillers as fillers_mod
from . import numbers as numbers_mod
from . import rubric as rubric_mod
from .audio import SAMPLE_RATE, FloatArray, load_audio
from .errors import VoiceprepError
from .questions import Question, RubricPoint
from .schema import Filler, NumberMention, Transcript
from .speech import PiperSpeaker, Speaker
from .stream import transcribe_live, transcribe_streaming
from .tokens import FILLED_PAUSE, Token, from_text, from_words, normalise
from .transcribe import Settings, Transcriber

NUMBER_KINDS = {"CARDINAL", "PERCENT", "MONEY", "YEAR", "ORDINAL", "RANGE"}


class ManifestEntry(BaseModel):
    model_config = ConfigDict(extra="ignore")

    audio: str
    reference: str
    filler_count: int
    # What ``filler_count`` counts; found fillers are counted the same way. The real-speech set
    # counts "you know" with the filled pauses; the AMI set counts filled pauses only, leaving
    # "like" and "I mean" uncounted in its references.
    filler_count_of: Literal["filled pauses", "filled pauses and you know"] = "filled pauses and you know"
    numbers: list[float] = Field(default_factory=list)
    source: str = ""
    kind: str = ""
    speaker: str = ""


class ClipScore(BaseModel):
    clip: str
    speaker: str = ""
    duration_s: float
    reference: str
    hypothesis: str
    ref_words: int
    word_errors: int
    fillers_ref: int
    fillers_found: int
    fillers_aligned: int
    numbers_ref: list[float]
    numbers_found: list[float]
    numbers_matched: int
    transcribe_s: float


class Rates(BaseModel):
    precision: float | None
    recall: float | None
    f1: float | None


class Scores(BaseModel):
    """The figures of a set of clips: all of a manifest's, or one speaker's."""

    clip_count: int
    seconds: float
    fillers_ref: int
    numbers_ref: int
    content_wer: float
    fillers: Rates  # per-clip counts
    fillers_aligned: Rates  # fillers that stand where the reference has one
    numbers: Rates


class SpeakerScores(Scores):
    speaker: str


class AudioEvaluation(Scores):
    manifest: str
    model: str
    path: str  # which code path transcribed the clips
    settings: dict[str, object]
    clips: list[ClipScore]
    speakers: list[SpeakerScores]  # figures per speaker, in the manifest's order
    rtf: float
    peak_rss_mb: float
    # chunks decoded by the prompted pass first; of them, those whose plain pass's words were kept
    # (the prompted pass unsure of its own), and those the plain pass decoded at all
    prompted_first: int = 0
    plain_too: int = 0
    plain_decoded: int = 0


class TextScore(BaseModel):
    document: str
    words: int
    fillers_ref: int
    fillers_found: int
    numbers_ref: int
    numbers_found_digits: int
    numbers_found_words: int
    numbers_recalled: int
    numbers_correct: int
    missed: list[str]
    unmatched: list[str]


class TextEvaluation(BaseModel):
    documents: list[TextScore]
    fillers: Rates
    numbers: Rates


def rates(true_positive: int, found: int, expected: int) -> Rates:
    p = true_positive / found if found else None
    r = true_positive / expected if expected else None
    f1 = 2 * p * r / (p + r) if p is not None and r is not None and p + r > 0 else None
    return Rates(precision=_r(p), recall=_r(r), f1=_r(f1))


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


# ------------------------------------------------------------------ text normalisation


def reference_words(reference: str) -> list[str]:
    """The words of a reference: cut-off words and markup dropped, hesitated words kept."""
    text = re.sub(r"<cutoff-[^>]*>|\[[^\]]*\]|<unk>", " ", reference.lower())
    text = re.sub(r"<hes-([^>]*)>", r"\1", text)
    return text.split()


def _canonical(tokens: list[Token]) -> list[str]:
    """Normalised words, with each number (in digits or words) replaced by its value."""
    return _canonical_with_sources(tokens)[0]


def _canonical_with_sources(tokens: list[Token]) -> tuple[list[str], list[int]]:
    """Canonical words, and for each the index of the token it came from."""
    mentions = numbers_mod.find_numbers(tokens)
    out: list[str] = []
    sources: list[int] = []
    i = 0
    by_start = {m.start: m for m in mentions}
    while i < len(tokens):
        m = by_start.get(tokens[i].start)
        if m is not None:
            values = [v for v in (m.from_value, m.value) if v is not None]
            out += [_number_word(v) for v in values]
            sources += [i] * len(values)
            while i < len(tokens) and tokens[i].end <= m.end:
                i += 1
            continue
        for part in re.split(r"[-/]", tokens[i].norm):
            part = part.strip(".,;:!?\"'")
            if part:
                out.append(part)
                sources.append(i)
        i += 1
    return out, sources


def _number_word(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def content_words(words: list[str]) -> list[str]:
    """Words with filled pauses left out, as both sides of the content word error rate see them."""
    return [w for w in words if not FILLED_PAUSE.match(w)]


def alignment(
    ref: list[str], hyp: list[str], same: Callable[[str, str], bool] | None = None
) -> tuple[int, list[tuple[int | None, int | None]]]:
    """Word edit distance and the aligned pairs (reference index, hypothesis index).

    ``same`` decides which words match (exact equality by default).
    """
    match = same or (lambda a, b: a == b)
    n, m = len(ref), len(hyp)
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        cost[i][0] = i
    for j in range(m + 1):
        cost[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i][j] = min(
                cost[i - 1][j] + 1, cost[i][j - 1] + 1, cost[i - 1][j - 1] + (not match(ref[i - 1], hyp[j - 1]))
            )
    pairs: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and cost[i][j] == cost[i - 1][j - 1] + (not match(ref[i - 1], hyp[j - 1])):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i > 0 and cost[i][j] == cost[i - 1][j] + 1:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    return cost[n][m], pairs[::-1]


def _same_or_both_fillers(a: str, b: str) -> bool:
    """For placing fillers: a word matches itself, and any filled pause matches any other."""
    return a == b or (FILLED_PAUSE.match(a) is not None and FILLED_PAUSE.match(b) is not None)


def _filler_positions(words: list[str], count: int) -> set[int]:
    """Indices of the reference's fillers: filled pauses, then "you know" up to its count."""
    found = {k for k, w in enumerate(words) if FILLED_PAUSE.match(w)}
    for k in range(len(words) - 1):
        if len(found) >= count:
            break
        if words[k] == "you" and words[k + 1] == "know":
            found |= {k, k + 1}
    return found


def _number_values(mentions: list[NumberMention]) -> list[float]:
    out: list[float] = []
    for m in mentions:
        out += [v for v in (m.from_value, m.value) if v is not None]
    return out


def _matched(expected: list[float], found: list[float]) -> int:
    left = Counter(round(v, 4) for v in expected)
    hits = 0
    for v in found:
        key = round(v, 4)
        if left[key] > 0:
            left[key] -= 1
            hits += 1
    return hits


# ------------------------------------------------------------------ audio


def load_manifest(path: Path) -> list[ManifestEntry]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise VoiceprepError(f"{path}: cannot read the manifest: {exc.strerror or exc}") from None
    entries = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entries.append(ManifestEntry.model_validate_json(line))
        except ValidationError as exc:
            first = exc.errors()[0]
            if first["type"] == "json_invalid":
                raise VoiceprepError(
                    f"{path}: line {number} is not JSON: a manifest holds one JSON object a line"
                ) from None
            where = ".".join(str(p) for p in first["loc"]) or "line"
            raise VoiceprepError(f"{path}: line {number}: {where}: {first['msg']}") from None
    return entries


def counted_fillers(entry: ManifestEntry, tokens: list[Token]) -> list[Filler]:
    """The fillers found in ``tokens`` of the kinds the entry's ``filler_count`` counts."""
    with_you_know = entry.filler_count_of == "filled pauses and you know"
    return [
        f
        for f in fillers_mod.find_fillers(tokens)
        if f.kind == "filled_pause" or (with_you_know and normalise(f.text) == "you know")
    ]


def score_clip(entry: ManifestEntry, hyp_tokens: list[Token]) -> tuple[list[str], int, int, int]:
    """The hypothesis's canonical words, its content word errors, the reference's content word
    count, and how many fillers found stand where the reference has one."""
    ref_all = _canonical(from_text(" ".join(reference_words(entry.reference))))
    hyp_all, sources = _canonical_with_sources(hyp_tokens)
    errors, _ = alignment(content_words(ref_all), content_words(hyp_all))
    ref_fillers = _filler_positions(ref_all, entry.filler_count)
    # which filler each hypothesis word belongs to, through the token it came from
    token_filler: dict[int, int] = {}
    for group, filler in enumerate(counted_fillers(entry, hyp_tokens)):
        for k, t in enumerate(hyp_tokens):
            if filler.start <= t.start and t.end <= filler.end:
                token_filler[k] = group
    _, pairs = alignment(ref_all, hyp_all, same=_same_or_both_fillers)
    placed: set[int] = set()
    for i, j in pairs:
        if i is not None and j is not None and i in ref_fillers and sources[j] in token_filler:
            placed.add(token_filler[sources[j]])
    return hyp_all, errors, len(content_words(ref_all)), len(placed)


def evaluate_audio(
    manifest: Path,
    model: str | None = None,
    limit: int | None = None,
    on_clip: Callable[[ClipScore], None] | None = None,
    settings: Settings | None = None,
    live: bool = False,
    entries: list[ManifestEntry] | None = None,
) -> AudioEvaluation:
    """Score every clip of ``manifest``: as ``voiceprep analyze`` transcribes a file, or with
    ``live`` as ``voiceprep practice`` transcribes an answer while it is spoken.

    ``entries``: the manifest already read (``load_manifest``), so that it is read once.
    """
    entries = (load_manifest(manifest) if entries is None else entries)[:limit]
    transcriber = Transcriber(model, settings)
    run: Callable[[Transcriber, FloatArray], Transcript]
    if not transcriber.settings.chunked:
        path, run = "faster-whisper's windowing", Transcriber.transcribe  # the baseline, whole clips
    elif live:
        path, run = "practice (live)", transcribe_live
    else:
        path, run = "analyze (file)", transcribe_streaming
    clips: list[ClipScore] = []
    for entry in entries:
        audio = load_audio(manifest.parent / entry.audio)
        transcript = run(transcriber, audio)
        tokens = from_words(transcript.words)
        found_fillers = counted_fillers(entry, tokens)
        found_numbers = _number_values(numbers_mod.find_numbers(tokens))
        _, errors, ref_count, aligned = score_clip(entry, tokens)
        clip = ClipScore(
            clip=entry.audio,
            speaker=entry.speaker,
            duration_s=round(len(audio) / SAMPLE_RATE, 3),
            reference=entry.reference,
            hypothesis=transcript.text,
            ref_words=ref_count,
            word_errors=errors,
            fillers_ref=entry.filler_count,
            fillers_found=len(found_fillers),
            fillers_aligned=aligned,
            numbers_ref=entry.numbers,
            numbers_found=found_numbers,
            numbers_matched=_matched(entry.numbers, found_numbers),
            transcribe_s=transcript.transcribe_s,
        )
        clips.append(clip)
        if on_clip is not None:
            on_clip(clip)
    speakers = list(dict.fromkeys(c.speaker for c in clips))
    return AudioEvaluation(
        manifest=str(manifest),
        model=transcriber.name,
        path=path,
        settings=transcriber.info.model_dump(exclude={"path", "name"}),
        clips=clips,
        speakers=[
            SpeakerScores(speaker=name, **score_clips([c for c in clips if c.speaker == name]).model_dump())
            for name in speakers
        ],
        **score_clips(clips).model_dump(),
        rtf=round(sum(c.transcribe_s for c in clips) / max(1e-9, sum(c.duration_s for c in clips)), 4),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        prompted_first=transcriber.prompted_first,
        plain_too=transcriber.plain_kept,
        plain_decoded=transcriber.plain_decoded,
    )


def score_clips(clips: list[ClipScore]) -> Scores:
    """Content WER and filler and number rates over ``clips``, each filler counted per clip."""
    ref_fillers = sum(c.fillers_ref for c in clips)
    found = sum(c.fillers_found for c in clips)
    counted = sum(min(c.fillers_ref, c.fillers_found) for c in clips)
    return Scores(
        clip_count=len(clips),
        seconds=round(sum(c.duration_s for c in clips), 1),
        fillers_ref=ref_fillers,
        numbers_ref=sum(len(c.numbers_ref) for c in clips),
        content_wer=round(sum(c.word_errors for c in clips) / max(1, sum(c.ref_words for c in clips)), 4),
        fillers=rates(counted, found, ref_fillers),
        fillers_aligned=rates(sum(c.fillers_aligned for c in clips), found, ref_fillers),
        numbers=rates(
            sum(c.numbers_matched for c in clips),
            sum(len(c.numbers_found) for c in clips),
            sum(len(c.numbers_ref) for c in clips),
        ),
    )


# ------------------------------------------------------------------ text


def score_text(name: str, text: str, filler_count: int, entities: list[dict[str, object]]) -> TextScore:
    """Fillers (um and uh) and numbers found in a verbatim transcript, against its tags.

    The corpus tags numbers written in digits only, so precision is measured on the numbers
    found in digits; numbers found in words are counted but cannot be scored.
    """
    tokens = from_text(text)
    found_fillers = [f for f in fillers_mod.find_fillers(tokens) if f.kind == "filled_pause"]
    um_uh = [f for f in found_fillers if f.text.startswith(("u", "e"))]
    mentions = numbers_mod.find_numbers(tokens)
    tags = [
        (int(str(e["start"])), int(str(e["end"])), str(e["text"])) for e in entities if e.get("kind") in NUMBER_KINDS
    ]
    digit_tags = tags + [
        (int(str(e["start"])), int(str(e["end"])), str(e["text"]))
        for e in entities
        if e.get("kind") == "ALPHANUMERIC" and re.search(r"\d", str(e["text"]))
    ]

    def overlaps(a: tuple[float, float], b: tuple[int, int]) -> bool:
        return a[0] < b[1] and b[0] < a[1]

    spans = [(m.start, m.end) for m in mentions]
    recalled = [t for t in tags if any(overlaps(s, (t[0], t[1])) for s in spans)]
    digit_mentions = [m for m in mentions if re.search(r"\d", text[int(m.start) : int(m.end)])]
    correct = [m for m in digit_mentions if any(overlaps((m.start, m.end), (t[0], t[1])) for t in digit_tags)]
    return TextScore(
        document=name,
        words=len(tokens),
        fillers_ref=filler_count,
        fillers_found=len(um_uh),
        numbers_ref=len(tags),
        numbers_found_digits=len(digit_mentions),
        numbers_found_words=len(mentions) - len(digit_mentions),
        numbers_recalled=len(recalled),
        numbers_correct=len(correct),
        missed=[t[2] for t in tags if t not in recalled][:20],
        unmatched=[m.text for m in digit_mentions if m not in correct][:20],
    )


def evaluate_texts(paths: list[Path]) -> TextEvaluation:
    documents = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            documents.append(score_text(path.name, data["text"], int(data["filler_count"]), data["entities"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise VoiceprepError(f"{path}: not a transcript with text, filler_count and entities ({exc})") from None
    return TextEvaluation(
        documents=documents,
        fillers=rates(
            sum(min(d.fillers_ref, d.fillers_found) for d in documents),
            sum(d.fillers_found for d in documents),
            sum(d.fillers_ref for d in documents),
        ),
        numbers=Rates(
            precision=_r(
                sum(d.numbers_correct for d in documents) / max(1, sum(d.numbers_found_digits for d in documents))
            ),
            recall=_r(sum(d.numbers_recalled for d in documents) / max(1, sum(d.numbers_ref for d in documents))),
            f1=None,
        ),
    )


# ------------------------------------------------------------------ rubric coverage


class RubricAnswer(BaseModel):
    """One labelled answer of the rubric dev set: its text and the points a panel would give it."""

    model_config = ConfigDict(extra="forbid")

    id: str
    question: str
    style: str
    text: str = Field(min_length=1)
    made: list[str]


class RubricSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: list[RubricAnswer] = Field(min_length=1)


class RubricAnswerScore(BaseModel):
    id: str
    question: str
    style: str
    expected: list[str]
    made: list[str]
    touched: list[str]
    seconds: float
    transcript: str | None = None  # what Whisper heard, when the answer was spoken
    points: int  # how many points its question has

    @property
    def shape(self) -> str:
        """Whether the labels say the answer makes every point of its question, some, or none."""
        if not self.expected:
            return "no point"
        return "every point" if len(self.expected) >= self.points else "some points"

    @property
    def false_made(self) -> list[str]:
        return [p for p in self.made if p not in self.expected]

    @property
    def not_made(self) -> list[str]:
        return [p for p in self.expected if p not in self.made]


class RubricGroup(BaseModel):
    name: str
    answers: int
    expected: int
    made: int
    correct: int
    rates: Rates


class RubricEvaluation(BaseModel):
    set: str
    method: str
    spoken: bool
    voice: str | None = None  # the voice that read the answers, when spoken
    answers: list[RubricAnswerScore]
    overall: RubricGroup
    by_question: list[RubricGroup]
    by_style: list[RubricGroup]
    # by how many of its question's points each answer makes: an answer making every point, or
    # none, cannot show a point given for its neighbour in the same answer
    by_shape: list[RubricGroup]
    seconds_per_answer: float  # rubric judging alone, after the sentence model has loaded
    load_seconds: float


def load_rubric_set(path: Path, questions: dict[str, Question]) -> list[RubricAnswer]:
    """Read a rubric dev set, checking every question id and point id against the packs."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        answers = RubricSet.model_validate(data).answers
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise VoiceprepError(f"{path}: cannot read the rubric set ({exc.__class__.__name__})") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise VoiceprepError(f"{path}: field {where}: {first['msg']}") from exc
    for a in answers:
        if a.question not in questions:
            raise VoiceprepError(f"{path}: answer {a.id!r} is for an unknown question {a.question!r}")
        keys = {p.key for p in questions[a.question].points}
        unknown = [p for p in a.made if p not in keys]
        if unknown:
            raise VoiceprepError(f"{path}: answer {a.id!r} names unknown points {unknown} of {a.question!r}")
    return answers


def _group(name: str, scores: list[RubricAnswerScore]) -> RubricGroup:
    expected = sum(len(s.expected) for s in scores)
    made = sum(len(s.made) for s in scores)
    correct = sum(len(set(s.made) & set(s.expected)) for s in scores)
    return RubricGroup(
        name=name,
        answers=len(scores),
        expected=expected,
        made=made,
        correct=correct,
        rates=rates(correct, made, expected),
    )


def score_rubric(
    answers: list[RubricAnswer],
    questions: dict[str, Question],
    method: rubric_mod.Method = rubric_mod.METHOD,
    limits: rubric_mod.Thresholds = rubric_mod.THRESHOLDS,
    transcripts: dict[str, list[Token]] | None = None,
    others: dict[str, tuple[RubricPoint, ...]] | None = None,
) -> list[RubricAnswerScore]:
    """Each answer judged from its text, or from what Whisper heard when ``transcripts`` has it.

    ``others``: question id -> the points of its pack's other questions (``Pack.points_besides``).
    """
    out = []
    for a in answers:
        tokens = transcripts[a.id] if transcripts is not None else from_text(a.text)
        started = time.perf_counter()
        results = rubric_mod.coverage(
            questions[a.question], tokens, method=method, limits=limits, others=(others or {}).get(a.question, ())
        )
        seconds = time.perf_counter() - started
        out.append(
            RubricAnswerScore(
                id=a.id,
                question=a.question,
                style=a.style,
                expected=a.made,
                made=[r.point_id or r.point for r in results if r.state == "made"],
                touched=[r.point_id or r.point for r in results if r.state == "touched"],
                seconds=round(seconds, 4),
                transcript=" ".join(t.raw for t in tokens) if transcripts is not None else None,
                points=len(questions[a.question].points),
            )
        )
    return out


def summarise_rubric(
    name: str,
    method: str,
    spoken: bool,
    scores: list[RubricAnswerScore],
    load_seconds: float,
    voice: str | None = None,
) -> RubricEvaluation:
    order = list(dict.fromkeys(s.question for s in scores))
    styles = list(dict.fromkeys(s.style for s in scores))
    return RubricEvaluation(
        set=name,
        method=method,
        spoken=spoken,
        voice=voice if spoken else None,
        answers=scores,
        overall=_group("all", scores),
        by_question=[_group(q, [s for s in scores if s.question == q]) for q in order],
        by_style=[_group(st, [s for s in scores if s.style == st]) for st in styles],
        by_shape=[
            _group(shape, [s for s in scores if s.shape == shape])
            for shape in ("every point", "some points", "no point")
            if any(s.shape == shape for s in scores)
        ],
        seconds_per_answer=round(sum(s.seconds for s in scores) / len(scores), 4),
        load_seconds=round(load_seconds, 3),
    )


def spoken_transcripts(
    answers: list[RubricAnswer],
    model: str | None,
    on_answer: Callable[[str], None] | None = None,
    vocabularies: dict[str, tuple[str, ...]] | None = None,
    settings: Settings | None = None,
    speaker: Speaker | PiperSpeaker | None = None,
) -> dict[str, list[Token]]:
    """Each answer read aloud (by eSpeak NG unless ``speaker`` is given) and transcribed as
    ``voiceprep analyze`` would: told its question's vocabulary (``vocabularies``, question id -> terms)."""
    import tempfile

    speaker = speaker or Speaker()
    transcriber = Transcriber(model, settings)
    out: dict[str, list[Token]] = {}
    with tempfile.TemporaryDirectory(prefix="voiceprep-rubric-") as tmp:
        for a in answers:
            wav = speaker.render(a.text, Path(tmp) / f"{a.id}.wav")
            transcriber.use_terms((vocabularies or {}).get(a.question, ()))
            out[a.id] = from_words(transcriber.transcribe(load_audio(wav)).words)
            if on_answer is not None:
                on_answer(a.id)
    return out


def evaluate_rubric(
    path: Path,
    questions: dict[str, Question],
    method: rubric_mod.Method = rubric_mod.METHOD,
    spoken: bool = False,
    model: str | None = None,
    on_answer: Callable[[str], None] | None = None,
    vocabularies: dict[str, tuple[str, ...]] | None = None,
    others: dict[str, tuple[RubricPoint, ...]] | None = None,
    settings: Settings | None = None,
    speaker: Speaker | PiperSpeaker | None = None,
) -> RubricEvaluation:
    """Score rubric coverage on a labelled dev set: precision and recall of the points made.

    ``spoken``: each answer is first read aloud and transcribed, told ``vocabularies`` as practice is.
    ``others``: as practice judges, each question's answers against its pack's other questions too.
    """
    answers = load_rubric_set(path, questions)
    speaker = speaker or Speaker() if spoken else None
    transcripts = spoken_transcripts(answers, model, on_answer, vocabularies, settings, speaker) if spoken else None
    started = time.perf_counter()
    if method in ("meaning", "combined"):
        # The model, and the phrasings of the questions asked and of the rest of their packs:
        # practice and interview embed these while the candidate speaks (``rubric.prepare``), so
        # the time per answer is that of judging one, not of the first answer to each question.
        asked = dict.fromkeys(a.question for a in answers)
        rubric_mod.prepare(
            [p for q in asked for p in questions[q].points] + [p for q in asked for p in (others or {}).get(q, ())]
        )
    load_seconds = time.perf_counter() - started
    scores = score_rubric(answers, questions, method, transcripts=transcripts, others=others)
    read_by = None
    if speaker is not None:
        seed = getattr(speaker, "seed", None)  # Piper's noise, where it was seeded: the run repeats
        read_by = speaker.key + (f", seed {seed}" if seed is not None else "")
    return summarise_rubric(path.name, method, spoken, scores, load_seconds, read_by)
