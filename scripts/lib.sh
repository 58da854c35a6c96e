# Sourced by scripts/*.sh and .ci/run: what they share.

# The features rustc enables for wasm32-wasip1 (1.82+); wasm-opt 108 needs them named.
WASM_OPT_FEATURES=(--enable-bulk-memory --enable-sign-ext --enable-mutable-globals
    --enable-nontrapping-float-to-int --enable-multivalue --enable-reference-types)

say() { printf '==> %s\n' "$*" >&2; }

# apt_install PACKAGE...: installs Debian packages (as root, or with sudo); fails with advice.
apt_install() {
    if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
        say "missing: install with 'apt-get install $*' as root"
        return 1
    fi
    local sudo_cmd=()
    [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
    say "installing Debian packages: $*"
    { "${sudo_cmd[@]}" apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "$@" >/dev/null; } ||
        { say "could not install $*: install with 'apt-get install $*' as root"; return 1; }
}

# find_spin: sets SPIN to the Spin CLI the tests would use (tests/harness/runtime.rs):
# SPIN_BIN if set (it must be an executable), else `spin` on PATH; empty when there is none.
find_spin() {
    SPIN=
    if [ -n "${SPIN_BIN:-}" ]; then
        [ -x "$SPIN_BIN" ] || { say "SPIN_BIN=$SPIN_BIN is not an executable"; return 1; }
        SPIN=$SPIN_BIN
    elif command -v spin >/dev/null; then
        SPIN=$(command -v spin)
    fi
}
