"""Decoding threads chosen by the cores other processes leave free."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
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


def test_a_decoding_whose_words_reach_the_speech_end_encodes_no_further_window() -> None:
    import numpy as np

    from voiceprep.transcribe import SharedEncoder, TailSkipped

    shared = SharedEncoder()
    encode = lambda f: float(f.sum())  # noqa: E731
    window = np.ones((80, 3000), np.float32)
    shared.start_decoding()
    shared.heard_all(True)
    assert shared.encode(encode, window) == 240000.0  # a decoding's first window is always heard
    shared.heard_all(False)
    assert shared.encode(encode, window * 2) == 480000.0  # words stop short of the speech: go on
    shared.heard_all(True)
    with pytest.raises(TailSkipped):
        shared.encode(encode, window * 3)
    assert (shared.runs, shared.tails_skipped) == (2, 1)
    shared.start_decoding()  # the next decoding starts afresh
    assert shared.encode(encode, window * 4) == 960000.0


def test_speech_end_is_the_last_speech_inside_the_range() -> None:
    from voiceprep.transcribe import speech_end

    spans = [(0, 16000), (32000, 48000), (80000, 96000)]
    assert speech_end(spans, 0, 64000) == 3.0
    assert speech_end(spans, 16000, 88000) == (88000 - 16000) / 16000  # cut by the range's end
    assert speech_end(spans, 50000, 70000) is None


def test_the_two_passes_share_one_vad_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import faster_whisper.transcribe as fw
    import numpy as np

    from voiceprep.transcribe import share_vad

    calls: list[int] = []

    def vad(audio: np.ndarray, vad_options: object = None, sampling_rate: int = 16000) -> list[dict[str, int]]:
        calls.append(len(audio))
        return [{"start": 0, "end": len(audio)}]

    monkeypatch.setattr(fw, "get_speech_timestamps", vad)
    share_vad()
    audio = np.ones(1600, np.float32)
    first = fw.get_speech_timestamps(audio, None)
    first[0]["end"] = 0  # a caller changing its copy changes nothing for the next
    assert fw.get_speech_timestamps(audio.copy(), None) == [{"start": 0, "end": 1600}]
    assert calls == [1600]
    fw.get_speech_timestamps(audio * 2, None)
    assert calls == [1600, 1600]


def test_a_retried_decoding_gives_the_same_words_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real clips whose first decoding is poor: retried, and heard twice, they come out the same.

    With faster-whisper's sampling retry, two of these came out differently the second time
    (CTranslate2 seeds a worker thread's random state once, not at every decoding).
    """
    from pathlib import Path

    from voiceprep.audio import load_audio
    from voiceprep.transcribe import Transcriber

    transcriber = Transcriber()
    retries: list[dict[str, object]] = []
    once = transcriber._decode_once

    def counted(*args: object, **options: object):
        if "repetition_penalty" in options:
            retries.append(options)
        return once(*args, **options)

    monkeypatch.setattr(transcriber, "_decode_once", counted)
    data = Path(__file__).parent / "data" / "real-speech" / "mfa"
    clips = [load_audio(data / name) for name in ("mfa_cutoff.flac", "mfa_internalsil.flac")]
    first = [transcriber.transcribe(audio).text for audio in clips]
    assert retries, "no decoding of these clips was retried"
    again = [transcriber.transcribe(audio).text for audio in reversed(clips)][::-1]
    assert again == first
    assert transcriber.info.sampling_fallback is False


def test_the_encoder_takes_every_core_only_while_other_processes_leave_them_free() -> None:
    from voiceprep.transcribe import SharedEncoder

    class Wide:
        def encode(self, features: np.ndarray) -> str:
            return "wide"

    free = [True]
    shared = SharedEncoder()
    assert shared.encode(lambda f: "narrow", np.zeros(3, np.float32)) == "narrow"  # not widened yet
    shared.widen(Wide(), lambda: free[0])
    assert shared.widened
    assert shared.encode(lambda f: "narrow", np.ones(3, np.float32)) == "wide"
    free[0] = False  # a busy process beside: one thread, as every decoding then
    assert shared.encode(lambda f: "narrow", np.full(3, 2, np.float32)) == "narrow"
    assert shared.wide_runs == 1


@pytest.mark.e2e
@pytest.mark.skipif(len(__import__("os").sched_getaffinity(0)) < 2, reason="one core: nothing to widen onto")
def test_live_the_encoder_on_every_core_writes_the_same_words(spoken_answer) -> None:
    from voiceprep.stream import transcribe_live
    from voiceprep.transcribe import Transcriber

    audio = spoken_answer.astype(np.float32) / 32768
    narrow = Transcriber()
    narrow.widen = lambda: None  # type: ignore[method-assign]
    wide = Transcriber()
    wide.encoder.widen(wide._load_model(2, shared=False), lambda: True)  # whatever the load here
    words = [transcribe_live(t, audio).words for t in (narrow, wide)]
    assert wide.encoder.wide_runs >= 1 and narrow.encoder.wide_runs == 0
    assert words[0] == words[1]  # the same encoder output to the last bit: the load never changes the words


def test_on_two_cores_the_two_passes_share_one_model_and_hear_the_same_words() -> None:
    """Where the plain pass decodes on one thread, the prompted pass runs on a second worker of
    the same model (its weights shared), and a clip comes out as with two models."""
    from pathlib import Path

    from voiceprep.audio import load_audio
    from voiceprep.transcribe import Settings, Transcriber

    both = Settings(plain_below=2.0)  # every chunk both passes, side by side
    shared = Transcriber(settings=both)
    if shared.info.cpu_threads != 1 or os.cpu_count() == 1:
        pytest.skip("the plain pass decodes on more than one thread here: two models, as before")
    assert shared._prompted_model is shared._models[1]
    # faster-whisper's sampling retry keeps a model of its own for the prompted pass
    sampling = Transcriber(settings=Settings(sampling_fallback=True, plain_below=2.0))
    assert sampling._prompted_model is not None and sampling._prompted_model is not sampling._models[1]
    apart = Transcriber(settings=both)
    apart._prompted_model = apart._load_model(1)  # as before: a model of its own
    audio = load_audio(Path(__file__).parent / "data" / "real-speech-ami" / "ami-en2002b-bc-1416_agent.flac")
    words = shared.transcribe(audio).words
    assert [w.text for w in words] == [w.text for w in apart.transcribe(audio).words]
    assert any(w.text.strip(",.").lower() == "um" for w in words)  # the prompted pass was heard


def test_the_plain_pass_decodes_only_where_the_prompted_pass_is_unsure_of_its_words() -> None:
    """A meeting clip the prompted pass hears surely (mean word probability about 0.93 here) is
    its words alone; one it is unsure of (about 0.63) is decoded plainly too, as before the gate."""
    from pathlib import Path

    from voiceprep.audio import load_audio
    from voiceprep.transcribe import PLAIN_BELOW, Settings, Transcriber, sure_of

    data = Path(__file__).parent / "data" / "real-speech-ami"
    sure, unsure = (
        load_audio(data / name) for name in ("ami-en2002b-bc-0859_agent.flac", "ami-en2002b-take-1069_agent.flac")
    )
    gated = Transcriber()
    prompted_only = Transcriber(settings=Settings(plain_below=0.0))
    both = Transcriber(settings=Settings(plain_below=2.0))
    assert gated.info.plain_below == PLAIN_BELOW and both.info.plain_below == 2.0

    heard = gated.transcribe(sure).words
    # a file has nobody waiting on it: no plain pass beside the prompted one, whatever the cores
    assert (gated.plain_skipped, gated.plain_decoded) == (1, 0)
    assert sure_of(heard, PLAIN_BELOW)
    assert [w.text for w in heard] == [w.text for w in prompted_only.transcribe(sure).words]

    heard = gated.transcribe(unsure).words
    assert (gated.prompted_first, gated.plain_skipped) == (2, 1)  # this one was decoded plainly as well
    assert gated.plain_decoded == 1
    assert not sure_of(prompted_only.transcribe(unsure).words, PLAIN_BELOW)
    assert [w.text for w in heard] == [w.text for w in both.transcribe(unsure).words]

    # live, the candidate waits: while cores are free the plain pass decodes beside the prompted
    # one on every chunk (where there is a second worker), and the words do not change
    gated._cores_free = lambda: True  # type: ignore[method-assign]
    gated.widen()
    again = gated.transcribe(sure).words
    assert [w.text for w in again] == [w.text for w in prompted_only.transcribe(sure).words]
    assert gated.plain_decoded == (2 if gated.info.parallel_passes else 1)
