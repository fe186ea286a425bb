#!/usr/bin/env bash
# The whole test suite on Deno, Bun and Node 24, plus the static checks
# (type check, lint, format, doc lint, manifest check, publish dry run).
# Ends with one line "N passed, N failed, N skipped" summed over the
# runtimes; exits non-zero if a check fails, a runtime fails, or a runtime
# runs no test. Run it through `npm test` after `npm ci`.
set -u
cd "$(dirname "$0")/.."
export NO_COLOR=1 RUST_BACKTRACE=0
unset FORCE_COLOR
BIN="$PWD/node_modules/.bin"
NODE="$BIN/node"
LOG=$(mktemp -d)
PG_DIR=""
cleanup() {
  [ -n "$PG_DIR" ] && bash scripts/postgres.sh stop "$PG_DIR"
  rm -rf "$LOG"
}
trap cleanup EXIT

# A throwaway PostgreSQL on 127.0.0.1 for the Postgres tests (skipped, with
# a reason, where PostgreSQL is not installed).
if [ -z "${DATABASE_URL:-}" ] && services=$(NODE="$NODE" bash scripts/postgres.sh start); then
  eval "$services"
  PG_DIR=$MTSESSION_PG_DIR
  echo "postgres: $DATABASE_URL"
fi

passed=0 failed=0 skipped=0 status=0

for tool in deno bun node; do
  if [ ! -x "$BIN/$tool" ]; then
    echo "missing $BIN/$tool: run 'npm ci' first" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
done

check() { # check NAME COMMAND...
  local name=$1
  shift
  if "$@" >"$LOG/check.out" 2>&1; then
    echo "check $name: ok"
  else
    echo "check $name: FAILED"
    tail -n 60 "$LOG/check.out"
    failed=$((failed + 1))
    status=1
  fi
}

# A runtime's counts: add them, and fail on a non-zero exit or no tests.
tally() { # tally NAME RC PASSED FAILED SKIPPED
  local name=$1 rc=$2 p=${3:-0} f=${4:-0} s=${5:-0}
  echo "$name: $p passed, $f failed, $s skipped (exit $rc)"
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + s))
  if [ "$rc" -ne 0 ]; then
    status=1
    [ "$f" -eq 0 ] && failed=$((failed + 1))
  fi
  if [ $((p + f)) -eq 0 ]; then
    echo "$name ran no test"
    status=1
    failed=$((failed + 1))
  fi
}

shopt -s nullglob
entry_points=(mod.ts cli.ts adapters/*.ts)
sources=(mod.ts cli.ts)
for dir in adapters src scripts tests; do [ -d "$dir" ] && sources+=("$dir/"); done

echo "== static checks"
check "deno check" "$BIN/deno" check "${sources[@]}"
check "deno lint" "$BIN/deno" lint
check "deno fmt --check" "$BIN/deno" fmt --check
check "deno doc --lint" "$BIN/deno" doc --lint "${entry_points[@]}"
check "manifests" "$NODE" scripts/check_manifest.ts
check "deno publish --dry-run" "$BIN/deno" publish --dry-run --allow-dirty

echo "== deno $("$BIN/deno" --version | head -n 1)"
"$BIN/deno" test -A --unstable-kv --doc --junit-path="$LOG/deno.xml" 2>&1 | tee "$LOG/deno.out" |
  grep -E "FAILED|^error|ERRORS|=>|^ok \||^FAILED \|" || true
rc=${PIPESTATUS[0]}
read -r p f s < <("$NODE" scripts/junit_summary.ts "$LOG/deno.xml" 2>/dev/null || echo "0 0 0")
[ "$rc" -ne 0 ] && sed -n '/ ERRORS /,$p' "$LOG/deno.out" | head -n 150
tally deno "$rc" "$p" "$f" "$s"

echo "== bun $("$BIN/bun" --version)"
"$BIN/bun" test tests/ >"$LOG/bun.out" 2>&1
rc=$?
grep -E "^\(fail\)|error:" "$LOG/bun.out" | head -n 50
[ "$rc" -ne 0 ] && tail -n 80 "$LOG/bun.out"
p=$(grep -oE "^ *[0-9]+ pass$" "$LOG/bun.out" | grep -oE "[0-9]+" | tail -n 1)
f=$(grep -oE "^ *[0-9]+ fail$" "$LOG/bun.out" | grep -oE "[0-9]+" | tail -n 1)
s=$(grep -oE "^ *[0-9]+ (skip|todo)$" "$LOG/bun.out" | grep -oE "[0-9]+" | paste -sd+ | bc 2>/dev/null)
tally bun "$rc" "${p:-0}" "${f:-0}" "${s:-0}"

echo "== node $("$NODE" --version)"
"$NODE" --test --test-reporter=spec "tests/**/*_test.ts" >"$LOG/node.out" 2>&1
rc=$?
[ "$rc" -ne 0 ] && sed -n '/failing tests:/,$p' "$LOG/node.out" | head -n 150
n() { grep -oE "^ℹ $1 [0-9]+" "$LOG/node.out" | grep -oE "[0-9]+$" | tail -n 1; }
p=$(n pass) f=$(n fail) c=$(n cancelled) s1=$(n skipped) s2=$(n todo)
tally node "$rc" "${p:-0}" "$(( ${f:-0} + ${c:-0} ))" "$(( ${s1:-0} + ${s2:-0} ))"

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit "$status"
