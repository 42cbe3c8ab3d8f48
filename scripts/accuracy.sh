#!/usr/bin/env bash
# Accuracy of the page as numbers: runs every lab scenario against the built
# page (healthy ones 20 times, failure ones 5; arguments as in
# crates/lab/examples/accuracy.rs) and rewrites BENCHMARKS.md's Accuracy
# section (`--browser firefox|webkit`: that engine's own section).
# Long (hundreds of browser runs); not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
source scripts/env.sh
# Which page was measured: the last commit of its sources (+ if changed since).
page=(src crates/core static index.html Trunk.toml Cargo.lock)
CONNCHECK_PAGE_COMMIT="$(git log -1 --format=%h -- "${page[@]}")$(git diff --quiet HEAD -- "${page[@]}" || echo +)"
export CONNCHECK_PAGE_COMMIT
section=accuracy
args=("$@")
for i in "${!args[@]}"; do
  if [ "${args[$i]}" = --browser ] && [ -n "${args[$((i + 1))]:-}" ] && [ "${args[$((i + 1))]}" != chromium ]; then
    section="accuracy-${args[$((i + 1))]}"
  fi
done
cargo run --quiet --release -p conncheck-lab --example accuracy -- "$@" | python3 scripts/bench_section.py "$section" BENCHMARKS.md
