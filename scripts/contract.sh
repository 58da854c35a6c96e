#!/usr/bin/env bash
# The API contract, checked by tools we did not write:
#   1. openapi-spec-validator (PyPI): static/openapi.json is valid OpenAPI 3.1;
#   2. Redocly CLI (npm) with its recommended-strict rules (redocly.yaml; the exceptions, each
#      with its reason, in .redocly.lint-ignore.yaml);
#   3. Schemathesis (PyPI), every check, against the app served by `scripts/up.sh` (Spin when
#      a Spin CLI is found, else spin-local), once asking for text and once for JSON.
# Any failure fails the script. The tools are installed, pinned, under target/contract/.
#
#   scripts/contract.sh        CONTRACT_EXAMPLES=N cases per operation and phase (default 100)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

EXAMPLES=${CONTRACT_EXAMPLES:-100}
PORT=${CONTRACT_PORT:-3918}
TOOLS=$PWD/target/contract
SCHEMATHESIS=schemathesis==4.32.5
VALIDATOR=openapi-spec-validator==0.9.0
REDOCLY=@redocly/cli@2.77.0
mkdir -p "$TOOLS"

# --- tools ---------------------------------------------------------------------------------
if [ ! -x "$TOOLS/venv/bin/schemathesis" ] || [ ! -x "$TOOLS/venv/bin/openapi-spec-validator" ]; then
    python3 -m venv "$TOOLS/venv" 2>/dev/null || { apt_install python3-venv && python3 -m venv "$TOOLS/venv"; }
    say "installing $SCHEMATHESIS $VALIDATOR (PyPI)"
    "$TOOLS/venv/bin/pip" install --quiet "$SCHEMATHESIS" "$VALIDATOR"
fi
if [ ! -x "$TOOLS/node/node_modules/.bin/redocly" ]; then
    command -v npm >/dev/null || apt_install npm
    say "installing $REDOCLY (npm)"
    mkdir -p "$TOOLS/node"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS/node" "$REDOCLY" >/dev/null
fi

# --- 1, 2: the description itself ------------------------------------------------------------
say "openapi-spec-validator static/openapi.json"
"$TOOLS/venv/bin/openapi-spec-validator" static/openapi.json
say "redocly lint static/openapi.json (recommended-strict)"
# Its banner about Node.js versions goes to stderr; the verdict and any problem to stdout.
"$TOOLS/node/node_modules/.bin/redocly" lint static/openapi.json 2>/dev/null

# --- 3: the running app ----------------------------------------------------------------------
log=$TOOLS/app.log
setsid scripts/up.sh --listen "127.0.0.1:$PORT" >"$log" 2>&1 &
app=$!
trap 'kill -- "-$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true' EXIT
for _ in $(seq 1 900); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null && break
    kill -0 "$app" 2>/dev/null || { cat "$log" >&2; say "scripts/up.sh exited early"; exit 1; }
    sleep 1
done
say "$(grep -m1 'runtime:' "$log" | sed 's/^==> //')"
for accept in text/plain application/json; do
    say "schemathesis: every check, $EXAMPLES cases per operation and phase, Accept: $accept"
    (cd "$TOOLS" && "$TOOLS/venv/bin/schemathesis" run "$OLDPWD/static/openapi.json" \
        --url "http://127.0.0.1:$PORT" --checks all --max-examples "$EXAMPLES" \
        --header "Accept: $accept" --warnings off --request-timeout 10)
done
say "contract: the description is valid and lint-clean, and the app on $(grep -q 'Spin CLI' "$log" && echo Spin || echo spin-local) keeps it"
