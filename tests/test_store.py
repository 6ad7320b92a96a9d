import shutil
from datetime import datetime
from pathlib import Path

import pytest

from voiceprep.errors import StorageError, UnknownSessionError
from voiceprep.store import Store, resolve_home


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
