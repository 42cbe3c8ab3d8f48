#!/usr/bin/env bash
# Installs what conncheck needs to build, run and test, on a fresh Debian
# machine of this kind. Idempotent: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
APT_PACKAGES=(chromium chromium-driver nginx haproxy coturn brotli redis-server)

say() { printf 'setup: %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

command -v node >/dev/null && command -v npm >/dev/null || APT_PACKAGES+=(nodejs npm)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The release page builds its own std (scripts/size_env.sh) from rustup's rust-src.
if ! rustup component list --installed | grep -q '^rust-src'; then
  say "adding the rust-src component"
  rustup component add rust-src
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (takes a few minutes)"
  cargo install trunk --version "$TRUNK_VERSION" --locked --quiet
fi

# wasm-bindgen's CLI must be exactly the version in Cargo.lock. Without
# --locked: its own lockfile pins a crate version the registry lacks.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version"
  cargo install wasm-bindgen-cli --version "$bindgen_version" --quiet
fi

# wasm-opt from npm's binaryen (Debian's is too old for this wasm-bindgen),
# terser for the JS glue (scripts/shrink_glue.py), axe-core for the tests.
if [ ! -x tools/node_modules/.bin/wasm-opt ] || [ ! -x tools/node_modules/.bin/terser ] \
  || [ ! -f tools/node_modules/axe-core/axe.min.js ] || [ tools/package-lock.json -nt tools/node_modules ]; then
  say "installing binaryen, terser and axe-core from npm"
  (cd tools && npm ci --no-audit --no-fund --silent)
fi

# The lab's Node peers: official socket.io 4.8 and 2.5, versions locked.
if [ ! -d lab-nodes/node_modules/socket.io ] || [ lab-nodes/package-lock.json -nt lab-nodes/node_modules ]; then
  say "installing the lab's Node socket.io servers from npm"
  (cd lab-nodes && npm ci --no-audit --no-fund --silent)
fi

# The server companion's tests: socket.io, its client and @socket.io/redis-adapter
# as locked dev dependencies (the package itself has none).
if [ ! -d companions/node/node_modules/@socket.io/redis-adapter ] || [ companions/node/package-lock.json -nt companions/node/node_modules ]; then
  say "installing the Node companion's test dependencies from npm"
  (cd companions/node && npm ci --no-audit --no-fund --silent)
fi

cargo fetch --quiet
# The crates std depends on, for the release page's own std (offline Trunk).
(source scripts/size_env.sh && cargo fetch --quiet --target wasm32-unknown-unknown)

# The other engines a support link opens in (issue 27): Firefox ESR through
# geckodriver (a Rust crate, pinned), WebKitGTK's WebKitWebDriver with
# MiniBrowser, and Xvfb, the display WebKitGTK needs.
GECKODRIVER_VERSION=0.37.1
engine_missing=()
for pkg in firefox-esr webkit2gtk-driver xvfb; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || engine_missing+=("$pkg")
done
if [ ${#engine_missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${engine_missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${engine_missing[@]}" >/dev/null
fi
if [ "$(geckodriver --version 2>/dev/null | head -1 | cut -d' ' -f2)" != "$GECKODRIVER_VERSION" ]; then
  say "installing geckodriver $GECKODRIVER_VERSION (takes a few minutes)"
  cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked --quiet
fi
