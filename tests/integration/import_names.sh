#!/usr/bin/env bash
# The names bw-import writes are the names C gives, on fixtures/names/decl_names.h: names made
# by macros (an object-like macro's body, an argument, token pasting, an argument that is a
# macro), unnamed records and enums named by a typedef, anonymous members (C11, and
# Microsoft's `T;` with -fms-extensions), unnamed bitfields, names across line and trigraph
# splices, with '$' or a universal character name, and a name longer than the importer's
# buffer; bw-import reads names from the header's text only where that is exact
# (src/import/spelling.c), and these are the cases where it must not.
#
# For each import: (1) the c-check output compiles with gcc and runs clean; (2) a check written
# here from the JSON document compiles with gcc: every record's and enum's C name, member and
# enumerator is used as written (offsetof, values) and is no macro (a name that is a macro
# would compile through its expansion); (3) the members and enumerators of the fixture's
# records and enums are, in order, the ones the fixture declares (anonymous members null,
# unnamed bitfields left out). The names do not depend on the target: imports for
# x86_64-pc-windows-msvc and aarch64-linux-gnu give the host's names. Final line:
# `N passed, N failed`.
#
# Env (set by CTest): BW_IMPORT, SRC_DIR, BUILD_DIR. GCC overrides the compiler (default gcc).
set -uo pipefail
: "${SRC_DIR:?}" "${BUILD_DIR:?}"
BW_IMPORT=${BW_IMPORT:-$BUILD_DIR/bw-import}
GCC=${GCC:-gcc}
fixture="$SRC_DIR/fixtures/names/decl_names.h"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL $*"
  [ -n "${2:-}" ] && sed -n '1,12p' "$2" 2>/dev/null | sed 's/^/    /'
}

if [ ! -x "$BW_IMPORT" ] || ! command -v python3 >/dev/null || ! command -v "$GCC" >/dev/null; then
  echo "SKIP bw-import, python3 or $GCC missing"
  echo "0 passed, 0 failed"
  exit 0
fi

# The names check of a layout document: C that uses every name as written, and fails when one
# is a macro.
names_check() { # JSON OUT.c HEADER_ARGS...
  python3 - "$@" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
out = open(sys.argv[2], "w")
out.write('#include "%s"\n#include <stddef.h>\n' % sys.argv[3])
def not_macro(name):
    out.write("#ifdef %s\n#error \"%s is a macro: not a name C declares\"\n#endif\n" % (name, name))
for t in doc["types"]:
    c = t["c_name"]
    if not c:
        continue
    for word in c.split():
        if word not in ("struct", "union", "enum"):
            not_macro(word)
    out.write("_Static_assert(sizeof(%s) == %d, \"%s size\");\n" % (c, t["size"], c))
    for f in t.get("fields") or []:
        if f["c_name"] is None:
            continue
        not_macro(f["c_name"])
        if f["bit_width"] is None:
            out.write("_Static_assert(offsetof(%s, %s) == %d, \"%s.%s offset\");\n"
                      % (c, f["c_name"], f["offset"], c, f["c_name"]))
        else:
            out.write("_Static_assert(sizeof(((%s *)0)->%s + 0) > 0, \"%s.%s\");\n"
                      % (c, f["c_name"], c, f["c_name"]))
    for v in t.get("values") or []:
        not_macro(v["c_name"])
        out.write("_Static_assert(%s == %d, \"%s value\");\n" % (v["c_name"], v["value"], v["c_name"]))
PY
}

# The fixture's records and enums as C declares them, from the layout document: one line per
# type, "C name: members..." (anonymous members as -).
declared_names() { # JSON
  python3 - "$1" <<'PY'
import json, sys
for t in json.load(open(sys.argv[1]))["types"]:
    c = t["c_name"]
    if not c or "nt_" not in c:
        continue
    names = [f["c_name"] or "-" for f in t.get("fields") or []]
    names += [v["c_name"] for v in t.get("values") or []]
    print("%s: %s" % (c, " ".join(names)))
PY
}

# What the fixture declares (without NT_MS_ANONYMOUS), in declaration order.
cat >"$work/want.txt" <<'EOF'
struct nt_plain: plain_a plain_b
struct nt_macros: nt_real_name from_argument pasted_field_T nt_other_name through_same nt_member_T written
struct nt_tag_T: tag_member
struct nt_declared: nt_declared_first nt_declared_second
nt_tag_alias_T: 
nt_typedef_anon: only
nt_union_anon: u_int u_float
nt_enum_anon: NT_FIRST NT_SECOND
nt_macro_keyword: keyword_from_macro
struct nt_anonymous: before - - - after
struct nt_bits: named_a named_b from_macro_bits named_c named_d
struct nt_spellings: spliced_name trigraph_spliced dollar$name café after_unusual name_of_127_characters_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx name_of_128_characters_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx name_of_130_characters_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
enum nt_colors: NT_RED NT_GREEN_T NT_BLUE NT_CYAN NT_MAGENTA
EOF

# check NAME GCC_FLAGS -- BW_IMPORT_ARGS...: the three checks of one import.
check() {
  local name=$1
  shift
  local gflags=()
  while [ "$1" != -- ]; do
    gflags+=("$1")
    shift
  done
  shift
  local d="$work/$name"
  mkdir -p "$d"
  if ! "$BW_IMPORT" --format=c-check -o "$d/check.c" "$fixture" "$@" 2>"$d/import.log" ||
    ! "$BW_IMPORT" --format=json -o "$d/layout.json" "$fixture" "$@" 2>>"$d/import.log"; then
    fail "$name: bw-import" "$d/import.log"
    return
  fi
  if ! "$GCC" -std=c11 -Wall -Wno-trigraphs "${gflags[@]}" -o "$d/check" "$d/check.c" 2>"$d/gcc.log"; then
    fail "$name: gcc rejects the c-check" "$d/gcc.log"
  elif ! "$d/check" >"$d/run.log" 2>&1 || [ -s "$d/run.log" ]; then
    fail "$name: the c-check reports mismatches" "$d/run.log"
  else
    pass "$name: the c-check compiles with gcc and runs clean"
  fi
  names_check "$d/layout.json" "$d/names.c" "$fixture"
  if "$GCC" -std=c11 -Wno-trigraphs "${gflags[@]}" -fsyntax-only "$d/names.c" 2>"$d/names.log"; then
    pass "$name: gcc accepts every name as written ($(grep -c '^_Static_assert' "$d/names.c") uses), none is a macro"
  else
    fail "$name: a name bw-import wrote is not one C declares" "$d/names.log"
  fi
  declared_names "$d/layout.json" >"$d/names.txt"
}

# 1. The host, C11 (trigraphs on).
check host -- -std=c11
if diff "$work/want.txt" "$work/host/names.txt" >"$work/diff.log"; then
  pass "host: members and enumerators as the fixture declares them"
else
  fail "host: members and enumerators differ from the fixture's" "$work/diff.log"
fi

# 2. Microsoft's anonymous members (gcc and clang accept them with -fms-extensions).
check ms-extensions -fms-extensions -DNT_MS_ANONYMOUS -- -std=c11 -DNT_MS_ANONYMOUS -- -fms-extensions
{
  cat "$work/want.txt" # then the types of the Microsoft section, at the header's end
  echo "nt_ms_inner_t: ms_inner"
  echo "struct nt_ms_tagged: ms_tagged"
  echo "struct nt_ms: ms_before - - named_t ms_after"
} >"$work/want_ms.txt"
if diff "$work/want_ms.txt" "$work/ms-extensions/names.txt" >"$work/diff.log"; then
  pass "ms-extensions: anonymous 'nt_ms_inner_t;' and 'struct nt_ms_tagged;' members have no name"
else
  fail "ms-extensions: members differ from the fixture's" "$work/diff.log"
fi

# 3. Other targets: the same names (no compiler for them here: the host's JSON is the truth).
for target in x86_64-pc-windows-msvc aarch64-linux-gnu; do
  d="$work/$target"
  mkdir -p "$d"
  args=(--target="$target" -std=c11 -DNT_MS_ANONYMOUS)
  # msvc: no C library here (freestanding <stdint.h>), trigraphs off by default in MS mode.
  [ "$target" = x86_64-pc-windows-msvc ] && args+=(-ffreestanding -- -trigraphs)
  [ "$target" = aarch64-linux-gnu ] && args+=(-- -fms-extensions)
  if [ "$target" = aarch64-linux-gnu ] && [ ! -d /usr/aarch64-linux-gnu/include ]; then
    args=(--target="$target" -std=c11 -DNT_MS_ANONYMOUS -ffreestanding -- -fms-extensions)
  fi
  if ! "$BW_IMPORT" --format=json -o "$d/layout.json" "$fixture" "${args[@]}" 2>"$d/import.log"; then
    fail "$target: bw-import" "$d/import.log"
    continue
  fi
  declared_names "$d/layout.json" >"$d/names.txt"
  if diff "$work/want_ms.txt" "$d/names.txt" >"$work/diff.log"; then
    pass "$target: the host's names"
  else
    fail "$target: names differ from the host's" "$work/diff.log"
  fi
done

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
