#!/usr/bin/env bash
# Builds the release page into dist/ (size-tuned: see Cargo.toml's profile):
# Trunk builds the page and its module; then the support view's module
# (Cargo.toml's conncheck-support bin, loaded only to open a shared report)
# is built the same way, with the same wasm-bindgen and wasm-opt flags;
# scripts/postbuild.py puts it beside the page.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
trunk build --release --quiet
cargo build --release --quiet --offline --target wasm32-unknown-unknown --bin conncheck-support
support=target/wasm-bindgen/release/support
rm -rf "$support"
wasm-bindgen --target web --no-typescript --out-dir "$support" \
  target/wasm32-unknown-unknown/release/conncheck-support.wasm
# index.html's data-wasm-opt-params, as Trunk passes them with -Oz.
opt_params=$(sed -n 's/.*data-wasm-opt-params="\([^"]*\)".*/\1/p' index.html)
# shellcheck disable=SC2086
wasm-opt -Oz $opt_params "$support/conncheck-support_bg.wasm" -o "$support/conncheck-support_bg.wasm"
python3 scripts/postbuild.py dist "$support"
