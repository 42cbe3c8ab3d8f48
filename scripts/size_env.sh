# Sourced by scripts/build.sh (and setup.sh, to fetch std's own crates):
# the release page's wasm is built with its own copy of std, compiled for
# size with panics as immediate aborts (no panic messages, locations or
# formatting reachable from a panic). Measured: page wasm 208,724 -> 192,298
# bytes brotli (BENCHMARKS.md).
#
# -Zbuild-std and -Cpanic=immediate-abort are unstable; RUSTC_BOOTSTRAP=1
# lets this machine's one stable toolchain (1.95) accept them, and rustup's
# rust-src component holds std's source. Only the release wasm builds of
# build.sh see this; tests, lints and native crates build as usual.
export RUSTC_BOOTSTRAP=1
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort"
