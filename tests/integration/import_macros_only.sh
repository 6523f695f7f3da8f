#!/usr/bin/env bash
# bw-import on headers that define macros but declare no type (<limits.h>, and a header written
# here): --format=json writes the layout document with an empty "types" and the constants,
# whose values must be the C compiler's; --format=bare (a BARE schema needs at least one type),
# layout and c-check exit 1 with a message that counts the constants and points to
# --format=json, and write nothing (an existing -o file keeps its bytes). A header with types
# is unchanged. Final line: `N passed, N failed`.
#
# Env (set by CTest): BW_IMPORT, SRC_DIR, BUILD_DIR, CC.
set -uo pipefail
: "${SRC_DIR:?}" "${BUILD_DIR:?}"
BW_IMPORT=${BW_IMPORT:-$BUILD_DIR/bw-import}
CC=${CC:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL $*"
  sed -n '1,8p' "$work/err" 2>/dev/null | sed 's/^/    /'
}

if [ ! -x "$BW_IMPORT" ] || ! command -v python3 >/dev/null; then
  echo "SKIP bw-import or python3 missing"
  echo "0 passed, 0 failed"
  exit 0
fi

cat >"$work/only_macros.h" <<'H'
#define OM_ANSWER 42
#define OM_TOP_BIT (1u << 31)
#define OM_NEGATIVE (-7 * 3)
#define OM_SIZE sizeof(long long)
#define OM_TEXT "not an integer"
H

# check_json NAME HEADER C_NAMES...: the document parses, has no type, and each named constant
# has the value a C program compiled with $CC prints for (NAME) + 0.
check_json() {
  local name=$1 header=$2
  shift 2
  if "$BW_IMPORT" --format=json "$header" >"$work/$name.json" 2>"$work/err"; then
    pass "$name: --format=json exits 0"
  else
    fail "$name: --format=json failed"
    return
  fi
  if python3 - "$work/$name.json" >"$work/$name.values" 2>"$work/err" <<'PY'; then
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "barewire-layout" and d["version"] == 1, "not a layout document"
assert d["types"] == [], "types: %r" % d["types"]
assert d["target"]["pointer_size"] > 0
for c in d["constants"]:
    print(c["name"], c["value"])
PY
    pass "$name: a layout document with an empty types array"
  else
    fail "$name: not the layout document with empty types"
    return
  fi
  {
    echo "#include <stdio.h>"
    case $header in
      '<'*) echo "#include $header" ;;
      *) echo "#include \"$header\"" ;;
    esac
    cat <<'C'
#define SHOW(n) printf(#n " %s\n", ((__typeof__((n) + 0))-1 > 0) ? \
  (snprintf(buf, sizeof buf, "%llu", (unsigned long long)((n) + 0)), buf) : \
  (snprintf(buf, sizeof buf, "%lld", (long long)((n) + 0)), buf))
C
    echo "int main(void) { char buf[32];"
    for c in "$@"; do echo "  SHOW($c);"; done
    echo "  return 0; }"
  } >"$work/$name.c"
  if ! "$CC" -o "$work/$name.exe" "$work/$name.c" 2>"$work/err"; then
    fail "$name: the C program that prints the values does not compile"
    return
  fi
  "$work/$name.exe" >"$work/$name.expected"
  local c
  for c in "$@"; do
    local want got
    want=$(grep "^$c " "$work/$name.expected")
    got=$(grep "^$c " "$work/$name.values")
    if [ -n "$want" ] && [ "$want" = "$got" ]; then
      pass "$name: $c = ${want#* } as the compiler has it"
    else
      fail "$name: $c is '${got#* }', the compiler says '${want#* }'"
    fi
  done
}

check_json limits '<limits.h>' PATH_MAX NAME_MAX LLONG_MIN ULLONG_MAX MB_LEN_MAX
check_json only_macros "$work/only_macros.h" OM_ANSWER OM_TOP_BIT OM_NEGATIVE OM_SIZE
if grep -q '^OM_TEXT ' "$work/only_macros.values"; then
  fail "only_macros: a string macro became a constant"
else
  pass "only_macros: the string macro is left out"
fi

# The other formats need a type: exit 1, the count of constants, a pointer to --format=json,
# no output (stdout empty, an existing -o file untouched).
count=$(wc -l <"$work/only_macros.values")
for fmt in bare layout c-check; do
  printf 'sentinel\n' >"$work/kept"
  "$BW_IMPORT" --format=$fmt -o "$work/kept" "$work/only_macros.h" >"$work/stdout" 2>"$work/err"
  rc=$?
  if [ $rc -eq 1 ]; then pass "--format=$fmt: exit 1"; else fail "--format=$fmt: exit $rc, expected 1"; fi
  if grep -q "error: no types to import, only $count constants .*a BARE schema needs at least one type.*--format=json" "$work/err"; then
    pass "--format=$fmt: the message counts $count constants and points to --format=json"
  else
    fail "--format=$fmt: unexpected message"
  fi
  if [ ! -s "$work/stdout" ] && [ "$(cat "$work/kept")" = sentinel ]; then
    pass "--format=$fmt: nothing written"
  else
    fail "--format=$fmt: output written although the import failed"
  fi
done

# A header with a type and macros: a schema as before, constants included.
printf 'struct om_typed { int a; };\n#define OM_ONE 1\n' >"$work/typed.h"
if "$BW_IMPORT" "$work/typed.h" >"$work/typed.bare" 2>"$work/err" &&
  grep -q '^type OmTyped struct' "$work/typed.bare" && grep -q 'name="OM_ONE"' "$work/typed.bare"; then
  pass "typed: a schema with the type and the constant"
else
  fail "typed: no schema"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
