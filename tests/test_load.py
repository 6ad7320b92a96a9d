"""Decoding threads chosen by the cores other processes leave free."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from voiceprep.transcribe import CpuLoad, decoding_threads


@pytest.mark.parametrize(
    ("cores", "others", "threads"),
    [
        (2, 0.0, 1),  # one core for recording and playback, one to decode
        (2, 1.0, 1),
        (4, 0.0, 3),
        (4, 0.4, 3),
        (4, 1.6, 1),  # a browser busy on one and a half cores
        (4, 3.5, 1),  # never fewer than one
        (16, 0.0, 4),  # tiny.en gains nothing past four
        (1, 0.0, 1),
    ],
)
def test_threads_leave_room_for_other_work(cores: int, others: float, threads: int) -> None:
    assert decoding_threads(cores, others) == threads


def test_a_busy_process_beside_is_seen() -> None:
    load = CpuLoad()
    time.sleep(0.3)
    quiet = load.others()
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.6)
        load.others()  # the span that includes the start-up
        time.sleep(0.6)
        loaded = load.others()
    finally:
        busy.kill()
        busy.wait()
    assert loaded >= 0.7, (quiet, loaded)
    assert loaded > quiet + 0.5


def test_own_work_is_not_counted_as_others() -> None:
    load = CpuLoad()
    time.sleep(0.6)
    before = load.others()  # whatever else the machine is doing
    end = time.monotonic() + 0.6
    while time.monotonic() < end:  # this process busy on one core
        pass
    assert load.others() < before + 0.5


def test_a_reading_sooner_than_its_span_repeats_the_last() -> None:
    load = CpuLoad()
    time.sleep(0.3)
    first = load.others()
    assert load.others() == first


def test_the_two_passes_share_one_encoder_run() -> None:
    import threading

    import numpy as np

    from voiceprep.transcribe import SharedEncoder

    calls: list[int] = []
    started = threading.Event()

    def encode(features: np.ndarray) -> float:
        calls.append(1)
        started.set()
        time.sleep(0.2)  # the other pass asks meanwhile
        return float(features.sum())

    shared = SharedEncoder()
    features = np.ones((80, 3000), np.float32)
    results: list[float] = []
    other = threading.Thread(target=lambda: (started.wait(), results.append(shared.encode(encode, features.copy()))))
    other.start()
    results.append(shared.encode(encode, features))
    other.join()
    assert results == [240000.0, 240000.0] and len(calls) == 1
    assert (shared.runs, shared.shared) == (1, 1)
    shared.encode(encode, features * 2)  # other audio: its own run
    assert len(calls) == 2


def test_an_encoder_failure_reaches_every_caller_and_is_not_kept() -> None:
    import numpy as np

    from voiceprep.transcribe import SharedEncoder

    def broken(features: np.ndarray) -> float:
        raise RuntimeError("no")

    shared = SharedEncoder()
    features = np.zeros((80, 10), np.float32)
    with pytest.raises(RuntimeError):
        shared.encode(broken, features)
    assert shared.encode(lambda f: 1.0, features) == 1.0
