#!/usr/bin/env bash
# Set everything up, then start a practice round. Arguments go to `voiceprep practice`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/voiceprep practice "$@"
