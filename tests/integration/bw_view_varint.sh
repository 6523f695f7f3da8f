#!/usr/bin/env bash
# bw view / bw unview of `uint` and `int` fields: a C program (compiled here with $CC) writes
# records of fixtures/memory/varints.bare whose varint fields are uint64_t and int64_t in this
# host's natural C layout and prints the JSON each record must give; `bw view` must print
# exactly that, its messages must be the varints BARE.md gives, and `bw unview` must give back
# the very bytes. A malformed varint is an error at its offset, with nothing written.
set -euo pipefail
: "${BW:?}" "${SRC_DIR:?}" "${CC:=cc}"
fx="$SRC_DIR/fixtures/memory"
schema="$fx/varints.bare"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "bw_view_varint: $*" >&2; exit 1; }

"$CC" -std=c11 -O0 -o "$work/varints" "$fx/varints.c"
"$work/varints" "$work/recs.bin" >"$work/expect.jsonl"
size=$(($(stat -c %s "$work/recs.bin") / 3))

# What C wrote, as JSON; one field of each record.
"$BW" view "$schema" Sample "$work/recs.bin" >"$work/got.jsonl"
diff "$work/got.jsonl" "$work/expect.jsonl" >&2 || fail "records differ from what C wrote"
[ "$("$BW" view --field delta "$schema" Sample "$work/recs.bin" | tr '\n' ' ')" = \
  '-1 -9223372036854775808 9223372036854775807 ' ] || fail "--field delta"
[ "$("$BW" view --field 'deltas[0]' "$schema" Sample "$work/recs.bin" | tr '\n' ' ')" = \
  '-64 -65 -66 ' ] || fail "--field deltas[0]"

# The messages: the first record is id 0, delta -1 (zig-zag 1), kind 200, deltas -64 and 63
# (zig-zag 127 and 126), count 64: one byte each.
"$BW" view --to-bare "$schema" Sample "$work/recs.bin" -o "$work/recs.bare.bin"
[ "$(head -c 6 "$work/recs.bare.bin" | od -An -tx1 | tr -d ' \n')" = 0001c87f7e40 ] ||
  fail "first message: $(head -c 6 "$work/recs.bare.bin" | od -An -tx1)"
"$BW" decode --stream "$schema" Sample "$work/recs.bare.bin" | cmp -s - "$work/expect.jsonl" ||
  fail "--to-bare messages do not decode to the same JSON"
"$BW" unview "$schema" Sample "$work/recs.bare.bin" -o "$work/back.bin"
cmp "$work/back.bin" "$work/recs.bin" || fail "unview does not give back the C records"
[ "$(stat -c %s "$work/back.bin")" -eq $((size * 3)) ] || fail "unview size"

# The layout table spells the fields as C does.
"$BW" layout "$schema" Sample >"$work/layout.txt"
grep -q 'uint64_t *id;' "$work/layout.txt" || fail "layout: $(cat "$work/layout.txt")"
grep -q 'int64_t *deltas\[2\];' "$work/layout.txt" || fail "layout: $(cat "$work/layout.txt")"

# A non-minimal varint (id: 80 00) and a varint past 64 bits (delta: eleven bytes): errors at
# their first byte, nothing written.
expect_error() { # pattern, then the command
  local pattern=$1 rc=0
  shift
  "$@" >"$work/out" 2>"$work/err" || rc=$?
  [ "$rc" -eq 1 ] || fail "exit $rc (wanted 1) for: $*"
  grep -q -- "$pattern" "$work/err" || fail "stderr '$(cat "$work/err")' lacks '$pattern'"
  [ ! -s "$work/out" ] || fail "output written for: $*"
}
printf '\x80\x00\x01\xc8\x7f\x7e\x40' >"$work/overlong.bin"
expect_error "error: offset 0: varint is not minimal" "$BW" unview "$schema" Sample "$work/overlong.bin"
printf '\x00\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01\xc8\x7f\x7e\x40' >"$work/long.bin"
expect_error "error: offset 1: value does not fit" "$BW" unview "$schema" Sample "$work/long.bin"
printf '\x00\x01\xc8\x7f\x7e' >"$work/short.bin"
expect_error "error: offset 5: unexpected end of input" "$BW" unview "$schema" Sample "$work/short.bin"
# An imported layout (`#@` annotations, as bw-import writes them): a uint and an int annotated
# as the 8-byte C integers are accepted and decoded into them; annotated with another size, the
# schema is refused at the field's type.
cat >"$work/ids.bare" <<'SCHEMA'
#@ target triple="x86_64-pc-linux-gnu" pointer_size=8 endian=little char_signed=1
#@ native c_name="struct ids" size=16 align=8
type Ids struct {
  #@ native size=8 align=8
  #@ field offset=0 c_name="id" c_type="uint64_t"
  id: uint
  #@ native size=8 align=8
  #@ field offset=8 c_name="delta" c_type="int64_t"
  delta: int
}
SCHEMA
printf '\xac\x02\x05' >"$work/ids.msg" # id 300, delta -3
"$BW" unview "$work/ids.bare" Ids "$work/ids.msg" -o "$work/ids.bin"
[ "$(od -An -tx1 "$work/ids.bin" | tr -d ' \n')" = 2c01000000000000fdffffffffffffff ] ||
  fail "annotated record: $(od -An -tx1 "$work/ids.bin")"
sed '4s/size=8 align=8/size=4 align=4/' "$work/ids.bare" >"$work/ids4.bare"
expect_error "ids4.bare:6:7: error: uint has native size 4, but uint is held in memory as uint64_t (8 bytes)" \
  "$BW" layout "$work/ids4.bare"
echo "bw_view_varint: ok"
