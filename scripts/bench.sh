#!/usr/bin/env bash
# The performance benchmark, in one command: builds the release components and an optimised
# host, serves the app on the local Wasmtime host (tools/spin-local) from the real spin.toml,
# and drives load over loopback with wrk against every endpoint, next to two baselines run
# the same way: the empty component (a fixed hello world in the app's shape, same build
# settings, same host: what the runtime alone costs) and the same router and handlers
# compiled natively and served by hyper (tools/bench/native-server: no WebAssembly at all). When
# a Spin CLI is found, the same endpoints under `spin up`, with the empty component, Spin's
# template hello world and the file floor (tools/bench/file-floor) as floors, the ladder of
# steps from the empty component to the app, then five shapes of the app and a second server
# of the shipped one (the noise between two servers). Then the component sizes, the start-up
# time and the in-process micro-benchmark (`cargo bench -p spin-local`).
#
#   scripts/bench.sh [--no-micro]
#
# Load runs have a fixed duration and connection count (BENCH_DURATION, default 5 s, at
# BENCH_CONNECTIONS=32; then BENCH_HIGH_DURATION=3 s at BENCH_HIGH_CONNECTIONS=256 for
# errors). Under Spin each target runs in BENCH_ROUNDS (3) alternating rounds. The measuring
# takes about ten minutes; the first build takes longer (Wasmtime in the `bench` profile:
# ~8 min on 2 cores). Only 127.0.0.1 is loaded, and every process started here is stopped
# on exit. spin-local's guest and access logs go to /dev/null, Spin's to target/bench/ (still
# one write per request). Output: Markdown on stdout, progress on stderr, logs in target/bench/.
#
# BENCH_PROFILE=dev builds the host, the native server and the micro-benchmark in the dev
# profile the tests already built, instead of the optimised `bench` profile: for a quick
# check that the benchmark runs (CI), not for figures; the report says which was used.
#
# On a 2-core machine the load generator and the server share the cores: compare the ratios
# measured in one run, not absolute figures across runs or machines.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-5}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
HIGH_DURATION=${BENCH_HIGH_DURATION:-3}
HIGH_CONNECTIONS=${BENCH_HIGH_CONNECTIONS:-256}
MICRO=1
for arg in "$@"; do
    case "$arg" in
        --no-micro) MICRO=0 ;;
        -h | --help) sed -n '2,27p' "$0"; exit 0 ;;
        *) echo "unknown argument '$arg' (usage: scripts/bench.sh [--no-micro])" >&2; exit 2 ;;
    esac
done

OUT=target/bench
PROFILE=${BENCH_PROFILE:-bench}
case "$PROFILE" in
    bench) BIN=target/release ;; # where cargo puts the `bench` profile's binaries
    dev) BIN=target/debug ;;
    *) echo "BENCH_PROFILE must be bench or dev, not '$PROFILE'" >&2; exit 2 ;;
esac
CACHE=target/spin-local-cache
WASM=target/wasm32-wasip1/release
mkdir -p "$OUT"

source scripts/lib.sh

# Every process started here, stopped on exit whatever happens.
pids=()
cleanup() {
    local p
    # A server started with setsid leads its own group (Spin runs its trigger as a child).
    for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools ---------------------------------------------------------------------------------
command -v cargo >/dev/null ||
    { say "missing: cargo; install Rust (https://rustup.rs, or Debian's 'apt-get install cargo')"; exit 1; }
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
((${#missing[@]} == 0)) || apt_install "${missing[@]}" || exit 1

# --- build ---------------------------------------------------------------------------------
say "building the components and the floors (scripts/build.sh --baseline)"
scripts/build.sh --baseline 2>&1 | tee "$OUT/build.log" >&2
# The host comes from the same build as `cargo bench -p spin-local` (which builds the
# package's binary too), so the two share one optimised Wasmtime build; the native server
# has its own (a different feature set: it would otherwise rebuild Wasmtime's dependencies).
if [ "$PROFILE" = dev ]; then
    # The host as `cargo test --workspace` builds it (the same features: after the tests,
    # nothing to rebuild); `cargo build` would pick another feature set and rebuild
    # Wasmtime's crates.
    say "building the host, the native server and the micro-benchmark (dev profile)"
    cargo test --workspace --no-run >&2
    cargo build -p native-server >&2
    cargo bench --profile dev --workspace --bench request --no-run >&2
else
    say "building the host and the micro-benchmark (cargo bench -p spin-local --no-run)"
    cargo bench -p spin-local --bench request --no-run >&2
    say "building the native server (cargo build --profile bench -p native-server)"
    cargo build --profile bench -p native-server >&2
fi

# --- servers -------------------------------------------------------------------------------
free_port() {
    local p _
    for _ in $(seq 100); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# wait_ok URL PID: until URL answers 200 (true) or PID exits or 60 s pass (false).
wait_ok() {
    local url=$1 pid=$2 _
    for _ in $(seq 30000); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$url" 2>/dev/null)" = 200 ] && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.002
    done
    return 1
}

# start NAME PATH_TO_CHECK COMMAND...: starts a server on a free port (COMMAND gets
# `--listen 127.0.0.1:PORT` appended), waits for a 200 on PATH_TO_CHECK, sets $port.
start() {
    local name=$1 path=$2 attempt pid
    shift 2
    for attempt in 1 2 3; do
        port=$(free_port)
        "$@" --listen "127.0.0.1:$port" >/dev/null 2>"$OUT/$name.err" &
        pid=$!
        pids+=("$pid")
        if wait_ok "http://127.0.0.1:$port$path" "$pid"; then
            server_pid=$pid
            say "$name: serving on 127.0.0.1:$port (pid $pid)"
            return 0
        fi
        kill "$pid" 2>/dev/null || true
        say "$name did not come up (attempt $attempt): $(tail -n 3 "$OUT/$name.err")"
    done
    return 1
}

now_us() { echo $(($(date +%s%N) / 1000)); }
# startup CACHE_DIR: µs from spawning the host to its first 200 on `/`, then stops it.
startup() {
    local cache=$1 port t0 t1 pid
    port=$(free_port)
    t0=$(now_us)
    "$BIN/spin-local" up --from spin.toml --cache-dir "$cache" --listen "127.0.0.1:$port" \
        >/dev/null 2>>"$OUT/startup.err" &
    pid=$!
    pids+=("$pid")
    wait_ok "http://127.0.0.1:$port/" "$pid" || { echo "failed"; return; }
    t1=$(now_us)
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo $((t1 - t0))
}

say "measuring start-up (host process start -> first 200 on /)"
cold_cache="$OUT/startup-cache"
rm -rf "$cold_cache"
startup_cold=$(startup "$cold_cache")
startup_warm=()
for _ in 1 2 3 4 5; do startup_warm+=("$(startup "$cold_cache")"); done
rm -rf "$cold_cache"

start app / "$BIN/spin-local" up --from spin.toml --cache-dir "$CACHE"
app_port=$port app_pid=$server_pid
start empty / "$BIN/spin-local" up --from tools/bench/empty-component/spin.toml --cache-dir "$CACHE"
empty_port=$port empty_pid=$server_pid
start native / "$BIN/native-server"
native_port=$port native_pid=$server_pid

DIGITS=$(printf '7%.0s' $(seq 5000))
ISEVEN="/iseven?num=$DIGITS"
# label|port|path
APP_TARGETS=(
    "app \`/\`|$app_port|/"
    "app \`/animals\`|$app_port|/animals"
    "app \`/iseven?num=<5,000 digits>\`|$app_port|$ISEVEN"
    "app \`/students/john/101\`|$app_port|/students/john/101"
    "static \`/static/index.html\`|$app_port|/static/index.html"
)
for t in "${APP_TARGETS[@]}"; do
    IFS='|' read -r label p path <<<"$t"
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p$path")
    [ "$code" = 200 ] || { say "$label answers $code, not 200"; exit 1; }
done

# wrk, with a Lua summary: requests, duration (µs), p50 and p99 (µs), socket errors,
# responses with status >= 400 (no target answers 3xx: no conditional headers are sent).
cat >"$OUT/report.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %.0f %.0f %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.timeout,
    e.status))
end
EOF

# load CONNECTIONS SECONDS URL -> "rps p50_us p99_us errors non2xx"
load() {
    local c=$1 d=$2 url=$3 line
    line=$(timeout $((d + 30)) wrk -t1 -c"$c" -d"${d}s" --timeout 5s -s "$OUT/report.lua" "$url" |
        grep '^RESULT') || { echo "0 0 0 -1 -1"; return; }
    set -- $line # RESULT requests duration p50 p99 errors non2xx
    echo "$(($3 > 0 ? $2 * 1000000 / $3 : 0)) $4 $5 $6 $7"
}

# CPU accounting, to tell whether something else ran during the load (another build or
# test on the machine skews every figure): ticks the whole machine was busy, minus the
# servers' and this script's children's (wrk, curl) own.
machine_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
server_ticks() {
    local p t=0
    for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0))); done
    echo "$t"
}
# children_ticks FILE: the children's user and system time, in ticks, from bash's `times`
# written to FILE by the main shell (in a $(...) subshell it would count from zero).
children_ticks() {
    sed -n 2p "$1" | awk -v hz="$(getconf CLK_TCK)" '{
        t = 0
        for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] }
        printf "%d", t * hz }'
}

fmt_ms() { awk -v us="$1" 'BEGIN { printf "%.2f ms", us / 1000 }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", (b > 0) ? 100 * a / b : 0 }'; }

server_pids=("$app_pid" "$empty_pid" "$native_pid")
times >"$OUT/times0"
busy0=$(machine_busy); ours0=$(($(server_ticks "${server_pids[@]}") + $(children_ticks "$OUT/times0")))
say "load: ${DURATION}s per target at $CONNECTIONS connections"
declare -A rps p50 p99 errs bad
run() { # key url connections seconds [label]
    local r
    r=$(load "$3" "$4" "$2")
    read -r "rps[$1]" "p50[$1]" "p99[$1]" "errs[$1]" "bad[$1]" <<<"$r"
    say "  ${5:-$1}: ${rps[$1]} req/s, p99 $(fmt_ms "${p99[$1]}"), errors ${errs[$1]}, non-2xx ${bad[$1]}"
}
# The floor first and last: its mean is the reference, its drift the noise.
# (Keys are plain words: bash evaluates an associative subscript given to `read`.)
run "empty1" "http://127.0.0.1:$empty_port/" "$CONNECTIONS" "$DURATION"
for i in "${!APP_TARGETS[@]}"; do
    IFS='|' read -r label p path <<<"${APP_TARGETS[$i]}"
    run "t$i" "http://127.0.0.1:$p$path" "$CONNECTIONS" "$DURATION" "$label"
done
run "empty2" "http://127.0.0.1:$empty_port/" "$CONNECTIONS" "$DURATION"
run "native" "http://127.0.0.1:$native_port/" "$CONNECTIONS" "$DURATION"
run "native_iseven" "http://127.0.0.1:$native_port$ISEVEN" "$CONNECTIONS" "$DURATION"
empty_mean=$(((${rps[empty1]} + ${rps[empty2]}) / 2))

say "load: ${HIGH_DURATION}s per target at $HIGH_CONNECTIONS connections"
HIGH_TARGETS=("${APP_TARGETS[@]}" "empty component \`/\`|$empty_port|/")
for i in "${!HIGH_TARGETS[@]}"; do
    IFS='|' read -r label p path <<<"${HIGH_TARGETS[$i]}"
    run "h$i" "http://127.0.0.1:$p$path" "$HIGH_CONNECTIONS" "$HIGH_DURATION" "$label"
done

times >"$OUT/times1"
busy1=$(machine_busy); ours1=$(($(server_ticks "${server_pids[@]}") + $(children_ticks "$OUT/times1")))
other_pct=$(awk -v b=$((busy1 - busy0)) -v o=$((ours1 - ours0)) \
    'BEGIN { printf "%.0f", (b > 0 && b > o) ? 100 * (b - o) / b : 0 }')

# --- the same endpoints under the real Spin ---------------------------------------------------
# Under Spin a single 5-second run moves by up to ±15% on this kind of machine, from outside
# it: every target is loaded in ROUNDS alternating rounds, each round starting one target
# later (so that none always runs first), and reported by the rounds' medians; a ratio is
# the median of the ratios within each round.
ROUNDS=${BENCH_ROUNDS:-3}
# run_rounds "key|url|label"...: every target once per round, into rps[key_ROUND] and the rest.
run_rounds() {
    local targets=("$@") round j key url label
    for round in $(seq "$ROUNDS"); do
        for j in "${!targets[@]}"; do
            IFS='|' read -r key url label <<<"${targets[$(((j + round - 1) % ${#targets[@]}))]}"
            run "${key}_$round" "$url" "$CONNECTIONS" "$DURATION" "round $round: $label"
        done
    done
}
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
declare -A each
# summarise KEY: the rounds' medians into rps[KEY], p50[KEY], p99[KEY], their req/s into
# each[KEY] ("a/b/c"), errors and non-2xx summed (-1 if any round failed to run or served
# nothing, which a median would hide).
summarise() {
    local key=$1 r k rs=() p5=() p9=() e=0 b=0 failed=0
    for r in $(seq "$ROUNDS"); do
        k=${key}_$r
        rs+=("${rps[$k]}") p5+=("${p50[$k]}") p9+=("${p99[$k]}")
        ((${errs[$k]} >= 0 && ${bad[$k]} >= 0 && ${rps[$k]} > 0)) || failed=1
        e=$((e + ${errs[$k]})) b=$((b + ${bad[$k]}))
    done
    ((failed)) && e=-1 b=-1
    rps[$key]=$(median "${rs[@]}") p50[$key]=$(median "${p5[@]}") p99[$key]=$(median "${p9[@]}")
    errs[$key]=$e bad[$key]=$b each[$key]=$(IFS=/; echo "${rs[*]}")
}
# ratio KEY BASE: the median over the rounds of KEY's req/s as a percentage of BASE's.
ratio() {
    local r out=()
    for r in $(seq "$ROUNDS"); do out+=("$(pct "${rps[${1}_$r]}" "${rps[${2}_$r]}")"); done
    echo "$(median "${out[@]%\%}")%"
}

find_spin || exit 1
if [ -n "$SPIN" ]; then
    spin_version=$("$SPIN" --version)
    say "under $spin_version: the app and its three floors (empty component, template, file floor)"
    spin_up() { # NAME MANIFEST [PATH_TO_CHECK]
        start "$1" "${3:-/}" setsid "$SPIN" up --from "$2" --log-dir "$OUT/spin-logs/$1"
    }
    # spin_up_module NAME WASM DIR: one module alone at `/...`, from a manifest written to DIR.
    spin_up_module() {
        mkdir -p "$3"
        printf '%s\n' 'spin_manifest_version = 2' '[application]' "name = \"$1\"" \
            'version = "0.1.0"' '[[trigger.http]]' 'route = "/..."' 'component = "c"' \
            '[component.c]' "source = \"$PWD/$2\"" 'allowed_outbound_hosts = []' >"$3/spin.toml"
        spin_up "$1" "$3/spin.toml"
    }
    spin_up spin-app spin.toml
    spin_app_port=$port
    spin_up spin-empty tools/bench/empty-component/spin.toml
    spin_empty_port=$port
    spin_up spin-template tools/bench/template-hello/spin.toml
    spin_template_port=$port
    spin_up spin-file-floor tools/bench/file-floor/spin.toml /static/index.html
    spin_file_floor_port=$port
    SPIN_TARGETS=(
        "s_empty|http://127.0.0.1:$spin_empty_port/|empty component \`/\` (floor)"
        "s_template|http://127.0.0.1:$spin_template_port/|template hello world \`/\` (http-rust-p2, as built by spin build)"
    )
    for i in "${!APP_TARGETS[@]}"; do
        IFS='|' read -r label _ path <<<"${APP_TARGETS[$i]}"
        SPIN_TARGETS+=("s$i|http://127.0.0.1:$spin_app_port$path|$label")
    done
    # The empty component ignores its target: given /iseven's 5,000-digit one, it measures
    # what so long a request costs before any handler runs (Spin parsing it and adding its
    # spin-* headers, the SDK copying them into the guest).
    SPIN_TARGETS+=("s_empty_iseven|http://127.0.0.1:$spin_empty_port$ISEVEN|empty component given \`/iseven?num=<5,000 digits>\` (what that request costs before any handler)")
    # What Spin charges for a file whatever serves it (tools/bench/file-floor): the static
    # component's own code is its distance from this.
    SPIN_TARGETS+=("s_file_floor|http://127.0.0.1:$spin_file_floor_port/static/index.html|file floor \`/static/index.html\` (open, stat, read and one variable; no HTTP logic)")
    # The ladder from the empty component to the app's `/`: each step adds one thing the app
    # does with the host (the empty component's features, built by scripts/build.sh --baseline).
    LADDER=(
        "read-request|+ the request read (method, target, two headers)"
        "app-headers|+ the app's six response headers"
        "log-line|+ the access-log line (two clock reads, a line to stdout)"
    )
    LDIR=$OUT/ladder
    rm -rf "$LDIR" && mkdir -p "$LDIR"
    for step in "${LADDER[@]}"; do
        name=${step%%|*}
        spin_up_module "ladder-$name" "$WASM/empty_component_${name//-/_}.wasm" "$LDIR/$name"
        SPIN_TARGETS+=("s_step_${name//-/_}|http://127.0.0.1:$port/|empty component ${step#*|} \`/\`")
    done
    say "load under Spin: $ROUNDS alternating rounds of ${DURATION}s per target at $CONNECTIONS connections"
    run_rounds "${SPIN_TARGETS[@]}"
    for t in "${SPIN_TARGETS[@]}"; do summarise "${t%%|*}"; done

    # The component's shape, one lever at a time: each variant of the app under its own
    # `spin up`, `/` loaded in the same alternating rounds.
    VDIR=$OUT/variants
    rm -rf "$VDIR" && mkdir -p "$VDIR"
    SLIM=target/debug/slim-metadata # built by scripts/build.sh
    RAW=$WASM/deps/tutorial_app.wasm
    VARIANTS=(
        "shipped|core module, wasm-opt -Oz, slim metadata (what spin.toml names)"
        "shipped-again|the same module under a second \`spin up\`: the noise between two servers"
        "component-reactor|componentized at build time, reactor adapter"
        "component-proxy|componentized at build time, proxy adapter"
        "no-wasm-opt|core module as cargo builds it, slim metadata"
        "wasm-opt-O3|core module, wasm-opt -O3 (speed, not size), slim metadata"
    )
    cp "$WASM/tutorial_app.wasm" "$VDIR/shipped.wasm"
    cp "$WASM/tutorial_app.wasm" "$VDIR/shipped-again.wasm"
    "$BIN/spin-local" componentize "$VDIR/shipped.wasm" "$VDIR/component-reactor.wasm"
    "$BIN/spin-local" componentize "$VDIR/shipped.wasm" "$VDIR/component-proxy.wasm" --proxy
    "$SLIM" "$RAW" "$VDIR/no-wasm-opt.wasm"
    wasm-opt -O3 "${WASM_OPT_FEATURES[@]}" "$RAW" -o "$VDIR/O3.tmp.wasm"
    "$SLIM" "$VDIR/O3.tmp.wasm" "$VDIR/wasm-opt-O3.wasm" && rm -f "$VDIR/O3.tmp.wasm"
    VARIANT_TARGETS=()
    for v in "${VARIANTS[@]}"; do
        name=${v%%|*}
        spin_up_module "variant-$name" "$VDIR/$name.wasm" "$VDIR/$name"
        VARIANT_TARGETS+=("v_${name//-/_}|http://127.0.0.1:$port/|$name")
    done
    say "variants under Spin: $ROUNDS alternating rounds of ${DURATION}s on \`/\`"
    run_rounds "${VARIANT_TARGETS[@]}"
    for t in "${VARIANT_TARGETS[@]}"; do summarise "${t%%|*}"; done
else
    say "no Spin CLI (SPIN_BIN, or spin on PATH): the Spin table is left out"
fi

micro=""
if ((MICRO)); then
    micro_cmd=(cargo bench -p spin-local --bench request)
    [ "$PROFILE" = bench ] || micro_cmd=(cargo bench --profile dev --workspace --bench request)
    say "micro-benchmark: ${micro_cmd[*]}"
    "${micro_cmd[@]}" >"$OUT/micro.log" 2>&1 ||
        { say "cargo bench failed: see $OUT/micro.log"; exit 1; }
    micro=$(sed -n '/^One request in process/,$p' "$OUT/micro.log")
fi

# --- report --------------------------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
row() { # label key ratio_column
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$1" "${rps[$2]}" "$(fmt_ms "${p50[$2]}")" \
        "$(fmt_ms "${p99[$2]}")" "${errs[$2]}" "${bad[$2]}" "$3"
}
echo "## Benchmark: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "Machine: $(nproc) cores ($cpu), $mem, $(uname -sr); wrk -t1, server and load generator"
echo "on the same cores. \`wrk -c$CONNECTIONS\`, ${DURATION} s per target. Other processes used"
echo "${other_pct}% of the machine's CPU time during the spin-local load runs$( ((other_pct > 5)) && echo " (**busy machine: figures skewed**)")."
[ "$PROFILE" = bench ] ||
    echo "Host and native server built in the **$PROFILE profile** (BENCH_PROFILE): a check that the benchmark runs; their figures are not comparable."
echo
if [ -n "$SPIN" ]; then
    echo "### Under $spin_version (\`spin up\`, what users run)"
    echo
    echo "$ROUNDS alternating rounds of ${DURATION} s per target; requests/s, p50 and p99 are the rounds' medians,"
    echo "each ratio the median of the ratios within a round."
    echo
    echo "| target | requests/s | p50 | p99 | socket errors | non-2xx | rounds (req/s) | vs empty component | vs template |"
    echo "|---|---:|---:|---:|---:|---:|---|---:|---:|"
    for t in "${SPIN_TARGETS[@]}"; do
        IFS='|' read -r key _ label <<<"$t"
        row "$label" "$key" "${each[$key]} | $(ratio "$key" s_empty) | $(ratio "$key" s_template)"
    done
    echo
    # The endpoints that have a floor of their own.
    for i in "${!APP_TARGETS[@]}"; do
        case ${APP_TARGETS[$i]} in
            *"|$ISEVEN")
                echo "App \`/iseven\` against the empty component given the same 5,000-digit request:"
                echo "$(ratio "s$i" s_empty_iseven)." ;;
            *"|/static/index.html")
                echo "The static file against the file floor (the same file, the same host calls, no HTTP logic):"
                echo "$(ratio "s$i" s_file_floor)." ;;
        esac
    done
    # The app's spec asks for an access-log line per request (docs/http.md), which no floor
    # above writes: the ladder's last step does, with none of the app's handlers.
    last=${LADDER[-1]%%|*}
    echo "App \`/\` against the empty component with the access-log line (the ladder's last step: the"
    echo "host work the app's spec asks for, without its handlers): $(ratio s0 "s_step_${last//-/_}")."
    echo
    echo "From the empty component to the app's \`/\`, one host interaction per step. A step's cost"
    echo "is the difference of 1/(requests/s) from the step before, within each round, then the"
    echo "median: the machine's time per request at saturation (both cores, load generator"
    echo "included), not the guest's CPU time:"
    echo
    echo "| step | requests/s | vs empty component | over the step before, per request |"
    echo "|---|---:|---:|---:|"
    # usec_more KEY PREV: the median over the rounds of 1/rps(KEY) - 1/rps(PREV), in µs.
    usec_more() {
        local r out=()
        for r in $(seq "$ROUNDS"); do
            out+=("$(awk -v a="${rps[${1}_$r]}" -v b="${rps[${2}_$r]}" \
                'BEGIN { printf "%.1f", (a > 0 && b > 0) ? 1e6 / a - 1e6 / b : 0 }')")
        done
        printf '%+.1f µs' "$(median "${out[@]}")"
    }
    echo "| the empty component | ${rps[s_empty]} | 100% | |"
    prev=s_empty
    for step in "${LADDER[@]}"; do
        key=s_step_${step%%|*} key=${key//-/_}
        echo "| ${step#*|} | ${rps[$key]} | $(ratio "$key" s_empty) | $(usec_more "$key" "$prev") |"
        prev=$key
    done
    echo "| the app's \`/\`: everything else (routing, rendering, the ETag, a larger module) | ${rps[s0]} | $(ratio s0 s_empty) | $(usec_more s0 "$prev") |"
    echo
    echo "Targets under Spin: every app endpoint ≥ 98% of the empty component, the static file"
    echo "≥ 90% (the file floor shows what Spin itself charges for a file), nothing below the"
    echo "template's hello world."
    echo
    echo "Variants of the app's shape under Spin, \`/\`, in the same kind of rounds. A lever is adopted"
    echo "only at ≥ 3% over both servers of the shipped shape in every round; how far the second"
    echo "server lands from the first is the noise:"
    echo
    echo "| variant | requests/s | p50 | p99 | socket errors | non-2xx | rounds (req/s) | vs shipped | bytes | verdict |"
    echo "|---|---:|---:|---:|---:|---:|---|---:|---:|---|"
    for v in "${VARIANTS[@]}"; do
        name=${v%%|*} what=${v#*|} key=v_${name//-/_} faster=1
        for round in $(seq "$ROUNDS"); do
            for base in v_shipped v_shipped_again; do
                [ $((100 * ${rps[${key}_$round]})) -ge $((103 * ${rps[${base}_$round]})) ] || faster=0
            done
        done
        case $name in
            shipped) verdict_v="shipped" ;;
            shipped-again) verdict_v="control" ;;
            *) ((faster)) && verdict_v="≥ 3% faster in every round" || verdict_v="not adopted" ;;
        esac
        row "$name ($what)" "$key" "${each[$key]} | $(ratio "$key" v_shipped) | $(stat -c %s "$VDIR/$name.wasm") | $verdict_v"
    done
    echo
    echo "### On spin-local (our stand-in host; not what users deploy)"
    echo
fi
echo "| target | requests/s | p50 | p99 | socket errors | non-2xx | vs empty component |"
echo "|---|---:|---:|---:|---:|---:|---:|"
row "empty component \`/\` (floor, first run)" empty1 "$(pct "${rps[empty1]}" "$empty_mean")"
for i in "${!APP_TARGETS[@]}"; do
    IFS='|' read -r label _ _ <<<"${APP_TARGETS[$i]}"
    row "$label" "t$i" "$(pct "${rps[t$i]}" "$empty_mean")"
done
row "empty component \`/\` (floor, last run)" empty2 "$(pct "${rps[empty2]}" "$empty_mean")"
row "native hyper \`/\` (ceiling)" native "$(pct "${rps[native]}" "$empty_mean")"
row "native hyper \`/iseven?num=<5,000 digits>\`" native_iseven "$(pct "${rps[native_iseven]}" "$empty_mean")"
echo
# verdict RATIO TARGET: "met" or "not met" for a percentage against its target.
verdict() { [ "${1%\%}" -ge "$2" ] 2>/dev/null && echo "met" || echo "not met"; }
vs_native=$(pct "${rps[t0]}" "${rps[native]}")
echo "- local host vs native hyper on \`/\`: $vs_native (target: ≥ 50%: $(verdict "$vs_native" 50))"
worst=""
for i in "${!APP_TARGETS[@]}"; do
    r=$(pct "${rps[t$i]}" "$empty_mean")
    if [ -z "$worst" ] || [ "${r%\%}" -lt "${worst%\%}" ]; then worst=$r; fi
done
echo "- slowest endpoint vs the empty component: $worst (target: ≥ 90%: $(verdict "$worst" 90))"
echo
echo "At $HIGH_CONNECTIONS connections, ${HIGH_DURATION} s per target:"
echo
echo "| target | requests/s | p50 | p99 | socket errors | non-2xx |"
echo "|---|---:|---:|---:|---:|---:|"
for i in "${!HIGH_TARGETS[@]}"; do
    IFS='|' read -r label _ _ <<<"${HIGH_TARGETS[$i]}"
    printf '| %s | %s | %s | %s | %s | %s |\n' "$label" "${rps[h$i]}" \
        "$(fmt_ms "${p50[h$i]}")" "$(fmt_ms "${p99[h$i]}")" "${errs[h$i]}" "${bad[h$i]}"
done
echo
echo "Component sizes (core module as spin.toml names it, after scripts/build.sh; targets: app ≤ 150 KB, static ≤ 250 KB):"
echo
echo "| component | bytes | cargo's output |"
echo "|---|---:|---:|"
for c in tutorial_app static_files empty_component file_floor; do
    raw=$WASM/deps/$c.wasm
    printf '| %s | %s | %s |\n' "$c.wasm" "$(stat -c %s "$WASM/$c.wasm")" \
        "$( [ -f "$raw" ] && stat -c %s "$raw" || echo '?')"
done
echo
sorted=$(printf '%s\n' "${startup_warm[@]}" | sort -n)
median=$(sed -n 3p <<<"$sorted")
echo "Start-up, host process start to the first 200 on \`/\` (both components loaded; target ≤ 1 s warm):"
echo "warm compile cache $(fmt_ms "$median") (median of 5; $(echo $sorted | sed 's/ / µs, /g') µs);"
echo "cold (componentize + Cranelift) $(fmt_ms "$startup_cold")."
if [ -n "$micro" ]; then
    echo
    echo "$micro"
fi
