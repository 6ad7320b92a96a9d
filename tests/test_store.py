import os
import shutil
import socket
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from voiceprep.errors import StorageError, UnknownSessionError
from voiceprep.store import Store, resolve_home, write_bytes


def test_home_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOICEPREP_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_home() == tmp_path / "recordings"
    monkeypatch.setenv("VOICEPREP_HOME", str(tmp_path / "elsewhere"))
    assert resolve_home() == tmp_path / "elsewhere"
    assert resolve_home(str(tmp_path / "flag")) == tmp_path / "flag"


def test_sessions_survive_hand_edits(tmp_path: Path) -> None:
    store = Store(tmp_path)
    a = store.create("q-a", "p", "practice", now=datetime(2026, 1, 1, 9, 0, 0))
    b = store.create("q-b", "p", "practice", now=datetime(2026, 1, 2, 9, 0, 0))
    c = store.create("q-c", "p", "practice", now=datetime(2026, 1, 3, 9, 0, 0))
    (tmp_path / "stray-folder").mkdir()
    (tmp_path / "notes.txt").write_text("mine")
    (b.path / "session.json").write_text("{ half written")
    shutil.rmtree(c.path)
    assert [s.id for s in store.sessions()] == [a.id]
    assert a.load_report() is None  # never analysed


def test_same_second_gets_a_new_folder(tmp_path: Path) -> None:
    store = Store(tmp_path)
    now = datetime(2026, 1, 1, 9, 0, 0)
    one = store.create("q", "p", "practice", now=now)
    two = store.create("q", "p", "practice", now=now)
    assert one.path != two.path and two.id.endswith("-2")


def test_lookup_by_name_prefix_part_path_and_last(tmp_path: Path) -> None:
    store = Store(tmp_path)
    a = store.create("alpha", "p", "practice", now=datetime(2026, 1, 1, 9, 0, 0))
    b = store.create("beta", "p", "practice", now=datetime(2026, 1, 2, 9, 0, 0))
    assert store.get(a.id).id == a.id
    assert store.get("20260102").id == b.id
    assert store.get("alpha").id == a.id
    assert store.get(str(b.path)).id == b.id
    assert store.get("last").id == b.id
    with pytest.raises(UnknownSessionError, match="matches 2 sessions"):
        store.get("2026")
    with pytest.raises(UnknownSessionError, match="no session"):
        store.get("gamma")


def test_unwritable_home_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="cannot create a session"):
        Store(blocker / "home").create("q", "p", "practice")


def test_a_take_left_recording_by_a_dead_process_is_interrupted(tmp_path: Path) -> None:
    import subprocess
    import sys

    from voiceprep.audio import WavStreamWriter

    store = Store(tmp_path)
    live = store.create("q-live", "p", "practice")
    assert live.status == "recording"  # this process is still at work on it
    dead = store.create("q-dead", "p", "practice", now=datetime(2026, 1, 2, 9, 0, 0))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead.update(pid=int(gone.stdout))
    with WavStreamWriter(dead.answer_path) as w:
        w.write(np.zeros(16000 * 3, np.int16))
    old = store.create("q-old", "p", "practice", now=datetime(2026, 1, 3, 9, 0, 0))
    old.update(pid=None, host=None, status="recorded")  # written by a version that kept no pid
    by_id = {s.meta.question_id: s for s in store.sessions()}
    assert by_id["q-live"].status == "recording"
    assert by_id["q-dead"].status == "interrupted" and by_id["q-dead"].recorded_seconds() == 3.0
    assert by_id["q-old"].status == "interrupted"
    assert [s.meta.question_id for s in store.recoverable()] == ["q-dead"]  # q-old has no audio
    # a pid reused by a process that started after the session was made is not its owner
    old.update(pid=os.getpid(), host=socket.gethostname(), status="recording")
    assert {s.meta.question_id: s for s in store.sessions()}["q-old"].status == "interrupted"


def test_a_home_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StorageError, match="is a file, not a folder"):
        Store(tmp_path / "file").sessions()


def test_a_full_disk_keeps_the_blocks_written_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from voiceprep.audio import WavStreamWriter, read_wav

    path = tmp_path / "answer.wav"
    writer = WavStreamWriter(path)
    writer.write(np.ones(1600, np.int16))
    real_write = writer._file.write

    def full(data: bytes) -> int:
        real_write(data[:100])  # part of the block fits, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writer._file, "write", full)
    with pytest.raises(StorageError, match=r"No space left on device.*0\.1 s recorded before it are kept"):
        writer.write(np.ones(1600, np.int16))
    samples, rate = read_wav(path)
    assert rate == 16000 and len(samples) == 1600 and path.stat().st_size == 44 + 3200


def test_a_write_that_fails_leaves_neither_the_file_nor_a_half_written_copy(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.mkdir()  # the write itself succeeds; moving it into place cannot
    with pytest.raises(StorageError, match=r"cannot write .*report\.json"):
        write_bytes(target, b"{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
    assert target.is_dir()
