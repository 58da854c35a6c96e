#!/usr/bin/env bash
# The registry path, on loopback: what `spin registry push` publishes is what a registry user
# (SpinKube's shim, `spin up --from <reference>`) runs, and it answers as the local app does.
#
#   scripts/registry-check.sh
#
# 1. builds the components (scripts/build.sh; quick when up to date);
# 2. starts an OCI registry (Debian's docker-registry, installed with apt if missing) on
#    127.0.0.1:5000, or the next free port, with its config and storage under
#    target/registry-check/ (emptied first, so the push lands in an empty registry);
# 3. `spin registry push --insecure 127.0.0.1:PORT/tutorial-app:0.1.0` from the repo root;
# 4. `spin up --from 127.0.0.1:PORT/tutorial-app:0.1.0 --insecure` (with an empty cache, so
#    the app really comes from the registry) next to a local `spin up --from spin.toml`;
# 5. requests the README's endpoints from both: status, Content-Type and body must be
#    byte-identical, and /static/index.html must be the file static/index.html. Other header
#    differences (Date aside) are printed.
# Everything it starts is stopped on exit; every step has a time limit.
#
# The Spin CLI is SPIN_BIN if set, else `spin` on PATH; with neither it prints one line and
# exits 0. On a machine with systemd, installing docker-registry may also start Debian's own
# registry service on :5000; this script then uses another port and leaves that service alone.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

APP=tutorial-app
VERSION=0.1.0
ENDPOINTS=(/ /animals "/iseven?num=4" /students/john/101 /static/index.html)
WORK=$PWD/target/registry-check
BUILD_TIMEOUT=${BUILD_TIMEOUT:-900}   # seconds: a first build from clean takes minutes
STEP_TIMEOUT=${STEP_TIMEOUT:-120}     # seconds: the push, each server's start
CURL=(curl -sS --max-time 10)

find_spin || exit 1
if [ -z "$SPIN" ]; then
    echo "registry-check: not run: no Spin CLI (set SPIN_BIN or put spin on PATH)"
    exit 0
fi
say "Spin CLI: $("$SPIN" --version) ($SPIN)"

missing=()
command -v docker-registry >/dev/null || missing+=(docker-registry)
command -v curl >/dev/null || missing+=(curl)
if ((${#missing[@]})); then apt_install "${missing[@]}" || exit 1; fi

# Processes started here, each in its own session (setsid): stopped as a group on exit.
PIDS=()
cleanup() {
    local rc=$? pid
    for pid in "${PIDS[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    exit "$rc"
}
trap cleanup EXIT
trap 'say "registry-check: failed at line $LINENO: $BASH_COMMAND"' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

# start NAME COMMAND...: runs COMMAND in the background, output to $WORK/NAME.log.
start() {
    local name=$1
    shift
    setsid "$@" >"$WORK/$name.log" 2>&1 </dev/null &
    PIDS+=("$!")
    LAST_PID=$!
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# free_port FROM [EXCEPT...]: the first port from FROM on that nothing listens on.
free_port() {
    local from=$1 p=$1
    shift
    while port_in_use "$p" || [[ " $* " == *" $p "* ]]; do
        p=$((p + 1))
        ((p < from + 100)) || { say "no free port in $from..$p"; return 1; }
    done
    echo "$p"
}

# wait_http NAME PID URL: until URL answers (any status), PID has died, or STEP_TIMEOUT.
wait_http() {
    local name=$1 pid=$2 url=$3 start=$SECONDS
    while ((SECONDS - start < STEP_TIMEOUT)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            say "$name exited before answering; its log ($WORK/$name.log):"
            sed 's/^/    /' "$WORK/$name.log" >&2
            return 1
        fi
        if [ "$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "$url" || true)" != 000 ]; then
            say "$name answers at $url ($((SECONDS - start)) s)"
            return 0
        fi
        sleep 0.2
    done
    say "$name did not answer at $url within $STEP_TIMEOUT s; its log ($WORK/$name.log):"
    sed 's/^/    /' "$WORK/$name.log" >&2
    return 1
}

# 1. Build.
t0=$SECONDS
timeout "$BUILD_TIMEOUT" scripts/build.sh
say "build: $((SECONDS - t0)) s"

# 2. Registry.
rm -rf "$WORK"
mkdir -p "$WORK/storage" "$WORK/responses"
REGISTRY_PORT=$(free_port 5000)
cat >"$WORK/registry.yml" <<EOF
# Written by scripts/registry-check.sh: loopback only, no auth, storage under target/.
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $WORK/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$REGISTRY_PORT
  secret: registry-check-$RANDOM$RANDOM
EOF
REGISTRY=127.0.0.1:$REGISTRY_PORT
REFERENCE=$REGISTRY/$APP:$VERSION
start registry docker-registry serve "$WORK/registry.yml"
wait_http registry "$LAST_PID" "http://$REGISTRY/v2/"

# 3. Push.
t0=$SECONDS
timeout "$STEP_TIMEOUT" "$SPIN" registry push --insecure --cache-dir "$WORK/push-cache" "$REFERENCE" \
    2>&1 | sed 's/^/    /' >&2
say "push of $REFERENCE: $((SECONDS - t0)) s"
tags=$("${CURL[@]}" "http://$REGISTRY/v2/$APP/tags/list")
say "registry lists: $tags"
[[ "$tags" == *"\"$VERSION\""* ]] || { say "the registry has no tag $VERSION"; exit 1; }
# What was pushed: Spin componentizes the wasip1 modules, so its wasm layers are components,
# larger than target/wasm32-wasip1/release/*.wasm. (The manifest carries a creation time:
# each push has a new digest.)
"${CURL[@]}" -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://$REGISTRY/v2/$APP/manifests/$VERSION" >"$WORK/manifest.json"
layer_summary() {
    sed -n 's/.*"layers":\[\(.*\)\].*/\1/p' "$WORK/manifest.json" | grep -o '{[^{}]*}' |
        while read -r layer; do
            type=$(grep -o '"mediaType":"[^"]*"' <<<"$layer" | cut -d'"' -f4)
            size=$(grep -o '"size":[0-9]*' <<<"$layer" | cut -d: -f2)
            echo "${type#application/vnd.} $size"
        done |
        awk '{n[$1]++; b[$1] = b[$1] (n[$1] > 1 ? " + " : "") $2}
            END {for (t in n) {printf "%s%d %s (%s bytes)", sep, n[t], t, b[t]; sep="; "}}'
}
layers=$(layer_summary || true)
say "pushed layers: ${layers:-(could not read $WORK/manifest.json)}"

# 4. Both servers.
LOCAL_PORT=$(free_port 3100)
REMOTE_PORT=$(free_port 3200 "$LOCAL_PORT")
start local "$SPIN" up --from spin.toml --listen "127.0.0.1:$LOCAL_PORT" \
    --state-dir "$WORK/local-state"
local_pid=$LAST_PID
start registry-app "$SPIN" up --from "$REFERENCE" --insecure --listen "127.0.0.1:$REMOTE_PORT" \
    --cache-dir "$WORK/up-cache"
remote_pid=$LAST_PID
wait_http "local spin up (spin.toml)" "$local_pid" "http://127.0.0.1:$LOCAL_PORT/"
wait_http "spin up from $REFERENCE" "$remote_pid" "http://127.0.0.1:$REMOTE_PORT/"

# 5. Compare.
# fetch PORT PATH OUT: the answer's status line, headers and body into OUT.{headers,body}.
fetch() {
    "${CURL[@]}" -D "$3.headers" -o "$3.body" "http://127.0.0.1:$1$2"
    tr -d '\r' <"$3.headers" >"$3.h" && mv "$3.h" "$3.headers"
}
status_of() { head -1 "$1.headers" | awk '{print $2}'; }
header_of() { { grep -i "^$2:" "$1.headers" || true; } | head -1 | cut -d: -f2- | sed 's/^ *//'; }
other_headers() { tail -n +2 "$1" | grep -v -i -e '^date:' -e '^content-type:' -e '^$' | sort; }

failures=0
for path in "${ENDPOINTS[@]}"; do
    name=$(echo "$path" | tr -c 'a-zA-Z0-9\n' _)
    l=$WORK/responses/local$name r=$WORK/responses/registry$name
    fetch "$LOCAL_PORT" "$path" "$l"
    fetch "$REMOTE_PORT" "$path" "$r"
    problems=()
    [ "$(status_of "$l")" = "$(status_of "$r")" ] ||
        problems+=("status $(status_of "$l") (local) vs $(status_of "$r") (registry)")
    [ "$(header_of "$l" content-type)" = "$(header_of "$r" content-type)" ] ||
        problems+=("Content-Type '$(header_of "$l" content-type)' vs '$(header_of "$r" content-type)'")
    cmp -s "$l.body" "$r.body" ||
        problems+=("bodies differ: $(cmp "$l.body" "$r.body" 2>&1 | head -1 || true)")
    if [ "$path" = /static/index.html ]; then
        cmp -s static/index.html "$r.body" || problems+=("registry body is not static/index.html")
        cmp -s static/index.html "$l.body" || problems+=("local body is not static/index.html")
    fi
    if ((${#problems[@]})); then
        failures=$((failures + 1))
        for p in "${problems[@]}"; do say "DIFFERENT $path: $p"; done
    else
        say "same      $path: $(status_of "$l"), $(header_of "$l" content-type), $(stat -c %s "$l.body") bytes, sha256 $(sha256sum "$l.body" | cut -c1-16)"
    fi
    if ! diff <(other_headers "$l.headers") <(other_headers "$r.headers") >"$WORK/responses/hdiff"; then
        say "note      $path: other headers differ (< local, > registry):"
        grep '^[<>]' "$WORK/responses/hdiff" | sed 's/^/    /' >&2
    fi
done

if ((failures)); then
    say "registry-check: FAILED: $failures of ${#ENDPOINTS[@]} endpoints answer differently from the registry (responses in $WORK/responses)"
    exit 1
fi
say "registry-check: ok: ${#ENDPOINTS[@]} endpoints answer byte-identically from $REFERENCE and from spin.toml"
