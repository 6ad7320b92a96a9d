"""End to end through the real parts: eSpeak NG speech, the packaged Whisper model, and
PortAudio recording from a virtual ALSA microphone (ALSA's file plugin) in a subprocess."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from helpers import SCRIPT, content_words, run_cli, word_error_rate, write_wav
from voiceprep.audio import read_wav
from voiceprep.questions import Library
from voiceprep.speech import Speaker

pytestmark = pytest.mark.e2e

QUESTION = "prototype-to-production"


@dataclass
class VirtualAudio:
    """A HOME whose ~/.asoundrc gives PortAudio a file-backed microphone and speaker."""

    home: Path
    mic: Path
    played: Path

    @property
    def env(self) -> dict[str, str]:
        return {"HOME": str(self.home), "VOICEPREP_HOME": str(self.home / "data")}

    def sessions(self) -> list[Path]:
        data = self.home / "data"
        return sorted(p for p in data.iterdir() if (p / "session.json").is_file()) if data.is_dir() else []


def make_virtual_audio(root: Path, mic_samples: np.ndarray | None = None, fifo: bool = False) -> VirtualAudio:
    root.mkdir(parents=True, exist_ok=True)
    mic = root / ("mic.fifo" if fifo else "mic.raw")
    played = root / "played.raw"
    if fifo:
        os.mkfifo(mic)
    else:
        (mic_samples if mic_samples is not None else np.zeros(0, np.int16)).astype("<i2").tofile(mic)
    (root / ".asoundrc").write_text(
        'pcm.!default { type asym  playback.pcm "spk"  capture.pcm "mic" }\n'
        # The file plugin truncates its file at every stream it opens; a pipe to `cat >>`
        # keeps everything played in one run, question and answer alike.
        f'pcm.spk {{ type plug  slave.pcm {{ type file  slave.pcm "null"  file "|cat >> {played}"  format "raw" }} }}\n'
        "pcm.mic { type plug\n"
        f'  slave {{ pcm {{ type file  slave.pcm "null"  file "/dev/null"  infile "{mic}"  format "raw" }}\n'
        "          format S16_LE  rate 16000  channels 1 } }\n"
    )
    return VirtualAudio(root, mic, played)


@pytest.fixture(scope="module")
def practised(tmp_path_factory: pytest.TempPathFactory, spoken_answer: np.ndarray):
    """One full `voiceprep practice` run; several tests read its session."""
    audio = make_virtual_audio(tmp_path_factory.mktemp("practice"), spoken_answer)
    result = run_cli("practice", "-q", QUESTION, "--json", "--silence-seconds", "3", env=audio.env)
    return audio, result


def find_exact(haystack: np.ndarray, needle: np.ndarray) -> int | None:
    """Where ``needle`` stands whole inside ``haystack``, sample for sample, or None."""
    first = np.flatnonzero(needle)
    if len(first) == 0:
        return None
    k = int(first[0])  # anchor on the first non-zero sample: silence matches anywhere
    for start in np.flatnonzero(haystack == needle[k]) - k:
        if start >= 0 and np.array_equal(haystack[start : start + len(needle)], needle):
            return int(start)
    return None


def assert_one_clean_line(result: subprocess.CompletedProcess[str], *, code: int, contains: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("voiceprep:")]
    assert len(errors) == 1, result.stderr
    assert contains in errors[0]


def test_practice_records_transcribes_and_saves(practised, spoken_answer: np.ndarray) -> None:
    audio, result = practised
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)  # stdout holds the JSON report and nothing else

    [session] = audio.sessions()
    for name in ("question.wav", "answer.wav", "transcript.json", "report.json", "report.md", "session.json"):
        assert (session / name).is_file(), name
    meta = json.loads((session / "session.json").read_text())
    assert meta["status"] == "analysed" and meta["stopped_by"] == "silence"

    # The answer was recorded bit for bit, then 3 s of silence ended the take.
    samples, rate = read_wav(session / "answer.wav")
    assert rate == 16000
    assert np.array_equal(samples[: len(spoken_answer)], spoken_answer)
    speech_s = len(spoken_answer) / 16000
    assert speech_s + 2.5 <= len(samples) / rate <= speech_s + 3.6
    assert report["duration_s"] == pytest.approx(len(samples) / rate, abs=0.01)

    # The question went to the speaker sample for sample (PortAudio pads the last buffer).
    q_samples, q_rate = read_wav(session / "question.wav")
    assert len(q_samples) / q_rate > 2.0
    played = np.fromfile(audio.played, dtype="<i2")
    at = find_exact(played, q_samples)
    assert at is not None and at <= 0.25 * q_rate
    assert len(played) - len(q_samples) <= 0.5 * q_rate

    # The transcript is close to the script, up to its last words.
    said = content_words(report["transcript"])
    assert word_error_rate(content_words(SCRIPT), said) <= 0.35, report["transcript"]
    assert said[-2:] == ["fresh", "labels"], report["transcript"]
    assert report["speaking_s"] == pytest.approx(speech_s, abs=1.5)
    assert 120 <= report["wpm"] <= 220

    # The numbers were found, with the before-and-after as one change.
    numbers = report["numbers"]
    changes = [n for n in numbers if n["kind"] == "change" and n["unit"] == "ms"]
    assert changes and changes[0]["value"] == 95, numbers
    assert any(n["kind"] == "percent" and n["value"] == 40 for n in numbers), numbers
    assert report["quantified"] is True
    for n in numbers:
        assert 0 <= n["start"] <= n["end"] <= report["duration_s"]

    covered = {r["point"] for r in report["rubric"] if r["covered"]}
    assert "A production failure and how it was handled" in covered
    assert "Why ML rather than rules or heuristics" in covered
    assert report["model"]["name"] == "tiny.en" and report["model"]["vad_filter"] is True
    # the transcription was told the question's words of the trade, and says so
    pack, question = Library.load(None).find(QUESTION)
    assert report["model"]["terms"] == list(pack.vocabulary(question)) and "XGBoost" in report["model"]["terms"]
    assert report["model"]["terms_by_sound"] is True  # and words that sound like one may be written as it
    words = report["words"]
    assert all(a["start"] <= b["start"] for a, b in itertools.pairwise(words))

    # How it sounded, measured while it was recorded: eSpeak NG is flat (1.44-1.88 semitones measured).
    voice = report["delivery"]
    assert voice["monotone"] is True and 1.0 <= voice["pitch_spread_st"] < 2.0, voice["pitch_spread_st"]
    assert 70 <= voice["pitch_median_hz"] <= 160  # eSpeak NG's default male voice
    assert voice["pitch_line"][-1][0] == pytest.approx(report["duration_s"], abs=0.5)  # to the end of the take
    assert any("Flat delivery" in h for h in report["hints"])


def test_saved_session_is_listed_reported_and_replayed(practised) -> None:
    audio, _ = practised
    listed = run_cli("sessions", "--json", env=audio.env)
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert row["question_id"] == QUESTION and row["status"] == "analysed" and row["quantified"] is True

    md = run_cli("report", "last", "--format", "md", env=audio.env)
    assert md.returncode == 0 and md.stdout.startswith(f"# ml-engineer / {QUESTION}")
    text = run_cli("report", row["session"][:15], env=audio.env)
    assert text.returncode == 0 and "Rubric" in text.stdout and "fresh labels" in text.stdout

    before = audio.played.stat().st_size // 2
    replay = run_cli("replay", "last", env=audio.env)
    assert replay.returncode == 0, replay.stderr
    [session] = audio.sessions()
    q, q_rate = read_wav(session / "question.wav")
    a, a_rate = read_wav(session / "answer.wav")
    # question then answer went to the speaker, in that order, each padded by at most a buffer
    played = np.fromfile(audio.played, dtype="<i2")[before:]
    q_at = find_exact(played, q)
    assert q_at is not None
    a_at = find_exact(played[q_at + len(q) :], a)
    assert a_at is not None and a_at <= 0.5 * a_rate
    assert len(q) + len(a) <= len(played) <= len(q) + len(a) + 0.5 * q_rate + 0.5 * a_rate
    # and every word was shown, the last one included
    assert replay.stdout.rstrip().endswith("labels.")

    # the next practice picks a question not yet practised
    listing = run_cli("questions", env=audio.env)
    assert f"✓ {QUESTION}" in listing.stdout


def feed_in_real_time(proc: subprocess.Popen[str], fifo_path: Path, samples: np.ndarray, fed: list[int]) -> None:
    """Play samples into a FIFO microphone at real-time pace, then silence, until proc ends."""
    while proc.poll() is None:
        try:
            # PortAudio opens and closes the device while probing: reopen when it does.
            with open(fifo_path, "wb") as fifo:
                while proc.poll() is None:
                    block = samples[fed[0] : fed[0] + 1600]
                    block = np.concatenate([block, np.zeros(1600 - len(block), np.int16)])
                    fifo.write(block.astype("<i2").tobytes())
                    fifo.flush()
                    fed[0] += 1600
                    time.sleep(0.1)
        except BrokenPipeError:
            continue


def test_at_a_terminal_the_meter_runs_and_enter_ends_the_take(tmp_path: Path, spoken_answer: np.ndarray) -> None:
    import pty

    audio = make_virtual_audio(tmp_path, fifo=True)
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        # A minute of silence may pass: Enter, not the silence after the answer, must end the take,
        # however long the machine takes to show the first words (4 s for this answer's first
        # chunk on a 2-core AVX2 machine, which had the silence end the take first).
        [
            sys.executable,
            "-m",
            "voiceprep",
            "practice",
            "-q",
            QUESTION,
            "--no-speak",
            "--live",
            "--silence-seconds",
            "60",
        ],
        env=dict(os.environ, **audio.env),
        stdin=slave,
        stderr=slave,
        stdout=subprocess.PIPE,
        text=True,
    )
    os.close(slave)
    fed = [0]
    threading.Thread(target=feed_in_real_time, args=(proc, audio.mic, spoken_answer, fed), daemon=True).start()
    screen = bytearray()

    def read_screen() -> None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            if not chunk:
                return
            screen.extend(chunk)

    threading.Thread(target=read_screen, daemon=True).start()
    deadline = time.monotonic() + 55
    while (fed[0] < 16000 * 4 or "… " not in screen.decode(errors="replace")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.write(master, b"\n")  # the candidate presses Enter
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, screen.decode(errors="replace")
    shown = screen.decode(errors="replace")
    assert "press Enter when you have finished" in shown
    assert "Enter to stop" in shown and " dB " in shown
    assert "0:03 / 3:00" in shown  # the timer counted up while the answer was spoken
    # --live: the first sentence was transcribed and shown before Enter (in one chunk or, cut at a
    # pause inside it, in two lines)
    live = " ".join(re.findall(r"… ([^\r\n\x1b]*)", shown.split("(you pressed Enter)")[0]))
    assert "At my last company" in " ".join(live.split()), shown
    assert "(you pressed Enter)" in shown
    [session] = audio.sessions()
    assert json.loads((session / "session.json").read_text())["stopped_by"] == "enter"
    samples, rate = read_wav(session / "answer.wav")
    assert 3.5 <= len(samples) / rate <= fed[0] / 16000 + 0.5
    assert "Rubric" in out


def test_ctrl_c_keeps_and_analyses_the_take(tmp_path: Path, spoken_answer: np.ndarray) -> None:
    audio = make_virtual_audio(tmp_path, fifo=True)
    env = dict(os.environ, **audio.env)
    proc = subprocess.Popen(
        [sys.executable, "-m", "voiceprep", "practice", "-q", QUESTION, "--no-speak", "--json"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    fed = [0]
    threading.Thread(target=feed_in_real_time, args=(proc, audio.mic, spoken_answer, fed), daemon=True).start()
    deadline = time.monotonic() + 60
    while fed[0] < 16000 * 8 and time.monotonic() < deadline:  # enough speech to judge
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "(stopped with Ctrl-C)" in err
    [session] = audio.sessions()
    meta = json.loads((session / "session.json").read_text())
    assert meta["stopped_by"] == "interrupt" and meta["status"] == "analysed"
    samples, rate = read_wav(session / "answer.wav")
    assert 7.5 <= len(samples) / rate <= fed[0] / 16000 + 0.5
    assert np.array_equal(samples, spoken_answer[: len(samples)])
    report = json.loads(out)
    assert content_words(report["transcript"])[:4] == ["at", "my", "last", "company"]


def test_no_microphone_is_one_clear_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = run_cli("practice", "--no-speak", env={"HOME": str(home), "VOICEPREP_HOME": str(home / "data")})
    assert_one_clean_line(result, code=4, contains="no input device found")
    assert not (home / "data").exists() or not any((home / "data").iterdir())


def test_silent_microphone_keeps_the_take(tmp_path: Path) -> None:
    audio = make_virtual_audio(tmp_path, np.zeros(16000 * 3, np.int16))
    result = run_cli("practice", "-q", QUESTION, "--no-speak", "--start-timeout", "4", env=audio.env)
    assert_one_clean_line(result, code=3, contains="no speech was heard")
    assert "Rubric" not in result.stdout  # no report of nothing: every point "missed", "wants a number"
    [session] = audio.sessions()
    samples, rate = read_wav(session / "answer.wav")
    assert len(samples) / rate == pytest.approx(4.0, abs=0.11)
    report = json.loads((session / "report.json").read_text())
    assert report["words"] == [] and report["word_count"] == 0


def test_analyze_a_file_prints_only_json(tmp_path: Path, spoken_answer: np.ndarray) -> None:
    wav = write_wav(tmp_path / "answer.wav", spoken_answer)
    env = {"VOICEPREP_HOME": str(tmp_path / "data")}
    result = run_cli("analyze", str(wav), "--question", QUESTION, "--json", env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["duration_s"] == pytest.approx(len(spoken_answer) / 16000, abs=0.01)
    assert report["quantified"] and report["word_count"] > 40
    [session] = [p for p in (tmp_path / "data").iterdir()]
    assert json.loads((session / "report.json").read_text())["transcript"] == report["transcript"]


NUMBER_SCRIPT = (
    "Latency went from 15.1 percent to 12.4 percent. We reached 627,000 subscribers and improved 3.5 times, "
    "from 1.2 seconds to 300 milliseconds, during COVID-19, serving 40,000 requests a second. "
    "It cost $0.18 per call and £4,000 a month."
)


def test_spoken_numbers_come_out_whole(tmp_path: Path) -> None:
    """Decimals and thousands are one word and one number everywhere, not pieces ("15 .1")."""
    wav = tmp_path / "numbers.wav"
    Speaker().render(NUMBER_SCRIPT, wav)
    env = {"VOICEPREP_HOME": str(tmp_path / "data")}
    result = run_cli("analyze", str(wav), "--question", QUESTION, "--json", env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    texts = [w["text"] for w in report["words"]]
    assert not [t for t in texts if t[0] in ".,%"], texts
    assert "15.1" in report["transcript"] and "627,000" in report["transcript"]
    values = {n["value"] for n in report["numbers"]}
    assert {12.4, 627_000, 3.5, 300, 40_000, 0.18, 4000} <= values, report["numbers"]
    assert not values & {0.1, 0.4, 0.5, 0.2, 627, 40}, report["numbers"]
    changes = {(n["from_value"], n["value"], n["unit"]) for n in report["numbers"] if n["kind"] == "change"}
    assert (15.1, 12.4, "%") in changes and (1200, 300, "ms") in changes
    # The saved transcript, which the HTML page and replay read, holds the same whole words.
    [session] = list((tmp_path / "data").iterdir())
    saved = json.loads((session / "transcript.json").read_text())
    assert [w["text"] for w in saved["words"]] == texts


def test_analyze_silence_gives_no_words(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "silence.wav", np.zeros(16000 * 10, np.int16))
    env = {"VOICEPREP_HOME": str(tmp_path / "data")}
    result = run_cli("analyze", str(wav), "--question", QUESTION, "--json", env=env)
    assert_one_clean_line(result, code=3, contains="no speech was heard")
    report = json.loads(result.stdout)
    assert report["words"] == [] and report["transcript"] == ""


def test_nothing_is_fetched(tmp_path: Path, spoken_answer: np.ndarray) -> None:
    """Transcription runs with every network connection refused."""
    wav = write_wav(tmp_path / "answer.wav", spoken_answer[: 16000 * 6])
    code = (
        "import socket, sys\n"
        "def refuse(*a, **k): raise OSError('network use is not allowed')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from voiceprep.cli import main\n"
        f"sys.exit(main(['analyze', {str(wav)!r}, '-q', {QUESTION!r}, '--json', '--no-save']))\n"
    )
    env = dict(os.environ)
    env.pop("HF_HUB_OFFLINE", None)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "at my last company" in json.loads(result.stdout)["transcript"].lower()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["analyze", "{corrupt}", "-q", QUESTION], 1, "not a readable audio file"),
        (["analyze", "{empty}", "-q", QUESTION], 1, "the file is empty"),
        (["analyze", "{missing}", "-q", QUESTION], 1, "no such file"),
        (["analyze", "{corrupt}", "-q", "no-such-question"], 1, "unknown question id"),
        (["practice", "-q", "no-such-question"], 1, "unknown question id"),
        (["questions", "--pack", "{bad_pack}"], 1, "bad.yaml: question 1 ('q-one'), field kind"),
        (["report", "nothing-here"], 1, "no session"),
        (["analyze", "{corrupt}", "-q", QUESTION, "--model", "small"], 6, "unknown model 'small'"),
        (["--home", "{file}/x", "analyze", "{speech}", "-q", QUESTION], 5, "cannot create a session"),
    ],
)
def test_bad_input_is_one_clear_line(
    tmp_path: Path, spoken_answer: np.ndarray, args: list[str], code: int, message: str
) -> None:
    paths = {
        "corrupt": tmp_path / "corrupt.wav",
        "empty": tmp_path / "empty.wav",
        "missing": tmp_path / "missing.wav",
        "bad_pack": tmp_path / "bad.yaml",
        "file": tmp_path / "a-file",
        "speech": tmp_path / "speech.wav",
    }
    paths["corrupt"].write_bytes(b"RIFF....WAVEfmt " + os.urandom(2000))
    paths["empty"].write_bytes(b"")
    paths["file"].write_text("not a folder")
    write_wav(paths["speech"], spoken_answer[:16000])
    paths["bad_pack"].write_text(
        "pack: bad\ntitle: Bad\nquestions:\n  - id: q-one\n    kind: musing\n    text: What is a good question?\n"
        "    target_seconds: [60, 120]\n    wants_numbers: false\n    strong_answer: A good one, clearly.\n"
        "    points: [{point: One, cues: [a]}, {point: Two, cues: [b]}, {point: Three, cues: [c]}]\n"
        "    mistakes: [None]\n"
    )
    filled = [a.format(**{k: str(v) for k, v in paths.items()}) for a in args]
    result = run_cli(*filled, env={"VOICEPREP_HOME": str(tmp_path / "data")})
    assert_one_clean_line(result, code=code, contains=message)


def test_ctrl_c_while_transcribing_stops_cleanly_and_recover_finishes_in_place(
    tmp_path: Path, spoken_answer: np.ndarray
) -> None:
    """Ctrl-C during the decoding: exit 130 with one line, no C++ abort; the take is analysed later in place."""
    long = write_wav(tmp_path / "long.wav", np.tile(spoken_answer, 6))  # about two minutes
    home = tmp_path / "data"
    env = dict(os.environ, VOICEPREP_HOME=str(home))
    proc = subprocess.Popen(
        [sys.executable, "-m", "voiceprep", "analyze", str(long), "-q", QUESTION],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    status = None
    while status != "recorded" and time.monotonic() < deadline:
        time.sleep(0.05)
        metas = list(home.glob("*/session.json")) if home.is_dir() else []
        with contextlib.suppress(ValueError, IndexError, OSError):
            status = json.loads(metas[0].read_text())["status"]
    assert status == "recorded", "the analysis never started"
    time.sleep(1.5)  # the model is loaded and decoding
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "terminate called" not in err and "Aborted" not in err and "Traceback" not in err
    [line] = [x for x in err.splitlines() if x.startswith("voiceprep:")]
    [session] = [p for p in home.iterdir() if p.is_dir()]
    assert "interrupted before the analysis" in line and f"voiceprep recover {session.name}" in line
    assert json.loads((session / "session.json").read_text())["status"] == "interrupted"

    listed = run_cli("sessions", env={"VOICEPREP_HOME": str(home)})
    assert "interrupted" in listed.stdout and "voiceprep recover" in listed.stdout
    result = run_cli("recover", "--json", env={"VOICEPREP_HOME": str(home)})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["word_count"] > 200 and report["duration_s"] == pytest.approx(6 * len(spoken_answer) / 16000, 0.01)
    assert [p.name for p in home.iterdir() if p.is_dir()] == [session.name]  # analysed in place, no copy
    assert json.loads((session / "session.json").read_text())["status"] == "analysed"
    again = run_cli("recover", env={"VOICEPREP_HOME": str(home)})
    assert again.returncode == 0 and "Nothing to recover" in again.stdout


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 200 KB tmpfs: a full disk a few seconds into an answer."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_in_analyze_keeps_nothing_half_made(small_disk: Path, tmp_path: Path, spoken_answer) -> None:
    wav = write_wav(tmp_path / "answer.wav", spoken_answer)  # about 700 KB as 16-bit audio
    before = wav.read_bytes()
    result = run_cli("--home", str(small_disk), "analyze", str(wav), "-q", QUESTION)
    assert_one_clean_line(result, code=5, contains="No space left on device")
    assert f"nothing was saved and {wav} is untouched" in result.stderr
    assert wav.read_bytes() == before
    assert [p for p in small_disk.iterdir() if p.is_dir()] == []  # no session left half-made


def test_a_full_disk_while_recording_says_what_was_kept(small_disk: Path, tmp_path: Path, spoken_answer) -> None:
    audio = make_virtual_audio(tmp_path / "audio", spoken_answer)
    env = dict(audio.env, VOICEPREP_HOME=str(small_disk))
    result = run_cli("practice", "-q", QUESTION, "--no-speak", env=env)
    assert_one_clean_line(result, code=5, contains="No space left on device")
    [session] = [p for p in small_disk.iterdir() if p.is_dir()]
    samples, rate = read_wav(session / "answer.wav")
    kept = len(samples) / rate
    assert 2.0 < kept < 7.0  # 200 KB holds about 6 s
    assert np.array_equal(samples, spoken_answer[: len(samples)])  # what is kept is the take, bit for bit
    assert f"the {kept:.1f} s recorded before it are kept" in result.stderr
    assert f"voiceprep recover {session.name}" in result.stderr
    listed = run_cli("sessions", env={"VOICEPREP_HOME": str(small_disk)})
    assert "recording" not in listed.stdout  # failed or interrupted, never "recording" for ever
