#!/usr/bin/env bash
# bw unview --mapped / --shm, bw view --mapped / --shm and bw mapped, end to end: records a C
# program wrote (fixtures/memory/records.c, the compiler's layout) go to BARE, into a barewire
# mapped file and a shared-memory segment, and must read back as the JSON the C program printed.
# Then the header: what `bw mapped` reports (checked against the bytes with od), the schema
# check, and refusals (another schema, a truncated file, a file that is not mapped, usage
# errors), each with exit 1 (2 for usage) and nothing left behind.
set -euo pipefail
: "${BW:?}" "${SRC_DIR:?}" "${CC:=cc}"
fx="$SRC_DIR/fixtures/memory"
schema="$fx/records.bare"
work=$(mktemp -d)
seg="/bw_mapped_sh_$$"
trap 'rm -rf "$work"; "$BW" mapped --shm "$seg" --unlink >/dev/null 2>&1 || true' EXIT
fail() { echo "bw_mapped: $*" >&2; exit 1; }

"$CC" -std=c11 -O0 -o "$work/records" "$fx/records.c"
"$work/records" "$work/recs.bin" >"$work/expect.jsonl"
"$BW" view --to-bare "$schema" Rec "$work/recs.bin" >"$work/msgs.bin"
size=$(($(stat -c %s "$work/recs.bin") / 3))

# A mapped file: header + the three records; read back through the header.
"$BW" unview --mapped -o "$work/recs.bwm" "$schema" Rec "$work/msgs.bin"
[ "$(stat -c %s "$work/recs.bwm")" -eq $((192 + 3 * size)) ] || fail "file size"
ls "$work" | grep -q 'tmp' && fail "temporary file left behind"
"$BW" view --mapped "$schema" Rec "$work/recs.bwm" | diff - "$work/expect.jsonl" >&2 ||
  fail "records of the mapped file differ from what C wrote"
"$BW" view --mapped --count 1 --field 'pts[1].y' "$schema" Rec "$work/recs.bwm" |
  grep -qx -- -2147483648 || fail "--field in a mapped file"

# What bw mapped says is what the header bytes say (little-endian fields at their offsets).
"$BW" mapped --json "$work/recs.bwm" >"$work/info.json"
le() { od -An -tu$2 -j$1 -N$2 --endian=little "$work/recs.bwm" | tr -d ' '; }
fp=$(od -An -tx1 -j16 -N32 "$work/recs.bwm" | tr -d ' \n')
want="{\"version\":$(le 8 4),\"type\":\"Rec\",\"record_size\":$(le 112 8),\"count\":$(le 120 8),\"endian\":\"little\",\"fingerprint\":\"$fp\"}"
[ "$(cat "$work/info.json")" = "$want" ] || fail "bw mapped --json: $(cat "$work/info.json"), header: $want"
[ "$(le 112 8)" -eq "$size" ] && [ "$(le 120 8)" -eq 3 ] || fail "header size or count"
"$BW" mapped --schema "$schema" "$work/recs.bwm" | grep -q "^check: *written with" ||
  fail "bw mapped --schema on the right schema"

# The same through a shared-memory segment.
"$BW" unview --shm "$seg" "$schema" Rec "$work/msgs.bin"
"$BW" view --shm "$seg" "$schema" Rec | diff - "$work/expect.jsonl" >&2 ||
  fail "records of the segment differ"
if "$BW" unview --shm "$seg" "$schema" Rec "$work/msgs.bin" 2>"$work/err"; then
  fail "a second segment of the same name was created"
fi
grep -q "File exists" "$work/err" || fail "existing segment: $(cat "$work/err")"
"$BW" mapped --shm "$seg" --unlink | grep -q "^records: *3$" || fail "bw mapped --shm"
if "$BW" mapped --shm "$seg" 2>/dev/null; then fail "--unlink left the segment"; fi

# Refusals, each exit 1 with the header field's offset.
expect_error() { # STATUS PATTERN CMD...
  local want=$1 pattern=$2 st=0
  shift 2
  "$@" >"$work/out" 2>"$work/err" || st=$?
  [ "$st" -eq "$want" ] || fail "$* exits $st, not $want ($(cat "$work/err"))"
  grep -q -- "$pattern" "$work/err" || fail "$*: message '$(cat "$work/err")' lacks '$pattern'"
  [ ! -s "$work/out" ] || fail "$*: printed output on error"
}
printf 'type Rec struct { a: u8 }\n' >"$work/other.bare"
expect_error 1 "offset 16: mapped header: schema fingerprint differs" \
  "$BW" view --mapped "$work/other.bare" Rec "$work/recs.bwm"
expect_error 1 "offset 16: .*written with another schema" \
  "$BW" mapped --schema "$work/other.bare" "$work/recs.bwm"
head -c $((192 + 2 * size + 1)) "$work/recs.bwm" >"$work/short.bwm"
expect_error 1 "offset 120: mapped header: record count 3 does not fit" \
  "$BW" view --mapped "$schema" Rec "$work/short.bwm"
expect_error 1 "offset 120: mapped header: record count 3 does not fit" "$BW" mapped "$work/short.bwm"
expect_error 1 "offset 0: mapped header: magic differs" "$BW" mapped "$work/records"
expect_error 1 "shorter than the 192-byte header" "$BW" mapped "$work/msgs.bin"
expect_error 2 "cannot combine --mapped without -o FILE" "$BW" unview --mapped "$schema" Rec
expect_error 2 "cannot combine --offset" \
  "$BW" view --mapped --offset 8 "$schema" Rec "$work/recs.bwm"
expect_error 2 "give a FILE or --shm NAME" "$BW" mapped

# A bad message: no file appears, no temporary file stays.
head -c -1 "$work/msgs.bin" >"$work/bad.bin" # the last message is cut short
if "$BW" unview --mapped -o "$work/bad.bwm" "$schema" Rec "$work/bad.bin" 2>/dev/null; then
  fail "a bad message was written"
fi
[ ! -e "$work/bad.bwm" ] || fail "output written on error"
ls "$work" | grep -q 'tmp' && fail "temporary file left behind on error"
echo "bw_mapped: file and segment round trips, header fields, 9 refusals"
