#!/usr/bin/env bash
# Measures what BENCHMARKS.md records and rewrites its measured sections.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
python3 scripts/bench_size.py dist BENCHMARKS.md
