#!/usr/bin/env bash
# Builds and serves the app on http://127.0.0.1:3000: with `spin up` when the Spin CLI is
# installed, otherwise with the local Wasmtime host (crates/spin-local) from the same spin.toml.
# Extra arguments go to either (e.g. --listen 127.0.0.1:8080).
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v spin >/dev/null; then
    echo "==> runtime: Spin CLI ($(spin --version))" >&2
    spin build
    exec spin up "$@"
fi

echo "==> runtime: no Spin CLI on PATH; using the local Wasmtime host (crates/spin-local)" >&2
scripts/build.sh
cargo build --quiet -p spin-local
exec target/debug/spin-local up --from spin.toml "$@"
