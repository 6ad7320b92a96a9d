"""`voiceprep calibrate` end to end: each script read by eSpeak NG into the virtual microphone,
transcribed by the real model, counted, kept, and shown beside the filler count of later reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from helpers import content_words, run_cli, word_error_rate, write_wav
from test_e2e import make_virtual_audio
from test_interview_e2e import speak
from voiceprep import calibrate

pytestmark = pytest.mark.e2e


def feed_takes(proc: subprocess.Popen[str], mic: Path, folder: Path, reads: list[np.ndarray]) -> None:
    """For each take-N.wav the calibration starts, the Nth read; silence in between."""
    fed: dict[str, int] = {}
    while proc.poll() is None:
        try:
            with open(mic, "wb") as fifo:
                while proc.poll() is None:
                    takes = sorted(folder.glob("*/take-*.wav"), key=lambda p: int(p.stem.split("-")[1]))
                    block = np.zeros(1600, np.int16)
                    if takes:
                        k = int(takes[-1].stem.split("-")[1]) - 1
                        at = fed.get(takes[-1].name, 0)
                        piece = reads[k][at : at + 1600]
                        block[: len(piece)] = piece
                        fed[takes[-1].name] = at + 1600
                    fifo.write(block.astype("<i2").tobytes())
                    fifo.flush()
                    time.sleep(0.1)
        except BrokenPipeError:
            continue


def test_calibrate_counts_the_planted_hesitations_and_reports_show_it(tmp_path: Path) -> None:
    audio = make_virtual_audio(tmp_path, fifo=True)
    reads = [speak(script, tmp_path / f"read-{k}.wav") for k, script in enumerate(calibrate.SCRIPTS)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "voiceprep", "calibrate", "--silence-seconds", "2", "--voice", "espeak", "--json"],
        env=dict(os.environ, **audio.env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    folder = audio.home / "data" / "calibration"
    threading.Thread(target=feed_takes, args=(proc, audio.mic, folder, reads), daemon=True).start()
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    result = json.loads(out)
    takes = result["takes"]
    assert [t["script"] for t in takes] == calibrate.SCRIPTS
    assert sum(t["planted"] for t in takes) == 11
    # what was counted is what the transcripts hold, and the rates follow from the counts
    for t in takes:
        assert t["heard"] == sum(
            w.strip(",.").lower() in {"um", "uh", "umm", "uhm", "er", "erm"} for w in t["transcript"].split()
        )
    # each take was heard as its own script, closer to it than to any other (the takes did not
    # run into each other or out of order)
    for t in takes:
        heard = content_words(t["transcript"])
        distances = {s: word_error_rate(content_words(s), heard) for s in calibrate.SCRIPTS}
        assert min(distances, key=distances.__getitem__) == t["script"], (t, distances)
        assert distances[t["script"]] <= 0.7, t
    right = sum(min(t["planted"], t["heard"]) for t in takes)
    summary = result["summary"]
    assert summary["recall"] == round(right / 11, 3)
    assert summary["planted"] == 11 and summary["model"] == "tiny.en"
    assert (audio.home / "data" / "calibration.json").is_file()

    # A report made afterwards carries the speaker's own figures beside its filler count.
    wav = write_wav(tmp_path / "answer.wav", np.concatenate(reads))
    analysed = run_cli("analyze", str(wav), "-q", "prototype-to-production", "--json", env=audio.env)
    assert analysed.returncode in (0, 3), analysed.stderr
    report = json.loads(analysed.stdout)
    assert report["filler_calibration"] == summary
    shown = run_cli("report", "last", env=audio.env)
    assert "On your voice" in shown.stdout and f"of 11 read (recall {summary['recall']:.2f})" in shown.stdout
