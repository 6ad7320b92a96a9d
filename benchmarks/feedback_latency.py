"""Feedback latency: streaming against batch transcription, measured on the same answer in one run.

Runs the real `voiceprep practice` in a subprocess at a terminal (a pty), recording through
PortAudio from a virtual ALSA microphone: a FIFO fed with an answer spoken by eSpeak NG, at
real-time pace (``--pace 1``) or faster. The moment the whole answer has been fed, Enter is
pressed, as a candidate would; feedback_s is the time from that key to the whole report on
stdout (the time until the process has exited is printed too).

Then, on the same recording, batch_s is what tools that transcribe after the answer do: the
whole file transcribed and analysed once it has ended (model already loaded). wer_delta is how
many points the streaming path's content word error rate on the real-speech clips is above
batch's (negative: better), and peak_rss_mb the practice process's peak memory.

    python benchmarks/feedback_latency.py [--seconds 180] [--pace 1.0] [--model tiny.en] [--clips N]
                                          [--load N] [--cores K]

``--load N`` starts N busy processes (each spins one core, as a browser tab or a build would)
beside the whole run, batch included, and stops them at the end; ``--cores K`` pins the run
(practice and batch, not the load) to K cores.

Also printed: cold_start_s, from starting `voiceprep practice` to the first sample of the
spoken question reaching the speaker, kept_start_s, the same once the question's speech is
kept from the first time, and prepared_start_s, the first practice after `voiceprep prepare`
(which the setup script runs). The last line printed is
feedback_s=... batch_s=... ratio=... wer_delta=... peak_rss_mb=... load=N cores=K
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import pty
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from voiceprep import analysis
from voiceprep.audio import load_audio, read_wav, to_float, to_int16
from voiceprep.evaluate import _canonical, alignment, content_words, load_manifest, reference_words
from voiceprep.questions import Library
from voiceprep.speech import Speaker
from voiceprep.stream import transcribe_live
from voiceprep.tokens import from_text, from_words
from voiceprep.transcribe import Settings, Transcriber

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "prototype-to-production"
SENTENCES = [
    "At my last company I owned the fraud model for card payments.",
    "We moved from simple rules to gradient boosting because the rules missed new attack patterns.",
    "The training set had about two million labelled transactions from eighteen months of traffic.",
    "I cut the latency from four hundred and eighty milliseconds to ninety five milliseconds.",
    "We evaluated it on a holdout month and then in a shadow deployment for two weeks.",
    "After launch we saw data drift when a new merchant category arrived.",
    "I rolled back within two hours, retrained on fresh labels and added a drift alert.",
    "In the end fraud losses fell by thirty percent and manual reviews by a quarter.",
]


def spoken_answer(seconds: float, workdir: Path) -> np.ndarray:
    """Whole sentences of eSpeak NG speech with short gaps, at least ``seconds`` long, 16 kHz int16."""
    return spoken(seconds, workdir)[0]


def spoken(seconds: float, workdir: Path) -> tuple[np.ndarray, str]:
    """The answer's samples and the script it speaks."""
    speaker = Speaker()
    pieces: list[np.ndarray] = []
    said: list[str] = []
    total = 0
    k = 0
    while total < seconds * 16000:
        said.append(SENTENCES[k % len(SENTENCES)])
        path = workdir / f"s{k % len(SENTENCES)}.wav"
        if not path.exists():
            speaker.render(SENTENCES[k % len(SENTENCES)], path)
        audio = to_int16(load_audio(path))
        gap = np.zeros(int(0.6 * 16000), np.int16)
        pieces += [audio, gap]
        total += len(audio) + len(gap)
        k += 1
    return np.concatenate(pieces), " ".join(said)


def asoundrc(home: Path, mic: Path, speaker: str = "/dev/null") -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / ".asoundrc").write_text(
        'pcm.!default { type asym  playback.pcm "spk"  capture.pcm "mic" }\n'
        f'pcm.spk {{ type plug  slave.pcm {{ type file  slave.pcm "null"  file "{speaker}"  format "raw" }} }}\n'
        "pcm.mic { type plug\n"
        f'  slave {{ pcm {{ type file  slave.pcm "null"  file "/dev/null"  infile "{mic}"  format "raw" }}\n'
        "          format S16_LE  rate 16000  channels 1 } }\n"
    )


def cold_start(workdir: Path, cache: Path | None = None) -> float:
    """Seconds from starting `voiceprep practice` to the question's first sample at the speaker.

    ``cache``: the cache folder to use (the question's speech may be kept there); by default a new one.
    """
    home = Path(tempfile.mkdtemp(dir=workdir))
    spk = home / "spk.fifo"
    os.mkfifo(spk)
    asoundrc(home, Path("/dev/zero"), str(spk))
    env = dict(os.environ, HOME=str(home), VOICEPREP_HOME=str(home / "data"))
    env["XDG_CACHE_HOME"] = str(cache or home / ".cache")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "voiceprep", "practice", "-q", QUESTION, "--start-timeout", "1"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    first = None
    while first is None and proc.poll() is None:
        with open(spk, "rb") as fifo:  # PortAudio opens and closes the device while probing
            while block := fifo.read(4096):
                if first is None and any(block):
                    first = time.perf_counter() - started
    proc.wait()
    if first is None:
        raise SystemExit("the question never reached the speaker")
    return first


def practice_run(answer: np.ndarray, pace: float, model: str, workdir: Path) -> tuple[float, Path, dict]:
    """Feedback seconds, the session folder, and the JSON report of one practice run."""
    home = Path(tempfile.mkdtemp(dir=workdir))
    mic = home / "mic.fifo"
    os.mkfifo(mic)
    asoundrc(home, mic)
    env = dict(os.environ, HOME=str(home), VOICEPREP_HOME=str(home / "data"))
    master, slave = pty.openpty()
    limit = len(answer) / 16000 + 60
    proc = subprocess.Popen(
        [sys.executable, "-m", "voiceprep", "practice", "--no-speak", "--json", "--model", model, "-q", QUESTION,
         "--silence-seconds", "0", "--max-seconds", str(limit)],
        env=env, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    os.close(slave)
    fed = [0]
    ended = threading.Event()

    def feed() -> None:
        block = 1600
        while proc.poll() is None:
            try:
                with open(mic, "wb") as fifo:
                    started, first = time.monotonic(), fed[0]
                    while proc.poll() is None:
                        chunk = answer[fed[0] : fed[0] + block]
                        chunk = np.concatenate([chunk, np.zeros(block - len(chunk), np.int16)])
                        fifo.write(chunk.astype("<i2").tobytes())
                        fifo.flush()
                        fed[0] += block
                        if fed[0] >= len(answer):
                            ended.set()
                        if pace > 0:
                            due = started + (fed[0] - first) / 16000 / pace
                            time.sleep(max(0.0, due - time.monotonic()))
            except BrokenPipeError:
                continue  # PortAudio opens and closes the device while probing

    threading.Thread(target=feed, daemon=True).start()
    # The report is on the screen when its JSON is whole on stdout: the process exiting after
    # that (threads joined, models unloaded) is not time the candidate waits for.
    out_lines: list[str] = []
    shown: list[float] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            out_lines.append(line)
            if not shown and line.startswith("}"):
                with contextlib.suppress(ValueError):
                    json.loads("".join(out_lines))
                    shown.append(time.perf_counter())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    ended.wait(timeout=limit / max(pace, 0.05) + 120)
    pressed = time.perf_counter()
    os.write(master, b"\n")  # the candidate has finished and presses Enter
    proc.wait(timeout=600)
    exited = time.perf_counter() - pressed
    reader.join()
    err = proc.stderr.read() if proc.stderr is not None else ""
    out = "".join(out_lines)
    feedback = (shown[0] if shown else time.perf_counter()) - pressed
    print(f"practice exited {exited:.2f} s after Enter", flush=True)
    os.close(master)
    if proc.returncode != 0:
        raise SystemExit(f"practice failed ({proc.returncode}): {err.strip()}")
    session = next(p for p in (home / "data").iterdir() if p.is_dir())
    return feedback, session, json.loads(out)


def content_wer(reference: list[str], hypothesis: list[str]) -> tuple[int, int]:
    errors, _ = alignment(content_words(reference), content_words(hypothesis))
    return errors, len(content_words(reference))


def clips_wer(transcriber: Transcriber, limit: int | None) -> tuple[float, float]:
    """Content WER on the real-speech clips: batch, and live as practice transcribes (repeatable)."""
    manifest = ROOT / "tests" / "data" / "real-speech" / "manifest.jsonl"
    totals = {"batch": [0, 0], "stream": [0, 0]}
    for entry in load_manifest(manifest)[:limit]:
        audio = load_audio(manifest.parent / entry.audio)
        reference = _canonical(from_text(" ".join(reference_words(entry.reference))))
        for name, transcript in (
            ("batch", transcriber.transcribe(audio)),
            ("stream", transcribe_live(transcriber, audio)),
        ):
            errors, words = content_wer(reference, _canonical(from_words(transcript.words)))
            totals[name][0] += errors
            totals[name][1] += words
    return (totals["batch"][0] / totals["batch"][1], totals["stream"][0] / totals["stream"][1])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0, help="length of the spoken answer")
    parser.add_argument("--pace", type=float, default=1.0, help="1 = real time, 2 = twice as fast, 0 = no pacing")
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument(
        "--clips", type=int, default=None, help="only the first N real-speech clips for wer_delta (0 skips them)"
    )
    parser.add_argument("--load", type=int, default=0, help="busy processes to run beside it (default 0)")
    parser.add_argument("--cores", type=int, default=None, help="pin the run to this many cores (default: all)")
    args = parser.parse_args()
    cores = pin_to(args.cores) if args.cores else len(os.sched_getaffinity(0))
    load = start_load(args.load)
    try:
        run(args, cores)
    finally:
        for proc in load:
            proc.kill()
            proc.wait()


def pin_to(count: int) -> int:
    """Pin this process to its first ``count`` cores; returns how many it has.

    Every thread of it: Linux pins one thread at a time, and threads started at import
    (OpenBLAS's) would go on running on the other cores. Threads and processes started
    afterwards inherit the pinning.
    """
    chosen = set(sorted(os.sched_getaffinity(0))[:count])
    for task in os.listdir("/proc/self/task"):
        os.sched_setaffinity(int(task), chosen)
    return len(chosen)


def start_load(count: int) -> list[subprocess.Popen[bytes]]:
    """``count`` processes that each keep one core busy, free to run on any core."""
    procs = []
    for _ in range(count):
        # busy until this benchmark is gone, however it ends (a kill leaves no spinning orphan)
        spin = "import os\nparent = os.getppid()\nwhile os.getppid() == parent:\n    for _ in range(100000): pass"
        proc = subprocess.Popen([sys.executable, "-c", spin], stdin=subprocess.DEVNULL)
        os.sched_setaffinity(proc.pid, range(os.cpu_count() or 1))  # not pinned with the run
        procs.append(proc)
    return procs


def run(args: argparse.Namespace, cores: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        answer, script = spoken(args.seconds, workdir)
        print(f"answer: {len(answer) / 16000:.1f} s of eSpeak NG speech, fed at pace {args.pace:g}", flush=True)
        cache = Path(tempfile.mkdtemp(dir=workdir))
        cold = cold_start(workdir, cache)
        print(f"cold_start_s={cold:.2f} (practice started -> question audible)", flush=True)
        kept = cold_start(workdir, cache)
        print(f"kept_start_s={kept:.2f} (the same, the question's speech kept from the first time)", flush=True)
        prepared = Path(tempfile.mkdtemp(dir=workdir))
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "voiceprep", "prepare", "--quiet"],
            env=dict(os.environ, XDG_CACHE_HOME=str(prepared)), stdout=subprocess.DEVNULL, check=True,
        )  # fmt: skip
        prepare_s = time.perf_counter() - started
        first = cold_start(workdir, prepared)
        print(
            f"prepared_start_s={first:.2f} (the first practice after `voiceprep prepare`, as setup runs it; "
            f"prepare took {prepare_s:.1f} s)",
            flush=True,
        )
        feedback, session, streamed = practice_run(answer, args.pace, args.model, workdir)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"streaming: report {feedback:.2f} s after Enter; {streamed['word_count']} words", flush=True)

        transcriber = Transcriber(args.model)
        _, question = Library.load(None).find(QUESTION)
        samples, _ = read_wav(session / "answer.wav")
        started = time.perf_counter()
        batch = transcriber.transcribe(to_float(samples))
        analysis.analyze(batch.words, question, "ml-engineer", duration_s=len(samples) / 16000, source="batch")
        batch_s = time.perf_counter() - started
        print(f"batch: {batch_s:.2f} s to transcribe and analyse {len(samples) / 16000:.1f} s", flush=True)

        plain = Transcriber(args.model, Settings.whisper_defaults())
        started = time.perf_counter()
        plain.transcribe(to_float(samples))
        print(f"faster-whisper's own one-pass decoding of the same file: {time.perf_counter() - started:.2f} s")

        same_audio, words = content_wer(
            _canonical(from_words(batch.words)), _canonical(from_text(streamed["transcript"]))
        )
        print(f"streaming against batch on this answer: {100 * same_audio / max(1, words):.1f}% WER", flush=True)
        truth = _canonical(from_text(script))
        for name, text in (("streaming", streamed["transcript"]), ("batch", batch.text)):
            errors, count = content_wer(truth, _canonical(from_text(text)))
            print(f"{name} against the script eSpeak spoke: {100 * errors / count:.1f}% WER", flush=True)
        if args.clips == 0:
            batch_wer = stream_wer = float("nan")
            print("real-speech clips: skipped (--clips 0)")
        else:
            batch_wer, stream_wer = clips_wer(transcriber, args.clips)
            print(f"real-speech clips content WER: batch {100 * batch_wer:.1f}%, streaming {100 * stream_wer:.1f}%")
    print(
        f"machine: {os.cpu_count()} cores ({cores} used), {platform.machine()}, Python {platform.python_version()}, "
        f"model {args.model}, {args.load} busy process(es) beside it"
    )
    print(
        f"feedback_s={feedback:.2f} batch_s={batch_s:.2f} ratio={batch_s / feedback:.1f} "
        f"wer_delta={100 * (stream_wer - batch_wer):+.1f} peak_rss_mb={peak_mb:.0f} load={args.load} cores={cores}"
    )


if __name__ == "__main__":
    main()
