#!/usr/bin/env bash
# Builds the release page into dist/ (size-tuned: see Cargo.toml's profile).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
trunk build --release --quiet
python3 scripts/postbuild.py dist
