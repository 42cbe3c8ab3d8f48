#!/usr/bin/env bash
# Builds the release page into dist/ (size-tuned: see Cargo.toml's profile):
# Trunk builds the page and its module; then the modules the page fetches
# only on demand (Cargo.toml's conncheck-support bin, to open a shared
# report, and conncheck-qr, to draw a QR code) are built the same way, with
# the same wasm-bindgen and wasm-opt flags; scripts/postbuild.py puts them
# beside the page.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/size_env.sh
trunk build --release --quiet
on_demand=target/wasm-bindgen/release/on-demand
rm -rf "$on_demand"
# index.html's data-wasm-opt-params, as Trunk passes them with -Oz.
opt_params=$(sed -n 's/.*data-wasm-opt-params="\([^"]*\)".*/\1/p' index.html)
# The support view derives the findings' fix texts; the page's module has none.
for bin in conncheck-support conncheck-qr; do
  features=()
  [ "$bin" = conncheck-support ] && features=(--features support-texts)
  cargo build --release --quiet --offline --target wasm32-unknown-unknown --bin "$bin" ${features[@]+"${features[@]}"}
  wasm-bindgen --target web --no-typescript --out-dir "$on_demand" \
    "target/wasm32-unknown-unknown/release/$bin.wasm"
  # shellcheck disable=SC2086
  wasm-opt -Oz $opt_params "$on_demand/${bin}_bg.wasm" -o "$on_demand/${bin}_bg.wasm"
done
python3 scripts/postbuild.py dist "$on_demand"
