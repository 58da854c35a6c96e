#!/usr/bin/env bash
# Builds the app's Spin components (core wasm32-wasip1 modules, as `spin build` does), then
# makes them small and prints their sizes.
#
#   scripts/build.sh              the app and the static file component, and the test component
#                                 the tests serve beside them (tools/spin-local/tests/fixtures/echo)
#   scripts/build.sh --baseline   also the benchmark's floors: tools/bench/empty-component (our build
#                                 settings) and each step of its ladder to the app (its features,
#                                 as empty_component_<feature>.wasm), tools/bench/file-floor (the
#                                 static component's) and tools/bench/template-hello (Spin's
#                                 template, as is)
#
# Route 1, the ordinary one: rustup has the wasm32-wasip1 target -> plain `cargo build`.
# Route 2, for machines that reach only package registries (no `rustup target add`):
#   Debian's rustc-web with the std *source*, and std built for wasm32-wasip1 with -Z build-std.
#
# Size steps, on cargo's output (target/wasm32-wasip1/release/deps/X.wasm) into the file that
# spin.toml names (target/wasm32-wasip1/release/X.wasm):
#   1. `wasm-opt -Oz` (Debian's binaryen): about a fifth off the code.
#   2. `slim-metadata` (tools/slim-metadata): the component-type sections cut down to the WIT
#      the module uses (spin-sdk embeds the whole Spin platform world: ~80 KB). It checks that
#      the module still componentizes to the same imports and exports.
# `spin build` runs only the cargo command of spin.toml, so it gives the larger modules.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=wasm32-wasip1
PACKAGES=(tutorial-app static-files)
OUT=target/$TARGET/release
DEBIAN_PACKAGES=(rustc-web cargo-web rust-web-src wasi-libc lld-19)
WASI_LIBC=/usr/lib/wasm32-wasi
source scripts/lib.sh
template=0
LADDER=() # with --baseline: the empty component's ladder to the app, for bench.sh to load

for arg in "$@"; do
    case "$arg" in
        --baseline)
            PACKAGES+=(empty-component file-floor) template=1
            # The ladder's steps are the empty component's features, as its Cargo.toml names them.
            mapfile -t LADDER < <(sed -n '/^\[features\]/,/^\[/s/^\([a-z-]*\) *=.*/\1/p' \
                tools/bench/empty-component/Cargo.toml) ;;
        *) say "unknown argument '$arg' (usage: scripts/build.sh [--baseline])"; exit 2 ;;
    esac
done

# wasm_build EXTRA_RUSTFLAGS CARGO_ARGS...: `cargo build --release --target wasm32-wasip1`
# by whichever route this machine has. EXTRA_RUSTFLAGS replaces .cargo/config.toml's flags
# (the 64 KB stack) on both routes.
wasm_build() {
    local flags=$1
    shift
    if ((ordinary)); then
        CARGO_TARGET_WASM32_WASIP1_RUSTFLAGS="$flags" cargo build --release --target "$TARGET" "$@"
    else
        RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
        CARGO_TARGET_WASM32_WASIP1_LINKER=/usr/lib/llvm-19/bin/wasm-ld \
        CARGO_TARGET_WASM32_WASIP1_RUSTFLAGS="-C link-self-contained=no -L $WASI_LIBC -C link-arg=$WASI_LIBC/crt1-reactor.o $flags" \
            /usr/bin/cargo build --release --target "$TARGET" -Z build-std=std,panic_abort "$@"
    fi
}

ordinary=0
if rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
    say "toolchain: rustup with the $TARGET target (ordinary route)"
    ordinary=1
else
    say "toolchain: no rustup $TARGET target; using Debian's rustc-web and building std from source"
    missing=()
    for p in "${DEBIAN_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    if ((${#missing[@]})); then
        apt_install "${missing[@]}" || {
            say "or run 'rustup target add $TARGET'"
            exit 1
        }
    fi
fi
OUTPUTS=("${PACKAGES[@]}")
# The ladder's steps before the floor itself. Cargo keeps one output file and one fingerprint
# for a package whatever its features, so each step rebuilds the crate (seconds) and is copied
# away before the next; the floor, built last, leaves its own.
for feature in "${LADDER[@]}"; do
    wasm_build "-C link-arg=-zstack-size=65536" -p empty-component --features "$feature"
    cp "$OUT/deps/empty_component.wasm" "$OUT/deps/empty_component_${feature//-/_}.wasm"
    OUTPUTS+=("empty-component-$feature")
done
package_args=()
for p in "${PACKAGES[@]}"; do package_args+=(-p "$p"); done
wasm_build "-C link-arg=-zstack-size=65536" "${package_args[@]}"
# The test component ships nowhere: a cargo call of its own, so that no feature it needs
# reaches what ships; the same std and settings, so std is not built again; no size steps.
wasm_build "-C link-arg=-zstack-size=65536" -p echo
if ((template)); then
    # As `spin build` builds the template: its own workspace, default profile and stack.
    say "building tools/bench/template-hello as Spin's http-rust-p2 template builds it"
    (cd tools/bench/template-hello && wasm_build "")
fi

# Size steps. wasm-opt is optional (the modules work without it, only larger); the
# metadata step is a small native build of this workspace.
wasm_opt=1
if ! command -v wasm-opt >/dev/null; then
    apt_install binaryen || wasm_opt=0
fi
((wasm_opt)) || say "wasm-opt unavailable: skipping the wasm-opt step (install Debian's binaryen)"
say "building the metadata step (tools/slim-metadata)"
cargo build --quiet -p slim-metadata
SLIM=target/debug/slim-metadata

size() { stat -c %s "$1"; }
for p in "${OUTPUTS[@]}"; do
    name=${p//-/_}
    raw="$OUT/deps/$name.wasm"
    wasm="$OUT/$name.wasm"
    tmp="$OUT/.$name.tmp.wasm"
    [ -f "$raw" ] || raw="$wasm" # (no deps/ copy: cargo's output is the uplifted file)
    if ((wasm_opt)); then
        wasm-opt -Oz "${WASM_OPT_FEATURES[@]}" "$raw" -o "$tmp.opt"
    else
        cp "$raw" "$tmp.opt"
    fi
    "$SLIM" "$tmp.opt" "$tmp"
    opt_size=$(size "$tmp.opt")
    rm -f "$tmp.opt"
    mv -f "$tmp" "$wasm" # a new file: cargo's hard-linked deps/ copy stays as built
    printf '==> built %-15s %s: %7s bytes (cargo: %s, after wasm-opt: %s)\n' \
        "$p" "$wasm" "$(size "$wasm")" "$(size "$raw")" \
        "$( ((wasm_opt)) && echo "$opt_size" || echo skipped)" >&2
done

# Stamp a successful build: the integration tests refuse components older than any source
# (tests/harness/mod.rs), and cargo leaves an up-to-date wasm's own mtime untouched.
touch "$OUT/build.stamp"
