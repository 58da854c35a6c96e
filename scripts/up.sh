#!/usr/bin/env bash
# Builds the components and serves the app on http://127.0.0.1:3000: with `spin up` when a
# Spin CLI is found (SPIN_BIN, else `spin` on PATH), otherwise with the local Wasmtime host
# (tools/spin-local) from the same spin.toml. Either way the build is scripts/build.sh,
# which works with or without the rustup wasm32-wasip1 target. Extra arguments go to the
# runtime (e.g. --listen 127.0.0.1:8080, --variable cache_control=no-cache).
# UP_RUNTIME=spin-local|spin chooses the runtime instead.
# SPIN_LOCAL_BIN names a spin-local binary already built, to use instead of building one
# (.ci/run passes the one its test step built).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
find_spin
# UP_RUNTIME=spin-local serves with the local host even where a Spin CLI is found;
# UP_RUNTIME=spin insists on Spin.
case "${UP_RUNTIME:-}" in
    "") ;;
    spin) [ -n "$SPIN" ] || { say "UP_RUNTIME=spin, but no Spin CLI (set SPIN_BIN or put spin on PATH)"; exit 1; } ;;
    spin-local) SPIN= ;;
    *) say "UP_RUNTIME must be spin or spin-local, not '$UP_RUNTIME'"; exit 2 ;;
esac

scripts/build.sh
if [ -n "$SPIN" ]; then
    echo "==> runtime: Spin CLI, $("$SPIN" --version) ($SPIN)" >&2
    exec "$SPIN" up --from spin.toml "$@"
fi

if [ "${UP_RUNTIME:-}" = spin-local ]; then
    echo "==> runtime: UP_RUNTIME=spin-local; using the local Wasmtime host (tools/spin-local)" >&2
else
    echo "==> runtime: no Spin CLI (set SPIN_BIN or put spin on PATH); using the local Wasmtime host (tools/spin-local)" >&2
fi
host=${SPIN_LOCAL_BIN:-}
if [ -z "$host" ]; then
    cargo build --quiet -p spin-local
    host=target/debug/spin-local
fi
exec "$host" up --from spin.toml "$@"
