"""Question packs: YAML files of interview questions with their rubrics.

The built-in packs live in ``prompts/``; users add their own with ``--pack PATH`` or by
dropping ``*.yaml`` files into ``<home>/packs/``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import PackError, UnknownQuestionError

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RubricPoint(Strict):
    """One thing a strong answer covers: what making it sounds like, and the words that show it was said.

    The mean of the ``examples`` (the ``description`` where there are none) is what the meaning
    of an answer's sentences is compared with. ``cues`` are words or phrases that name the point
    (a cue ending in ``*`` matches any word that starts with it, other cues match the word and
    its inflections). ``near_misses`` are phrasings that sound like the point but are the usual
    mistake about it ("just remove gender from the features" for a data audit): a sentence at
    least as close to one of them as to the nearest of the point's own phrasings (``references``)
    only touches the point. A point with ``reason`` set is made only by a stretch that gives a
    reason or a comparison.
    """

    id: str | None = Field(default=None, pattern=ID_PATTERN)
    point: str = Field(min_length=3)
    description: str | None = Field(default=None, min_length=10)
    examples: list[str] = Field(default_factory=list)
    near_misses: list[str] = Field(default_factory=list)
    probes: list[str] = Field(default_factory=list)  # follow-up questions an interviewer asks when it is missed
    cues: list[str] = Field(min_length=1)
    # Made only by telling what happened ("a real incident"): "I would..." touches it, in any question.
    story: bool = False
    # Made only with its reason ("because", "since", "rather than"...) in the stretch, or opening the
    # sentence after it: "I built it with XGBoost" names the model chosen, not why.
    reason: bool = False

    @property
    def key(self) -> str:
        """The point's id, or its text made into one."""
        return self.id or re.sub(r"[^a-z0-9]+", "-", self.point.lower()).strip("-")

    @property
    def references(self) -> list[str]:
        """The point's own phrasings: its description and its example phrasings."""
        return ([self.description] if self.description else []) + self.examples

    @field_validator("probes")
    @classmethod
    def _probes_are_sentences(cls, probes: list[str]) -> list[str]:
        if any(len(p.strip()) < 10 for p in probes):
            raise ValueError("each probe must be a question or request of at least 10 characters")
        return [p.strip() for p in probes]

    @field_validator("examples", "near_misses")
    @classmethod
    def _examples_not_blank(cls, examples: list[str]) -> list[str]:
        if any(len(e.strip()) < 10 for e in examples):
            raise ValueError("each example must be a phrase of at least 10 characters")
        return [e.strip() for e in examples]

    @field_validator("cues")
    @classmethod
    def _cues_not_blank(cls, cues: list[str]) -> list[str]:
        if any(not c.strip() for c in cues):
            raise ValueError("cues must not be blank")
        return [c.strip().lower() for c in cues]


class Question(Strict):
    id: str = Field(pattern=ID_PATTERN)
    kind: Literal["technical", "behavioural", "closing"]
    text: str = Field(min_length=10)
    target_seconds: tuple[int, int]
    wants_numbers: bool
    strong_answer: str = Field(min_length=10)
    points: list[RubricPoint] = Field(min_length=3, max_length=6)
    mistakes: list[str] = Field(min_length=1)
    story: bool | None = None
    # Words of the trade an answer is likely to use, spelt as they should be written ("LoRA",
    # "p99"): the transcription is told them, so "cache" is not written "cash".
    terms: list[str] = []

    @property
    def is_story(self) -> bool:
        """Whether the answer should be a story of the candidate's own work."""
        return self.story if self.story is not None else self.kind == "behavioural"

    @field_validator("points")
    @classmethod
    def _unique_point_ids(cls, points: list[RubricPoint]) -> list[RubricPoint]:
        keys = [p.key for p in points]
        for key in keys:
            if keys.count(key) > 1:
                raise ValueError(f"point id {key!r} is used twice")
        return points

    @field_validator("target_seconds")
    @classmethod
    def _ordered(cls, value: tuple[int, int]) -> tuple[int, int]:
        low, high = value
        if not 0 < low < high:
            raise ValueError("must be [low, high] seconds with 0 < low < high")
        return value


class Pack(Strict):
    pack: str = Field(pattern=ID_PATTERN)
    title: str
    description: str = ""
    questions: list[Question] = Field(min_length=1)
    terms: list[str] = []  # words of the trade for every question of the pack
    path: Path | None = Field(default=None, exclude=True)

    def vocabulary(self, question: Question) -> tuple[str, ...]:
        """The terms the transcription of an answer to ``question`` is told: its own, then the pack's."""
        seen: dict[str, str] = {}
        for term in [*question.terms, *self.terms]:
            seen.setdefault(term.strip().lower(), term.strip())
        return tuple(t for t in seen.values() if t)

    def points_besides(self, question: Question) -> tuple[RubricPoint, ...]:
        """The rubric points of the pack's other questions: what an answer to ``question`` is not about."""
        return tuple(p for q in self.questions if q.id != question.id for p in q.points)

    @model_validator(mode="after")
    def _unique_ids(self) -> Pack:
        seen: set[str] = set()
        for q in self.questions:
            if q.id in seen:
                raise ValueError(f"question id {q.id!r} is used twice")
            seen.add(q.id)
        return self


def builtin_packs_dir() -> Path:
    """Where the packs shipped with voiceprep are: inside the wheel, or the source tree's prompts/."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "prompts", here.parent.parent / "prompts"):
        if candidate.is_dir():
            return candidate
    return here / "prompts"


def _describe_location(data: object, loc: tuple[int | str, ...]) -> str:
    """Turn a pydantic error location into 'question 3 (id "x"), field points.1.cues'."""
    parts = list(loc)
    where = ""
    if len(parts) >= 2 and parts[0] == "questions" and isinstance(parts[1], int):
        index = parts[1]
        qid = None
        if isinstance(data, dict):
            questions = data.get("questions")
            if isinstance(questions, list) and index < len(questions):
                item = questions[index]
                if isinstance(item, dict):
                    qid = item.get("id")
        where = f"question {index + 1}" + (f" ({qid!r})" if qid else "") + ", "
        parts = parts[2:]
    field = ".".join(str(p) for p in parts) or "(top level)"
    return f"{where}field {field}"


# A pack of a few dozen questions is a few kilobytes; anything near this is not a question pack,
# and YAML would take minutes and gigabytes to find out (measured: 33 MB, 135 s, 1.55 GB).
MAX_PACK_BYTES = 1_000_000
# libyaml's loader where PyYAML was built with it: many times faster than the pure-Python one.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_pack(path: Path) -> Pack:
    """Read and validate one pack file; errors name the file, the question and the field."""
    try:
        size = path.stat().st_size
        if size > MAX_PACK_BYTES:
            raise PackError(f"{path}: {size / 1e6:.1f} MB is too large for a question pack (at most 1 MB)")
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PackError(f"{path}: no such question pack") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(f"{path}: cannot read: {exc}") from None
    try:
        data = yaml.load(raw, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise PackError(f"{path}: not valid YAML{at}: {problem}") from None
    if not isinstance(data, dict):
        raise PackError(f"{path}: expected a mapping with 'pack', 'title' and 'questions'")
    try:
        pack = Pack.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _describe_location(data, tuple(first["loc"]))
        more = len(exc.errors()) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise PackError(f"{path}: {where}: {first['msg']}{tail}") from None
    return pack.model_copy(update={"path": path})


def pack_files(home: Path | None, extra: list[Path] | None = None) -> list[Path]:
    """Built-in packs, then the user's packs folder, then packs given on the command line."""
    files = sorted(builtin_packs_dir().glob("*.yaml"))
    if home is not None and (home / "packs").is_dir():
        files += sorted((home / "packs").glob("*.yaml"))
    for path in extra or []:
        if path.is_dir():
            files += sorted(path.glob("*.yaml"))
        else:
            files.append(path)
    return files


class Library:
    """Every pack voiceprep can see, with lookup by question id."""

    def __init__(self, packs: list[Pack], skipped: list[str] | None = None):
        self.packs = packs
        self.skipped = skipped or []  # why each broken pack in the user's packs folder was left out

    @classmethod
    def load(cls, home: Path | None, extra: list[Path] | None = None) -> Library:
        """Every pack. A broken one in the packs folder is skipped (see ``skipped``), so it
        does not block the others; a broken built-in pack or one named on the command line is an error."""
        packs: list[Pack] = []
        names: dict[str, Path | None] = {}
        skipped: list[str] = []
        folder = (home / "packs").resolve() if home is not None else None
        given = {p.resolve() for p in extra or []}
        for path in pack_files(home, extra):
            try:
                pack = load_pack(path)
            except PackError as exc:
                if folder is None or path.resolve().parent != folder or path.resolve() in given:
                    raise
                skipped.append(str(exc))
                continue
            if pack.pack in names:
                # A later pack of the same name replaces the earlier one, so a user can
                # override a built-in pack by copying and editing it.
                packs = [p for p in packs if p.pack != pack.pack]
            names[pack.pack] = path
            packs.append(pack)
        return cls(packs, skipped)

    def pack(self, name: str) -> Pack:
        for pack in self.packs:
            if pack.pack == name:
                return pack
        known = ", ".join(p.pack for p in self.packs) or "none"
        raise UnknownQuestionError(f"no question pack named {name!r} (packs: {known})")

    def questions(self, pack: str | None = None) -> list[tuple[Pack, Question]]:
        packs = [self.pack(pack)] if pack else self.packs
        return [(p, q) for p in packs for q in p.questions]

    def find(self, question_id: str, pack: str | None = None) -> tuple[Pack, Question]:
        wanted = question_id.strip().lower()
        pairs = self.questions(pack)
        for p, q in pairs:
            if q.id == wanted or f"{p.pack}/{q.id}" == wanted:
                return p, q
        if re.fullmatch(r"\d+", wanted) and pack is not None:
            index = int(wanted) - 1
            if 0 <= index < len(pairs):
                return pairs[index]
        close = [q.id for _, q in pairs if wanted in q.id]
        hint = f" Did you mean: {', '.join(close[:3])}?" if close else " See: voiceprep questions"
        raise UnknownQuestionError(f"unknown question id {question_id!r}.{hint}")
