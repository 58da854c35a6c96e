#!/usr/bin/env bash
# Builds the app's Spin components (core wasm32-wasip1 modules, as `spin build` does).
#
# Route 1, the ordinary one: rustup has the wasm32-wasip1 target -> plain `cargo build`.
# Route 2, for machines that reach only package registries (no `rustup target add`):
#   Debian's rustc-web with the std *source*, and std built for wasm32-wasip1 with -Z build-std.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=wasm32-wasip1
PACKAGES=(tutorial-app static-files)
OUT=target/$TARGET/release
DEBIAN_PACKAGES=(rustc-web cargo-web rust-web-src wasi-libc lld-19)
WASI_LIBC=/usr/lib/wasm32-wasi

say() { printf '==> %s\n' "$*" >&2; }

package_args=()
for p in "${PACKAGES[@]}"; do package_args+=(-p "$p"); done

if rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
    say "toolchain: rustup with the $TARGET target (ordinary route)"
    cargo build --release --target "$TARGET" "${package_args[@]}"
else
    say "toolchain: no rustup $TARGET target; using Debian's rustc-web and building std from source"
    missing=()
    for p in "${DEBIAN_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    if ((${#missing[@]})); then
        if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
            say "missing: install with 'apt-get install ${missing[*]}' as root, or run 'rustup target add $TARGET'"
            exit 1
        fi
        sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
        say "installing Debian packages: ${missing[*]}"
        "${sudo_cmd[@]}" apt-get update -qq
        DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    # The stack-size flag repeats .cargo/config.toml: this variable replaces that setting.
    RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
    CARGO_TARGET_WASM32_WASIP1_LINKER=/usr/lib/llvm-19/bin/wasm-ld \
    CARGO_TARGET_WASM32_WASIP1_RUSTFLAGS="-C link-self-contained=no -L $WASI_LIBC -C link-arg=$WASI_LIBC/crt1-reactor.o -C link-arg=-zstack-size=65536" \
        /usr/bin/cargo build --release --target "$TARGET" -Z build-std=std,panic_abort "${package_args[@]}"
fi

for p in "${PACKAGES[@]}"; do
    wasm="$OUT/${p//-/_}.wasm"
    printf '==> built %-14s %s (%s bytes)\n' "$p" "$wasm" "$(stat -c %s "$wasm")" >&2
done
