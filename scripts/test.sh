#!/usr/bin/env bash
# Runs every test: builds the real components, then
#   1. `cargo test --workspace`: native unit tests, the host's own tests, and the HTTP suite
#      (tests/http) on spin-local;
#   2. the Spin tier: the HTTP suite again, on the real Spin (`spin up`), with the tests that
#      need both runtimes (--include-ignored), when a Spin CLI is found: SPIN_BIN, else
#      `spin` on PATH. Without one it says so and passes on the first tier alone.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/spin-cli.sh

scripts/build.sh
echo "==> tier 1: cargo test --workspace (HTTP suite on spin-local)" >&2
cargo test --workspace

if [ -z "$SPIN" ]; then
    echo "==> Spin tier did not run: no Spin CLI found (set SPIN_BIN=/path/to/spin or put spin on PATH)" >&2
    exit 0
fi
echo "==> tier 2: the HTTP suite on $("$SPIN" --version) ($SPIN)" >&2
TEST_RUNTIME=spin SPIN_BIN=$SPIN cargo test --test http -- --include-ignored
