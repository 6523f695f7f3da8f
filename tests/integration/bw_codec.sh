#!/usr/bin/env bash
# bw encode / bw decode end to end on fixtures/messages: annotated hex fixtures decode to the
# expected JSON and the JSON encodes back to the same bytes; binary files through -o; streams
# both ways; malformed input gives `error: offset N:` or FILE:LINE:COL, exit 1, and writes
# nothing; usage errors exit 2.
set -euo pipefail
: "${BW:?}" "${SRC_DIR:?}"
fx="$SRC_DIR/fixtures/messages"
schema="$fx/people.bare"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "bw_codec: $*" >&2; exit 1; }
strip_hex() { sed 's/#.*//' "$1" | tr -d ' \n'; }

for m in customer employee; do
  # hex fixture -> JSON
  "$BW" decode "$schema" Person --hex "$fx/$m.hex" >"$work/$m.json"
  cmp -s "$work/$m.json" "$fx/$m.json" || fail "$m: decode differs: $(cat "$work/$m.json")"
  # JSON -> hex, same bytes
  got=$("$BW" encode "$schema" Person --hex "$fx/$m.json")
  [ "$got" = "$(strip_hex "$fx/$m.hex")" ] || fail "$m: encode gives $got"
  # binary file through -o, and back through stdin
  "$BW" encode "$schema" Person -o "$work/$m.bin" <"$fx/$m.json"
  "$BW" decode "$schema" Person <"$work/$m.bin" | cmp -s - "$fx/$m.json" || fail "$m: binary round trip"
done

# Pretty output with union type names is still JSON that encodes to the same message.
"$BW" decode --pretty --type-names "$schema" Person --hex "$fx/customer.hex" >"$work/pretty.json"
grep -q '"type": "Customer"' "$work/pretty.json" || fail "no type name in pretty output"
[ "$("$BW" encode "$schema" Person --hex "$work/pretty.json")" = "$(strip_hex "$fx/customer.hex")" ] ||
  fail "pretty JSON does not encode back"

# Streams: one JSON value per line <-> concatenated messages.
"$BW" encode --stream "$schema" Person "$fx/people.jsonl" -o "$work/people.bin"
[ "$(stat -c %s "$work/people.bin")" -gt 60 ] || fail "stream too short"
"$BW" decode --stream "$schema" Person "$work/people.bin" | cmp -s - "$fx/people.jsonl" ||
  fail "stream round trip"
# Without --stream the same bytes are one message plus trailing bytes.
if "$BW" decode "$schema" Person "$work/people.bin" 2>"$work/err"; then fail "trailing bytes accepted"; fi
grep -q "error: offset 40: .*trailing" "$work/err" || fail "trailing: $(cat "$work/err")"

# Malformed messages: exit 1, offset in the message, nothing written.
expect_error() { # pattern, then the command
  local pattern=$1 rc=0
  shift
  "$@" >"$work/out" 2>"$work/err" || rc=$?
  [ "$rc" -eq 1 ] || fail "exit $rc (wanted 1) for: $*"
  grep -q -- "$pattern" "$work/err" || fail "stderr '$(cat "$work/err")' lacks '$pattern'"
  [ ! -s "$work/out" ] || fail "output written for: $*"
}
echo "02" | expect_error "error: offset 0: union tag 2" "$BW" decode "$schema" Person --hex
echo "00 02 41" | expect_error "error: offset 1: length 2 exceeds" "$BW" decode "$schema" Person --hex
echo "01 02 42 6f 02" | expect_error "offset 4: enum value 2" "$BW" decode "$schema" Person --hex
echo "01 02 c0 af" | expect_error "offset 2: invalid UTF-8" "$BW" decode "$schema" Person --hex
echo "03 zz" | expect_error "offset 3: not a hex digit" "$BW" decode "$schema" Person --hex
# A bad message in the middle of a stream: no output at all, the offset counts from the start.
{ cat "$work/people.bin"; printf '\x07'; } >"$work/bad.bin"
expect_error "error: offset 65: union tag 7" "$BW" decode --stream "$schema" Person "$work/bad.bin"
# A zero-size type makes no stream: bytes after it are an error (not an endless loop).
printf 'type Nil void\n' >"$work/nil.bare"
echo "00" | expect_error "offset 0: 1 bytes after a zero-size message" "$BW" decode --stream \
  "$work/nil.bare" Nil --hex
[ "$(printf '' | "$BW" decode "$work/nil.bare" Nil)" = null ] || fail "void message"
# JSON errors: FILE:LINE:COL; with --stream the line is the input's.
printf '{"tag":3,"value":null}\n{"tag":3,"value":nul}\n' >"$work/bad.jsonl"
expect_error "bad.jsonl:2:18: error: invalid literal" "$BW" encode --stream "$schema" Person \
  "$work/bad.jsonl"
echo '{"tag":1,"value":{"name":"Bo"}}' | expect_error "<stdin>:1:30: error: missing field" \
  "$BW" encode "$schema" Person
# -o is untouched on error.
echo keep >"$work/keep"
if echo '"x"' | "$BW" encode "$schema" Person -o "$work/keep" 2>/dev/null; then fail "bad JSON encoded"; fi
[ "$(cat "$work/keep")" = keep ] || fail "-o file overwritten on error"

# Usage errors exit 2; unknown types exit 1.
rc=0; "$BW" decode "$schema" 2>/dev/null || rc=$?; [ "$rc" -eq 2 ] || fail "missing TYPE: exit $rc"
rc=0; "$BW" encode --bogus "$schema" Person 2>/dev/null </dev/null || rc=$?; [ "$rc" -eq 2 ] || fail "bad option: exit $rc"
rc=0; "$BW" decode "$schema" Nobody 2>/dev/null </dev/null || rc=$?; [ "$rc" -eq 1 ] || fail "unknown type: exit $rc"
"$BW" encode --help | grep -q "usage: bw encode" || fail "encode --help"
echo "bw_codec: ok"
