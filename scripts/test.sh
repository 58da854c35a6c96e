#!/usr/bin/env bash
# Runs every test: builds the real components, then
#   1. `cargo test --workspace`: native unit tests, the host's own tests, and the HTTP suite
#      (tests/http) on spin-local;
#   2. the Spin tier, when a Spin CLI is found (SPIN_BIN, else `spin` on PATH): the HTTP
#      suite again on the real Spin (`spin up`), with the tests that need Spin itself or a
#      browser (--include-ignored: spin-local against Spin, the pages in headless Chromium;
#      Debian's chromium and chromium-driver are installed where missing).
# Without a Spin CLI it says so, and passes on the first tier alone.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
find_spin

scripts/build.sh
say "tier 1: cargo test --workspace (the HTTP suite on spin-local)"
cargo test --workspace

if [ -z "$SPIN" ]; then
    say "Spin tier did not run: no Spin CLI found (set SPIN_BIN=/path/to/spin or put spin on PATH)"
    exit 0
fi
command -v chromedriver >/dev/null || apt_install chromium chromium-driver
say "tier 2: the HTTP suite on $("$SPIN" --version) ($SPIN), with the Spin-only and browser tests"
# --workspace, as tier 1: the same feature set for shared dependencies, so nothing rebuilds.
TEST_RUNTIME=spin SPIN_BIN=$SPIN cargo test --workspace --test http -- --include-ignored
