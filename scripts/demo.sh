#!/usr/bin/env bash
# Sets up, builds the release page, and serves it with a real Socket.IO
# backend on loopback. Prints the URL to open. PORT=N picks the port.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
source scripts/env.sh
exec cargo run --quiet -p conncheck-lab -- --port "${PORT:-8080}"
