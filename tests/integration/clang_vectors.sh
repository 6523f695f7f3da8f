#!/usr/bin/env bash
# bw-import and views on clang's 3-element vectors (fixtures/clang/vectors.h): float3 keeps 12
# bytes of floats in 16, so its list<f32>[3] carries a native size larger than its elements.
# Everything here is compiled by clang (gcc has no ext_vector_type):
#   - the c-check compiles and runs clean;
#   - bw check accepts the schema and it parses back to the JSON layout bw-import printed;
#   - fixtures/clang/vectors_dump.c writes a record; `bw view --field` reads every element as C
#     does, and `bw view --to-bare | bw unview` gives back the same bytes;
#   - an array of such vectors (whose per-element padding BARE text cannot carry) is refused
#     with the position of the member.
set -euo pipefail
: "${BW:?}" "${SRC_DIR:?}"
if [ -z "${BW_IMPORT:-}" ] || ! command -v clang >/dev/null; then
  echo "clang_vectors: bw-import or clang missing: skipped"
  exit 0
fi
h="$SRC_DIR/fixtures/clang"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "clang_vectors: $*" >&2; exit 1; }

"$BW_IMPORT" "$h/vectors.h" -o "$work/v.bare"
grep -q '^  pos: list<f32>\[3\]$' "$work/v.bare" || fail "float3 is not list<f32>[3]"
"$BW_IMPORT" --format=c-check "$h/vectors.h" -o "$work/check.c"
clang -std=gnu11 -Wall -Werror -I"$h" -o "$work/check" "$work/check.c" ||
  fail "clang rejects the c-check"
"$work/check" >"$work/check.log" 2>&1 && [ ! -s "$work/check.log" ] ||
  fail "c-check reports mismatches: $(head -5 "$work/check.log")"
echo "c-check: $(grep -c '^_Static_assert' "$work/check.c") static checks pass"

"$BW" check "$work/v.bare" >/dev/null
"$BW_IMPORT" --format=json "$h/vectors.h" -o "$work/import.json"
"$BW" layout --json "$work/v.bare" >"$work/parsed.json"
cmp -s "$work/import.json" "$work/parsed.json" || fail "parsed schema gives another JSON layout"

clang -std=gnu11 -Wall -Werror -I"$h" -o "$work/dump" "$h/vectors_dump.c"
"$work/dump" "$work/p.bin" >"$work/expect.txt"
checked=0
while IFS='|' read -r path want; do
  got=$("$BW" view --field "$path" "$work/v.bare" 'struct particle' "$work/p.bin")
  [ "$got" = "$want" ] || fail "bw view .$path prints $got, C reads $want"
  checked=$((checked + 1))
done <"$work/expect.txt"
[ $checked -eq 17 ] || fail "only $checked fields checked"
"$BW" view --to-bare "$work/v.bare" Particle "$work/p.bin" >"$work/p.bare.bin"
"$BW" unview "$work/v.bare" Particle "$work/p.bare.bin" -o "$work/back.bin"
cmp -s "$work/p.bin" "$work/back.bin" || fail "view --to-bare | unview changes the record"
echo "views: $checked elements read as C reads them; BARE round trip byte-identical"

printf '#include "vectors.h"\nstruct path { int n;\n  float3 pts[2]; };\n' >"$work/arr.h"
if "$BW_IMPORT" -I"$h" "$work/arr.h" >"$work/arr.out" 2>"$work/arr.err"; then
  fail "an array of padded vectors was imported"
fi
grep -q "arr.h:3:10: error: array of padded vectors" "$work/arr.err" ||
  fail "unexpected message: $(cat "$work/arr.err")"
[ ! -s "$work/arr.out" ] || fail "output written on error"
echo "array of padded vectors refused at its position"
