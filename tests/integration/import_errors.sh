#!/usr/bin/env bash
# bw-import on bad input: a missing header (by path and through the include path) and a
# syntax error exit 1, print clang's diagnostics as `file:line:col: error: message` on stderr,
# print nothing on stdout and write no output file (an existing -o target keeps its bytes).
# A usage error exits 2. --keep-going imports what it can. Final line: `N passed, N failed`.
#
# Env (set by CTest): BW_IMPORT, SRC_DIR, BUILD_DIR.
set -uo pipefail
: "${SRC_DIR:?}" "${BUILD_DIR:?}"
BW_IMPORT=${BW_IMPORT:-$BUILD_DIR/bw-import}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL $*"
  sed -n '1,8p' "$work/err" | sed 's/^/    /'
}

if [ ! -x "$BW_IMPORT" ]; then
  echo "SKIP bw-import not built ($BW_IMPORT)"
  echo "0 passed, 0 failed"
  exit 0
fi

cat >"$work/broken.h" <<'H'
/* line 1 */
struct fine { int a; };
struct broken { int a int b; };
struct after { int c; };
H

# expect_failure NAME LOCATION_REGEX ARGS...: exit 1, a diagnostic matching LOCATION_REGEX,
# empty stdout, no new file, an existing -o file untouched.
expect_failure() {
  local name=$1 where=$2
  shift 2
  local out="$work/$name.out" kept="$work/$name.kept"
  rm -f "$out"
  "$BW_IMPORT" -o "$out" "$@" >"$work/stdout" 2>"$work/err"
  local rc=$?
  if [ $rc -eq 1 ]; then pass "$name: exit 1"; else fail "$name: exit $rc, expected 1"; fi
  if grep -Eq "^$where: (fatal )?error: " "$work/err"; then
    pass "$name: diagnostic at $where"
  else
    fail "$name: no 'file:line:col: error:' diagnostic matching $where"
  fi
  if [ ! -e "$out" ] && [ ! -s "$work/stdout" ]; then
    pass "$name: no output written"
  else
    fail "$name: output written although the import failed"
  fi
  # The destination of -o keeps its bytes; no temporary file is left beside it.
  printf 'sentinel\n' >"$kept"
  local before after
  before=$(ls -A "$work")
  "$BW_IMPORT" -o "$kept" "$@" >/dev/null 2>&1
  after=$(ls -A "$work")
  if [ "$(cat "$kept")" = sentinel ] && [ "$before" = "$after" ]; then
    pass "$name: existing -o file untouched"
  else
    fail "$name: existing -o file changed or a file left beside it"
  fi
}

expect_failure missing-path '.*:[0-9]+:[0-9]+' "$work/no_such_header.h"
expect_failure missing-angled '.*:[0-9]+:[0-9]+' '<no_such_dir/no_such_header.h>'
expect_failure syntax '.*broken\.h:3:[0-9]+' "$work/broken.h"
expect_failure syntax-json '.*broken\.h:3:[0-9]+' --format=json "$work/broken.h"
expect_failure syntax-c-check '.*broken\.h:3:[0-9]+' --format=c-check "$work/broken.h"
# a missing header after a good one: one translation unit, one failure
expect_failure missing-second '.*:[0-9]+:[0-9]+' "$SRC_DIR/fixtures/headers/records.h" \
  "$work/no_such_header.h"

# Usage errors exit 2.
"$BW_IMPORT" --no-such-option "$work/broken.h" >/dev/null 2>"$work/err"
rc=$?
if [ $rc -eq 2 ]; then pass "unknown option: exit 2"; else fail "unknown option: exit $rc"; fi
"$BW_IMPORT" >/dev/null 2>"$work/err"
rc=$?
if [ $rc -eq 2 ]; then pass "no header: exit 2"; else fail "no header: exit $rc"; fi
"$BW_IMPORT" --format=no-such-format "$work/broken.h" >/dev/null 2>"$work/err"
rc=$?
if [ $rc -eq 2 ]; then pass "unknown format: exit 2"; else fail "unknown format: exit $rc"; fi

# --keep-going: the good records still come out, and the error is still said.
"$BW_IMPORT" --keep-going --format=json "$work/broken.h" >"$work/kept.json" 2>"$work/err"
rc=$?
if [ $rc -eq 0 ] && grep -q '"struct fine"' "$work/kept.json" &&
  grep -q '"struct after"' "$work/kept.json" && grep -q 'broken\.h:3:' "$work/err"; then
  pass "--keep-going: imports struct fine and struct after, reports broken.h:3"
else
  fail "--keep-going: exit $rc; expected 0 with struct fine and struct after, and the diagnostic"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
