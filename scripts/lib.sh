# Sourced by scripts/*.sh: finds the Spin CLI as the tests do (tests/harness/runtime.rs):
# SPIN_BIN if set (it must be an executable), else `spin` on PATH. Sets SPIN to its path,
# or to nothing when there is none.
SPIN=
if [ -n "${SPIN_BIN:-}" ]; then
    [ -x "$SPIN_BIN" ] || { echo "==> SPIN_BIN=$SPIN_BIN is not an executable" >&2; exit 1; }
    SPIN=$SPIN_BIN
elif command -v spin >/dev/null; then
    SPIN=$(command -v spin)
fi
