#!/usr/bin/env bash
# Integration test of `bw layout`: the natural layout of a hand-written schema against the C
# compiler ($CC compiles the equivalent C declarations and prints sizeof/_Alignof/offsetof, which
# must equal what `bw layout --json` reports), the table's holes and padding, the command's exit
# statuses, and (when bw-import is built) that an imported schema read back gives the importer's
# own JSON document byte for byte.
set -u
: "${BW:?}" "${CC:=cc}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() { # check NAME COMMAND...: runs the command, reports failure
  local name=$1
  shift
  if "$@"; then echo "ok: $name"; else echo "FAIL: $name"; fail=1; fi
}

cat >"$work/shapes.bare" <<'EOF'
type Color enum {
  RED
  GREEN
  BLUE = 7
}
type Point struct {
  x: i32
  y: i32
}
type Small struct {
  a: u8
  b: u64
  c: u8
}
type Shape struct {
  name: data[13]
  color: Color
  center: Point
  corners: list<Point>[3]
  flag: bool
  weight: f64
  tail: u16
}
type Mixed struct {
  a: i8
  b: u16
  c: f32
  d: i64
  e: list<list<u16>[3]>[2]
  f: Small
}
type Person struct {
  name: str
  at: Point
}
EOF

cat >"$work/oracle.c" <<'EOF'
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
enum Color { RED, GREEN, BLUE = 7 };
struct Point { int32_t x; int32_t y; };
struct Small { uint8_t a; uint64_t b; uint8_t c; };
struct Shape { uint8_t name[13]; enum Color color; struct Point center; struct Point corners[3];
               bool flag; double weight; uint16_t tail; };
struct Mixed { int8_t a; uint16_t b; float c; int64_t d; uint16_t e[2][3]; struct Small f; };
#define T(name, c) printf("%s %zu %zu\n", #name, sizeof(c), _Alignof(c))
#define F(name, c, m) printf("%s.%s %zu\n", #name, #m, offsetof(c, m))
int main(void) {
  T(Color, enum Color);
  T(Point, struct Point); F(Point, struct Point, x); F(Point, struct Point, y);
  T(Small, struct Small); F(Small, struct Small, a); F(Small, struct Small, b);
  F(Small, struct Small, c);
  T(Shape, struct Shape); F(Shape, struct Shape, name); F(Shape, struct Shape, color);
  F(Shape, struct Shape, center); F(Shape, struct Shape, corners); F(Shape, struct Shape, flag);
  F(Shape, struct Shape, weight); F(Shape, struct Shape, tail);
  T(Mixed, struct Mixed); F(Mixed, struct Mixed, a); F(Mixed, struct Mixed, b);
  F(Mixed, struct Mixed, c); F(Mixed, struct Mixed, d); F(Mixed, struct Mixed, e);
  F(Mixed, struct Mixed, f);
  return 0;
}
EOF

# The same facts from the layout document: one type per line, fields inside it.
json_facts() {
  grep '^{"name"' | while IFS= read -r line; do
    t=$(sed -E 's/^\{"name":"([^"]*)".*/\1/' <<<"$line")
    sed -E 's/^\{"name":"[^"]*","c_name":[^,]*,"kind":"[a-z]*","size":([0-9]+),"align":([0-9]+).*/'"$t"' \1 \2/' <<<"$line"
    grep -oE '"name":"[a-z][A-Za-z0-9_]*","c_name":[^,]*,"type":"[^"]*","c_type":"[^"]*","offset":[0-9]+' <<<"$line" |
      sed -E 's/^"name":"([^"]*)".*"offset":([0-9]+)$/'"$t"'.\1 \2/'
  done
}

if "$CC" -std=c11 -o "$work/oracle" "$work/oracle.c"; then
  "$work/oracle" >"$work/want.txt"
  "$BW" layout --json "$work/shapes.bare" >"$work/layout.json"
  json_facts <"$work/layout.json" >"$work/got.txt"
  check "natural layout equals the C compiler's ($CC)" diff -u "$work/want.txt" "$work/got.txt"
else
  echo "FAIL: $CC cannot compile the oracle"
  fail=1
fi

# The table: the hole after Small.a and the padding after Small.c, in the compiler's numbers.
"$BW" layout "$work/shapes.bare" Small >"$work/small.txt"
hole=$(awk '$1 == "Small.b" { print $2 - 1 }' "$work/want.txt")
size=$(awk '$1 == "Small" { print $2 }' "$work/want.txt")
pad=$(awk -v size="$size" '$1 == "Small.c" { print size - $2 - 1 }' "$work/want.txt")
check "table shows the hole" grep -qF "/* XXX $hole bytes hole, try to pack */" "$work/small.txt"
check "table shows the padding" grep -qF "/* padding: $pad */" "$work/small.txt"
check "table shows the totals" grep -qF "/* size: $size, cachelines: 1, members: 3 */" "$work/small.txt"
check "types without a layout are left out" bash -c "! grep -q Person '$work/layout.json'"

# Exit statuses and messages.
expect_status() { # expect_status STATUS STDERR_SUBSTRING ARGS...
  local want=$1 text=$2
  shift 2
  "$BW" layout "$@" >/dev/null 2>"$work/err.txt"
  local got=$?
  [ "$got" = "$want" ] && grep -qF -- "$text" "$work/err.txt" ||
    { echo "  status $got (want $want), stderr: $(cat "$work/err.txt")"; return 1; }
}
check "--help exits 0" bash -c "'$BW' layout --help | grep -q 'usage: bw layout'"
check "no file is a usage error" expect_status 2 "no schema file"
check "unknown option is a usage error" expect_status 2 "unknown option '--bogus'" --bogus "$work/shapes.bare"
check "unknown type names it" expect_status 1 "error: unknown type 'Nope'" "$work/shapes.bare" Nope
check "type without layout names the field" expect_status 1 \
  "type Person has no native layout: field 'name' is str" "$work/shapes.bare" Person
printf 'type A struct {\n  x: Missing\n}\n' >"$work/bad.bare"
check "invalid schema: file:line:col" expect_status 1 "$work/bad.bare:2:6: error: unknown type 'Missing'" "$work/bad.bare"
check "a schema without layouts says so" bash -c "echo 'type A str' | '$BW' layout - 2>&1 | grep -q 'no type has a native layout'"
check "reads standard input" bash -c "'$BW' layout - Point <'$work/shapes.bare' | grep -q 'struct Point {'"

# An imported schema read back gives the importer's own layout document, byte for byte.
if [ -n "${BW_IMPORT:-}" ] && [ -n "${SRC_DIR:-}" ]; then
  for h in bitfields records packing; do
    header="$SRC_DIR/fixtures/headers/$h.h"
    [ -f "$header" ] || continue
    "$BW_IMPORT" "$header" -o "$work/$h.bare" && "$BW_IMPORT" --format=json "$header" -o "$work/$h.want.json" &&
      "$BW" layout --json "$work/$h.bare" >"$work/$h.got.json"
    check "imported $h.h: bw layout --json equals bw-import --format=json" \
      cmp "$work/$h.want.json" "$work/$h.got.json"
  done
fi

exit $fail
