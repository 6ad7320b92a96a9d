"""A long recording through `voiceprep analyze`: peak memory and real-time factor.

The recording is the latency benchmark's answer (eSpeak NG sentences with short gaps) said
over and over until it is ``--minutes`` long, written as a 16 kHz WAV. `voiceprep analyze`
runs on it in a process of its own (transcription, fillers, numbers, delivery and the rubric,
as a candidate's upload would be), with the data folder and the model cache in a temporary
folder. A short run first finds (or, for base, joins) the model and embeds the rubric's
phrasings, as any earlier use of voiceprep would have. Printed: the audio's length, the time the
analysis took, how many words it wrote (against how many were said: a run that lost the
speech would be fast and small) and its peak resident memory (the child process's ``ru_maxrss``). The last line is

    minutes=... analyze_s=... rtf=... peak_rss_mb=... load=N cores=K

    python benchmarks/long_file.py [--minutes 30] [--model tiny.en] [--load N] [--cores K]

``--load N`` starts N busy processes (each spins one core) beside the measured run and stops
them after; ``--cores K`` pins the run (not the load) to K cores. Otherwise run it on an idle
machine, or say what else ran.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedback_latency import QUESTION, pin_to, spoken, start_load

from voiceprep.audio import SAMPLE_RATE, WavStreamWriter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--load", type=int, default=0)
    parser.add_argument("--cores", type=int)
    args = parser.parse_args()
    if args.cores:
        pin_to(args.cores)
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        answer, script = spoken(180.0, workdir)
        repeats = int(np.ceil(args.minutes * 60 * SAMPLE_RATE / len(answer)))
        wav = workdir / "long.wav"
        writer = WavStreamWriter(wav)
        left = int(args.minutes * 60 * SAMPLE_RATE)
        for _ in range(repeats):
            writer.write(answer[:left])
            left -= min(left, len(answer))
        writer.close()
        seconds = args.minutes * 60
        print(f"recording: {seconds / 60:.1f} min of eSpeak NG speech; {cores} of {os.cpu_count()} cores", flush=True)
        env = dict(os.environ, VOICEPREP_HOME=str(workdir / "home"), XDG_CACHE_HOME=str(workdir / "cache"))
        # a first run's setup (joining base's parts, embedding the phrasings) is not analysis
        warm = WavStreamWriter(workdir / "warm.wav")
        warm.write(answer[: 30 * SAMPLE_RATE])
        warm.close()
        first = [str(warm.path), "-q", QUESTION, "--model", args.model, "--no-save"]
        subprocess.run(
            [sys.executable, "-m", "voiceprep", "analyze", *first],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        load = start_load(args.load)
        command = [str(wav), "-q", QUESTION, "--model", args.model, "--json", "--no-save"]
        try:
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "voiceprep", "analyze", *command], env=env, capture_output=True, text=True
            )
            took = time.perf_counter() - started
        finally:
            for proc in load:
                proc.kill()
                proc.wait()
    if done.returncode != 0:
        sys.exit(f"voiceprep analyze failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    # children's peak: the larger of the warm-up run and the measured one (the measured one, in practice)
    report = json.loads(done.stdout)
    said = len(script.split()) * seconds / (len(answer) / SAMPLE_RATE)
    judged = len(report["rubric"])
    print(f"words transcribed: {report['word_count']} of about {said:.0f} said; {judged} rubric points judged")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, model {args.model}")
    rtf = took / seconds
    figures = f"analyze_s={took:.1f} rtf={rtf:.3f} peak_rss_mb={peak_mb:.0f}"
    print(f"minutes={seconds / 60:.1f} {figures} load={args.load} cores={cores}")


if __name__ == "__main__":
    main()
