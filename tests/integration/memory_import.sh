#!/usr/bin/env bash
# bw-import + bw view against the compiler: the importer's fixture headers and <sys/stat.h> are
# imported with bw-import; fixtures/memory/fixture_dump.c (compiled here with $CC against the
# same headers) fills records of those types (pseudo-random bytes, padding included; struct stat
# from stat(2)), writes each to a file in this host's memory layout and prints what C reads in
# each checked field. `bw view --field` on each file must print exactly that. Covers bitfields
# (signed, unsigned, _Bool, enum, straddling, packed), packed and aligned records, anonymous
# struct/union members, C unions, nested and multi-dimensional arrays, char arrays, flexible
# arrays (--flex), enums (packed, wide, with negative values) and every integer type.
set -euo pipefail
: "${BW:?}" "${SRC_DIR:?}" "${CC:=cc}"
if [ -z "${BW_IMPORT:-}" ]; then
  echo "memory_import: bw-import not built (BW_IMPORT=OFF): skipped"
  exit 0
fi
h="$SRC_DIR/fixtures/headers"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "memory_import: $*" >&2; exit 1; }

"$BW_IMPORT" "$h/bitfields.h" "$h/packing.h" "$h/records.h" "$h/arrays.h" "$h/enums.h" \
  "$h/scalars.h" '<sys/stat.h>' --exclude='^arr_zero_length$' -o "$work/all.bare"
"$CC" -std=c11 -O0 -I"$h" -o "$work/dump" "$SRC_DIR/fixtures/memory/fixture_dump.c"
"$work/dump" "$work" "$SRC_DIR/CMakeLists.txt" "$SRC_DIR" / >"$work/expect.txt"
[ "$(wc -l <"$work/expect.txt")" -gt 100 ] || fail "too few fields checked"

checked=0
while IFS='|' read -r file ctype flex path want; do
  got=$("$BW" view --flex "$flex" --field "$path" "$work/all.bare" "$ctype" "$work/$file.bin" 2>&1) ||
    fail "$ctype $path: bw view failed: $got"
  [ "$got" = "$want" ] || fail "$ctype .$path: bw view prints $got, C reads $want"
  checked=$((checked + 1))
done <"$work/expect.txt"

# Writes by the library, read by C: every record goes to BARE and back into native memory with
# bw unview (padding zeroed, every value stored at its native offset, flexible arrays with their
# elements); the C program reads the new files and must print the same lines.
mkdir "$work/back"
awk -F'|' '{ print $1 "|" $2 "|" $3 }' "$work/expect.txt" | uniq >"$work/records.txt"
rewritten=0
while IFS='|' read -r file ctype flex; do
  "$BW" view --flex "$flex" --to-bare "$work/all.bare" "$ctype" "$work/$file.bin" >"$work/msg.bin" ||
    fail "$ctype: bw view --to-bare failed"
  "$BW" unview --flex "$flex" "$work/all.bare" "$ctype" "$work/msg.bin" >"$work/back/$file.bin" ||
    fail "$ctype: bw unview failed"
  cmp -s <(stat -c %s "$work/$file.bin") <(stat -c %s "$work/back/$file.bin") ||
    fail "$ctype: unview wrote a record of another size"
  rewritten=$((rewritten + 1))
done <"$work/records.txt"
"$work/dump" --read "$work/back" "$SRC_DIR/CMakeLists.txt" "$SRC_DIR" / >"$work/back.txt"
diff "$work/back.txt" "$work/expect.txt" >&2 || fail "C reads other values in the records bw unview wrote"

# Pointers in a dump: a ring of three struct rec_linked written by C; with the address the array
# had in the C program, 'next->value' and 'next->next->value' are followed inside the file.
read -r base v0 v1 v2 <"$work/linked.txt"
[ "$("$BW" view --base-address "$base" --field 'next->value' "$work/all.bare" 'struct rec_linked' \
  "$work/linked.bin" | tr '\n' ' ')" = "$v1 $v2 $v0 " ] || fail "next->value through the ring"
[ "$("$BW" view --base-address "$base" --field 'next->next->value' "$work/all.bare" \
  'struct rec_linked' "$work/linked.bin" | tr '\n' ' ')" = "$v2 $v0 $v1 " ] ||
  fail "next->next->value through the ring"
if "$BW" view --field 'next->value' "$work/all.bare" 'struct rec_linked' "$work/linked.bin" \
  2>"$work/err" >/dev/null; then fail "a pointer outside the file was followed"; fi
grep -q "outside the memory supplied" "$work/err" || fail "pointer error: $(cat "$work/err")"

# Whole records: a struct stat dump prints as one JSON object per record, and --to-bare |
# unview gives back the same bytes apart from padding (struct stat on x86-64 has none besides
# its reserved fields, which are carried).
cat "$work"/*.bin >/dev/null
stat_files=$(awk -F'|' '$2 == "struct stat" { print $1 }' "$work/expect.txt" | uniq)
for n in $stat_files; do cat "$work/$n.bin"; done >"$work/stats.bin"
"$BW" view "$work/all.bare" 'struct stat' "$work/stats.bin" >"$work/stats.jsonl"
[ "$(wc -l <"$work/stats.jsonl")" -eq 3 ] || fail "3 stat records expected"
size=$(awk -F'|' '$2 == "struct stat" && $4 == "st_size" { print $5; exit }' "$work/expect.txt")
grep -q "\"st_size\":$size," "$work/stats.jsonl" || fail "st_size $size not in the JSON"
"$BW" view --to-bare "$work/all.bare" 'struct stat' "$work/stats.bin" |
  "$BW" unview "$work/all.bare" Stat >"$work/stats.back"
"$BW" view "$work/all.bare" Stat "$work/stats.back" | cmp -s - "$work/stats.jsonl" ||
  fail "struct stat: native -> BARE -> native changed a value"
echo "memory_import: $checked fields agree with C; $rewritten records rewritten by bw unview read back by C"
