#!/bin/sh
# Rebuilds the WebAssembly guests compiled from C and Rust into ../resources/wasm/.
# The built .wasm files are committed, so the Maven build never needs this toolchain.
#
# Toolchain (Debian bookworm):
#   apt-get install -y clang lld wasi-libc libclang-rt-dev-wasm32 rustc libstd-rust-dev-wasm32
# With the same package versions the output is byte-for-byte the committed files
# (clang 14.0.6-12, wasi-libc 0.0~git20220510.9886d3d-2, rustc 1.63.0+dfsg1-2 when they were built); `git diff` shows any change.
set -eu
cd "$(dirname "$0")"
out=../resources/wasm

# C: wasi-libc, reactor model (no main; exports called by the host), WASI for stderr.
clang --target=wasm32-wasi -O2 -mexec-model=reactor -Wall -Wextra -Werror \
    -Wl,--strip-debug \
    -o "$out/c-counter.wasm" c/counter.c

# Rust without WASI (wasm32-unknown-unknown); a panic is the unreachable trap.
# /usr/bin/rustc on purpose: another rustc (~/.cargo) may come first on PATH.
/usr/bin/rustc --target wasm32-unknown-unknown --crate-type cdylib --edition 2021 \
    -C opt-level=2 -C debuginfo=0 -C strip=debuginfo -C panic=abort \
    --remap-path-prefix "$PWD=guests" \
    -o "$out/rust-counter.wasm" rust/counter.rs

# The same source for wasm32-wasi: std's stderr (eprintln!) and HashMap seeds go through WASI.
/usr/bin/rustc --target wasm32-wasi --crate-type cdylib --edition 2021 \
    -C opt-level=2 -C debuginfo=0 -C strip=debuginfo -C panic=abort \
    --remap-path-prefix "$PWD=guests" \
    -o "$out/rust-wasi-counter.wasm" rust/counter.rs

chmod 644 "$out/c-counter.wasm" "$out/rust-counter.wasm" "$out/rust-wasi-counter.wasm"
ls -l "$out/c-counter.wasm" "$out/rust-counter.wasm" "$out/rust-wasi-counter.wasm"
