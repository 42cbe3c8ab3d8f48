#!/usr/bin/env bash
# Measures what BENCHMARKS.md records and rewrites its measured sections.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
source scripts/env.sh
python3 scripts/bench_size.py dist | python3 scripts/bench_section.py size BENCHMARKS.md
cargo run --quiet --release -p conncheck-lab --example payload_sizes | python3 scripts/bench_section.py payload BENCHMARKS.md
cargo run --quiet --release -p conncheck-lab --example timing | python3 scripts/bench_section.py timing BENCHMARKS.md
cargo run --quiet --release -p conncheck-lab --example slow_network | python3 scripts/bench_section.py network BENCHMARKS.md
cargo run --quiet --release -p conncheck-lab --example pod_count_latency | python3 scripts/bench_section.py pods BENCHMARKS.md
