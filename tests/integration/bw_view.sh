#!/usr/bin/env bash
# bw view / bw unview end to end: a C program (compiled here with $CC) writes records of
# fixtures/memory/records.bare in this host's natural C layout and prints the JSON each record
# must give; `bw view` must print exactly that (the compiler is the oracle for the layout bw
# computes). Then: --field, --offset/--count, --to-bare agreeing with `bw decode --stream`,
# `bw unview` giving back the very bytes, and errors (exit 1, nothing written; usage: exit 2).
set -euo pipefail
: "${BW:?}" "${SRC_DIR:?}" "${CC:=cc}"
fx="$SRC_DIR/fixtures/memory"
schema="$fx/records.bare"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "bw_view: $*" >&2; exit 1; }

"$CC" -std=c11 -O0 -o "$work/records" "$fx/records.c"
"$work/records" "$work/recs.bin" >"$work/expect.jsonl"
size=$(($(stat -c %s "$work/recs.bin") / 3))

# Every record as JSON, from a file and from standard input.
"$BW" view "$schema" Rec "$work/recs.bin" >"$work/got.jsonl"
diff "$work/got.jsonl" "$work/expect.jsonl" >&2 || fail "records differ from what C wrote"
"$BW" view "$schema" Rec - <"$work/recs.bin" | cmp -s - "$work/expect.jsonl" || fail "stdin differs"

# One field of each record, and records chosen by offset and count.
"$BW" view --field 'pts[1].y' "$schema" Rec "$work/recs.bin" >"$work/field.txt"
printf '%s\n' -2147483648 -2147483647 -2147483646 | cmp -s - "$work/field.txt" ||
  fail "--field pts[1].y: $(tr '\n' ' ' <"$work/field.txt")"
[ "$("$BW" view --field color "$schema" Rec "$work/recs.bin" | tr '\n' ' ')" = '"BLUE" "RED" "GREEN" ' ] ||
  fail "--field color"
"$BW" view --offset "$size" --count 1 "$schema" Rec "$work/recs.bin" >"$work/one.jsonl"
sed -n 2p "$work/expect.jsonl" | cmp -s - "$work/one.jsonl" || fail "--offset/--count"

# --to-bare writes messages that bw decode reads as the same JSON; unview gives the bytes back.
"$BW" view --to-bare "$schema" Rec "$work/recs.bin" -o "$work/recs.bare.bin"
"$BW" decode --stream "$schema" Rec "$work/recs.bare.bin" | cmp -s - "$work/expect.jsonl" ||
  fail "--to-bare messages do not decode to the same JSON"
"$BW" unview "$schema" Rec "$work/recs.bare.bin" -o "$work/back.bin"
cmp "$work/back.bin" "$work/recs.bin" || fail "unview does not give back the C records"
"$BW" encode "$schema" Rec <<<'{"id":1,"flag":false,"temp":0,"name":"0000000000000000","pts":[{"x":1,"y":2},{"x":3,"y":4}],"color":"GREEN","small":5}' |
  "$BW" unview "$schema" Rec >"$work/single.bin"
[ "$(stat -c %s "$work/single.bin")" -eq "$size" ] || fail "unview record size"
[ "$("$BW" view --field 'pts[1].x' "$schema" Rec "$work/single.bin")" = 3 ] || fail "unview value"

# Errors: exit 1 and nothing written.
expect_error() { # status, pattern, then the command
  local want=$1 pattern=$2 rc=0
  shift 2
  "$@" >"$work/out" 2>"$work/err" || rc=$?
  [ "$rc" -eq "$want" ] || fail "exit $rc (wanted $want) for: $*"
  grep -q -- "$pattern" "$work/err" || fail "stderr '$(cat "$work/err")' lacks '$pattern'"
  [ ! -s "$work/out" ] || fail "output written for: $*"
}
expect_error 1 "path 'pts\[2\].x': index 2 is out of range" \
  "$BW" view --field 'pts[2].x' "$schema" Rec "$work/recs.bin"
expect_error 1 "Point has no member 'z'" "$BW" view --field 'pts[0].z' "$schema" Rec "$work/recs.bin"
expect_error 1 "holds 3 whole records" "$BW" view --count 4 "$schema" Rec "$work/recs.bin"
expect_error 1 "does not fit" "$BW" view --offset $((size * 3 - 1)) "$schema" Rec "$work/recs.bin"
expect_error 1 "no type 'Nope'" "$BW" view "$schema" Nope "$work/recs.bin"
# A bool byte of 2 in the second record: an error at its offset in the file.
cp "$work/recs.bin" "$work/badbool.bin"
printf '\x02' | dd of="$work/badbool.bin" bs=1 seek=$((size + 4)) conv=notrunc status=none
expect_error 1 "error: offset $((size + 4)): bool" "$BW" view "$schema" Rec "$work/badbool.bin"
# unview: an enum value that is not a member; a truncated message. A message is 39 bytes:
# id 4, flag 1, temp 8, name 8, pts 16, color 1 (uint), small 1.
cp "$work/recs.bare.bin" "$work/badenum.bin"
printf '\x04' | dd of="$work/badenum.bin" bs=1 seek=37 conv=notrunc status=none
expect_error 1 "error: offset 37: 4 is not a member of Color" \
  "$BW" unview "$schema" Rec "$work/badenum.bin"
head -c 40 "$work/recs.bare.bin" >"$work/short.bin"
expect_error 1 "error: offset 39: message ends" "$BW" unview "$schema" Rec "$work/short.bin"
expect_error 1 "Rec has no flexible array member" \
  "$BW" unview --flex 2 "$schema" Rec "$work/recs.bare.bin"
expect_error 2 "SCHEMA, TYPE and FILE are required" "$BW" view "$schema" Rec
expect_error 2 "needs a non-negative integer" "$BW" view --count x "$schema" Rec "$work/recs.bin"
expect_error 2 "unknown option" "$BW" unview --field x "$schema" Rec
expect_error 2 "needs an address" "$BW" view --base-address 0xz "$schema" Rec "$work/recs.bin"
"$BW" view --help | grep -q -- "--to-bare" || fail "view --help"
echo "bw_view: ok"
