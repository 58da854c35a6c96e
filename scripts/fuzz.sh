#!/usr/bin/env bash
# A bounded cargo-fuzz (libFuzzer) run over each component's whole request -> response
# function: fuzz/fuzz_targets/{app_respond,static_respond}.rs, checks in fuzz/src/lib.rs.
# Not part of scripts/test.sh; the committed corpus (fuzz/corpus/) and crash regressions
# (fuzz/regressions/) replay there instead, in tests/fuzz_corpus.rs.
#
#   scripts/fuzz.sh                  60 s per target (FUZZ_SECONDS=N to change)
#   scripts/fuzz.sh static_respond   one target
#   scripts/fuzz.sh --merge          then keep the 40 inputs that cover the most edges (of
#                                    fuzz/corpus/ and what was found) in fuzz/corpus/, to commit
#
# On a crash libFuzzer stops, saves the input under fuzz/artifacts/TARGET/ and this script
# exits non-zero: copy the input to fuzz/regressions/TARGET/, fix, and `cargo test`.
#
# Toolchain: cargo-fuzz needs nightly (-Z sanitizer). The rustup nightly toolchain is used
# when installed; otherwise stable with RUSTC_BOOTSTRAP=1, which unlocks the same flags.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
KEEP=${FUZZ_CORPUS_FILES:-40}  # inputs per target that --merge keeps in fuzz/corpus/
ALL_TARGETS=(app_respond static_respond)
merge=0
targets=()
for arg in "$@"; do
    case "$arg" in
        --merge) merge=1 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) targets+=("$arg") ;;
    esac
done
((${#targets[@]})) || targets=("${ALL_TARGETS[@]}")

source scripts/lib.sh

command -v cargo >/dev/null ||
    { say "missing: cargo; install Rust (https://rustup.rs, or Debian's 'apt-get install cargo')"; exit 1; }
# libfuzzer-sys compiles libFuzzer itself (C++), with $CXX or c++.
cxx=${CXX:-c++}
command -v "${cxx%% *}" >/dev/null ||
    { say "missing: a C++ compiler for libFuzzer; install with 'apt-get install g++'"; exit 1; }
if ((merge)) && ! command -v python3 >/dev/null; then
    say "missing: python3 (for --merge); install with 'apt-get install python3'"
    exit 1
fi
if ! command -v cargo-fuzz >/dev/null; then
    say "installing cargo-fuzz from crates.io (cargo install cargo-fuzz --locked)"
    cargo install cargo-fuzz --locked ||
        { say "could not install cargo-fuzz: install it with 'cargo install cargo-fuzz --locked'"; exit 1; }
fi
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    fuzz=(cargo +nightly fuzz)
    say "toolchain: rustup nightly"
else
    export RUSTC_BOOTSTRAP=1
    fuzz=(cargo fuzz)
    say "toolchain: stable with RUSTC_BOOTSTRAP=1 (no rustup nightly installed)"
fi

for t in "${targets[@]}"; do
    work=fuzz/work/$t
    mkdir -p "$work" "fuzz/corpus/$t"
    say "fuzzing $t for ${SECONDS_PER_TARGET}s (corpus: $work + fuzz/corpus/$t)"
    # New inputs go to the first directory (scratch); the committed corpus only seeds.
    # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: a memory blow-up.
    "${fuzz[@]}" run "$t" "$work" "fuzz/corpus/$t" -- \
        -max_total_time="$SECONDS_PER_TARGET" -dict=fuzz/http.dict \
        -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1
    if ((merge)); then
        # libFuzzer's own merge keeps every input that adds a feature (hundreds here); keep
        # instead the few that cover the most edges (greedy), plus the hand-written seed-*.
        say "choosing at most $KEEP inputs for fuzz/corpus/$t"
        scratch=fuzz/work/$t.merge
        rm -rf "$scratch" && mkdir -p "$scratch/empty" "$scratch/picked"
        "${fuzz[@]}" run "$t" "$scratch/empty" "fuzz/corpus/$t" "$work" -- \
            -merge=1 -use_counters=0 -merge_control_file="$scratch/control" >/dev/null 2>&1
        python3 - "$scratch/control" "$KEEP" "$scratch/picked" <<'PY'
import os, shutil, sys
control, keep, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(control).read().split("\n")
n = int(lines[0])
files = lines[2:2 + n]
cov = {}
for line in lines[2 + n:]:
    p = line.split()
    if p and p[0] == "COV":
        cov[int(p[1])] = set(map(int, p[2:]))
edges = set().union(*cov.values()) if cov else set()
got, chosen = set(), []
while cov and len(chosen) < keep:
    best = max(cov, key=lambda i: (len(cov[i] - got), -os.path.getsize(files[i])))
    if not cov[best] - got:
        break
    chosen.append(best)
    got |= cov[best]
for i in chosen:
    shutil.copy(files[i], out)
print(f"==> kept {len(chosen)} inputs covering {len(got)} of {len(edges)} edges", file=sys.stderr)
PY
        cp fuzz/corpus/"$t"/seed-* "$scratch/picked/" 2>/dev/null || true
        rm -rf "fuzz/corpus/$t" && mv "$scratch/picked" "fuzz/corpus/$t" && rm -rf "$scratch"
        say "fuzz/corpus/$t: $(find "fuzz/corpus/$t" -type f | wc -l) files"
    fi
done
say "no crash in ${targets[*]}"
