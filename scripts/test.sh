#!/usr/bin/env bash
# Runs every test: builds the real components, then the native unit tests and the
# integration tests that serve those components through spin.toml over loopback HTTP.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/build.sh
echo "==> cargo test --workspace" >&2
cargo test --workspace
