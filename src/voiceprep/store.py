"""Sessions on disk: one folder per attempt under the data folder.

A session folder holds ``session.json`` (what it is), ``question.wav``, ``answer.wav``,
``transcript.json``, ``report.json`` and ``report.md``. Listing never trusts a folder: one
deleted by hand, half-written by a crash or edited into nonsense is shown as such or skipped.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import wave
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .errors import StorageError, UnknownSessionError
from .schema import Report, Transcript

HOME_ENV = "VOICEPREP_HOME"
SESSION_FILE = "session.json"


def resolve_home(flag: str | None = None) -> Path:
    """The data folder: ``--home``, else ``$VOICEPREP_HOME``, else ``./recordings``."""
    value = flag or os.environ.get(HOME_ENV)
    return Path(value).expanduser() if value else Path.cwd() / "recordings"


class SessionMeta(BaseModel):
    id: str
    question_id: str
    pack: str
    created_at: str
    source: str  # "practice" or the analysed file's path
    # recording, recorded, analysed, no_speech, too_short, failed, interrupted
    status: str = "recording"
    stopped_by: str | None = None
    note: str | None = None
    # the process that works on the session, so one that died mid-way can be told from one at work
    pid: int | None = None
    host: str | None = None
    interview: str | None = None  # the interview this answer belongs to
    probe: str | None = None  # the interviewer's follow-up this answers (None: the question itself)


# Statuses of a session some process is still working on; the others are final.
IN_PROGRESS = {"recording", "recorded"}
# Statuses (as ``Session.status`` shows them) whose take `voiceprep recover` can analyse in place.
RECOVERABLE = {"interrupted", "failed"}


def _process_alive(pid: int, since: str) -> bool:
    """Whether process ``pid`` runs and is the one that was running at ``since`` (ISO time)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        pass
    started = _process_start(pid)
    if started is None:
        return True
    # a process that started after the session was created got a reused pid
    return started <= datetime.fromisoformat(since).timestamp() + 2


def _process_start(pid: int) -> float | None:
    """When a process started, in seconds since the epoch, where /proc tells (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        boot = next(line for line in Path("/proc/stat").read_text().splitlines() if line.startswith("btime"))
        return int(boot.split()[1]) + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


class Session:
    def __init__(self, path: Path, meta: SessionMeta):
        self.path = path
        self.meta = meta

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def status(self) -> str:
        """The status to show: a session left in progress by a process that is gone was interrupted."""
        meta = self.meta
        here = meta.host in {None, socket.gethostname()}
        if meta.status in IN_PROGRESS and here and (meta.pid is None or not _process_alive(meta.pid, meta.created_at)):
            return "interrupted"
        return meta.status

    def recorded_seconds(self) -> float | None:
        """The length of the answer on disk, from its WAV header; None without a readable one."""
        try:
            with wave.open(str(self.answer_path), "rb") as w:
                return w.getnframes() / w.getframerate()
        except (OSError, EOFError, wave.Error):
            return None

    @property
    def answer_path(self) -> Path:
        return self.path / "answer.wav"

    @property
    def question_audio_path(self) -> Path:
        return self.path / "question.wav"

    @property
    def report_path(self) -> Path:
        return self.path / "report.json"

    def update(self, **changes: object) -> None:
        self.meta = self.meta.model_copy(update=changes)
        _write_atomic(self.path / SESSION_FILE, self.meta.model_dump_json(indent=2))

    def save_transcript(self, transcript: Transcript) -> None:
        _write_atomic(self.path / "transcript.json", transcript.model_dump_json(indent=2))

    @property
    def html_path(self) -> Path:
        return self.path / "report.html"

    def save_report(self, report: Report, markdown: str, page: str) -> None:
        _write_atomic(self.report_path, report.model_dump_json(indent=2))
        _write_atomic(self.path / "report.md", markdown)
        _write_atomic(self.html_path, page)

    def load_report(self) -> Report | None:
        try:
            return Report.model_validate_json(self.report_path.read_text(encoding="utf-8"))
        except (OSError, ValidationError, ValueError):
            return None

    def load_transcript(self) -> Transcript | None:
        try:
            return Transcript.model_validate_json((self.path / "transcript.json").read_text(encoding="utf-8"))
        except (OSError, ValidationError, ValueError):
            return None


def cache_root() -> Path:
    """Where voiceprep keeps what it can work out again (joined models, embedded phrasings):
    ``$XDG_CACHE_HOME/voiceprep``, by default ``~/.cache/voiceprep``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "voiceprep"


def write_text(path: Path, text: str) -> None:
    """Write a file whole or not at all, with one clear error when it cannot be written."""
    _write_atomic(path, text)


def write_bytes(path: Path, data: bytes) -> None:
    """As ``write_text``, for bytes."""
    _write_atomic(path, data)


def _write_atomic(path: Path, data: str | bytes) -> None:
    """``data`` into ``path`` whole or not at all, even with two processes writing it at once."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
        raise StorageError(f"cannot write {path}: {exc.strerror or exc}") from None


class Store:
    def __init__(self, home: Path):
        self.home = home

    def create(self, question_id: str, pack: str, source: str, now: datetime | None = None) -> Session:
        """A new, empty session folder named after the time and the question."""
        now = now or datetime.now()
        stem = f"{now:%Y%m%d-%H%M%S}-{question_id}"
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            for n in range(1, 100):
                name = stem if n == 1 else f"{stem}-{n}"
                path = self.home / name
                try:
                    path.mkdir()
                    break
                except FileExistsError:
                    continue
            else:
                raise StorageError(f"cannot find a free session folder name under {self.home}")
        except OSError as exc:
            raise StorageError(f"cannot create a session in {self.home}: {exc.strerror or exc}") from None
        meta = SessionMeta(
            id=name,
            question_id=question_id,
            pack=pack,
            created_at=now.astimezone().isoformat(timespec="seconds"),
            source=source,
            pid=os.getpid(),
            host=socket.gethostname(),
        )
        session = Session(path, meta)
        session.update()
        return session

    def sessions(self) -> list[Session]:
        """Every readable session, oldest first."""
        if self.home.exists() and not self.home.is_dir():
            raise StorageError(f"the data folder {self.home} is a file, not a folder")
        if not self.home.is_dir():
            return []
        out = []
        for path in sorted(self.home.iterdir()):
            meta_file = path / SESSION_FILE
            if not path.is_dir() or not meta_file.is_file():
                continue
            try:
                meta = SessionMeta.model_validate(json.loads(meta_file.read_text(encoding="utf-8")))
            except (OSError, ValueError, ValidationError):
                continue
            out.append(Session(path, meta))
        out.sort(key=lambda s: (s.meta.created_at, s.id))
        return out

    def get(self, name: str) -> Session:
        """A session by folder name, unique prefix, path, or ``last``."""
        sessions = self.sessions()
        if name in {"last", "latest"}:
            if not sessions:
                raise UnknownSessionError(f"no sessions yet in {self.home}")
            return sessions[-1]
        candidate = Path(name)
        if candidate.is_dir() and (candidate / SESSION_FILE).is_file():
            for s in Store(candidate.resolve().parent).sessions():
                if s.path.resolve() == candidate.resolve():
                    return s
        exact = [s for s in sessions if s.id == name]
        if exact:
            return exact[0]
        matches = [s for s in sessions if s.id.startswith(name) or re.search(re.escape(name), s.id)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise UnknownSessionError(
                f"{name!r} matches {len(matches)} sessions: {', '.join(s.id for s in matches[:3])}..."
            )
        raise UnknownSessionError(f"no session {name!r} in {self.home} (see: voiceprep sessions)")

    def practised(self) -> set[str]:
        return {s.meta.question_id for s in self.sessions() if s.meta.status == "analysed"}

    def recoverable(self) -> list[Session]:
        """Sessions whose take was kept but never analysed, their process gone."""
        return [s for s in self.sessions() if s.status in RECOVERABLE and s.answer_path.is_file()]
