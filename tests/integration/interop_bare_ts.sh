#!/usr/bin/env bash
# Interoperability with an independent BARE implementation, @bare-ts/lib (npm, installed in
# tests/interop by scripts/test.sh): values of every BARE type (fixtures/messages/interop.jsonl,
# schema fixtures/messages/interop.bare) are encoded by `bw encode`; bare-ts must decode every
# message to the values `bw decode` gives, and its own encoder must give back the same bytes.
# Then corrupted messages (a bad bool, enum value, optional flag, UTF-8, an overlong varint, a
# truncated message) must be refused by both.
set -euo pipefail
: "${BW:?}" "${SRC_DIR:?}"
dir="$SRC_DIR/tests/interop"
if ! command -v node >/dev/null; then
  echo "SKIP interop_bare_ts: node not found"
  exit 0
fi
if [ ! -d "$dir/node_modules/@bare-ts/lib" ]; then
  echo "SKIP interop_bare_ts: @bare-ts/lib not installed (scripts/test.sh runs npm ci in $dir)"
  exit 0
fi
schema="$SRC_DIR/fixtures/messages/interop.bare"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "interop_bare_ts: $*" >&2; exit 1; }

"$BW" encode --stream "$schema" All "$SRC_DIR/fixtures/messages/interop.jsonl" -o "$work/msgs.bin"
"$BW" decode --stream "$schema" All "$work/msgs.bin" >"$work/bw.jsonl"
node "$dir/bare_ts.mjs" "$work/msgs.bin" "$work/bw.jsonl" "$work/again.bin"
cmp "$work/msgs.bin" "$work/again.bin" || fail "bare-ts encodes the values to other bytes"

# Corruptions of the first message (every field zero or empty: u8 u16 u32 u64 i8 i16 i32 i64
# are 30 fixed bytes at 0..29, vu at 30, vi at 31, f32 32..35, f64 36..43, flag at 44, name's
# length at 45, blob's length at 46, tag 47..50, color at 51, maybe at 52): each must be refused
# by both implementations.
sed -n 1p "$work/bw.jsonl" >"$work/m0.json"
"$BW" encode "$schema" All "$work/m0.json" -o "$work/m0.bin"
corrupt() { # NAME OFFSET HEXBYTES: NAME.bin is message 0 with the bytes at OFFSET replaced
  cp "$work/m0.bin" "$work/$1.bin"
  printf "$(echo "$3" | sed 's/../\\x&/g')" |
    dd of="$work/$1.bin" bs=1 seek="$2" conv=notrunc 2>/dev/null
  cmp -s "$work/m0.bin" "$work/$1.bin" && fail "corruption $1 changed nothing"
  return 0
}
corrupt bool 44 02
corrupt enum 51 01        # Color has no member 1
corrupt optional 52 02    # an optional's flag is 0 or 1
corrupt utf8 45 01ff      # name: one byte, 0xff, then the rest shifted: not UTF-8
corrupt vu_overlong 30 80 # 0x80 0x00: a varint longer than it needs to be
head -c -1 "$work/m0.bin" >"$work/truncated.bin"
refused=0
for c in bool enum optional utf8 vu_overlong truncated; do
  node "$dir/bare_ts.mjs" --refuses "$work/$c.bin" >/dev/null || fail "bare-ts accepts $c"
  if "$BW" decode "$schema" All "$work/$c.bin" >/dev/null 2>"$work/err"; then
    fail "bw decode accepts the $c corruption, which bare-ts refuses"
  fi
  grep -q "error: offset" "$work/err" || fail "$c: $(cat "$work/err")"
  refused=$((refused + 1))
done
echo "interop_bare_ts: $(wc -l <"$work/bw.jsonl") messages alike in both directions; $refused corruptions refused by both"
