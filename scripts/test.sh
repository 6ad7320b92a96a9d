#!/usr/bin/env bash
# Set everything up, then run the checks and the whole test suite (end to end included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
.venv/bin/ruff check src tests benchmarks
.venv/bin/ruff format --check src tests benchmarks
.venv/bin/mypy
# pytest exits 5 when it collects no test; with `set -e` that fails the run, as it should.
exec .venv/bin/python -m pytest "$@"
