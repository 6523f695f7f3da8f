#!/usr/bin/env bash
# `cmake --install` gives headers, both libraries, the tools, barewire.pc and a CMake package;
# a tiny program builds and runs against the installed tree both through pkg-config and through
# find_package(barewire). Built separately (no sanitizers) so the consumer links plainly.
set -euo pipefail
: "${SRC_DIR:?}" "${BUILD_DIR:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake -S "$SRC_DIR" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DBW_TESTS=OFF -DBW_BENCH=OFF \
  -DCMAKE_INSTALL_PREFIX="$work/prefix" >/dev/null
cmake --build "$work/build" -j2 >/dev/null
cmake --install "$work/build" >/dev/null
prefix="$work/prefix"
for f in include/barewire/barewire.h include/barewire/schema.h bin/bw; do
  [ -e "$prefix/$f" ] || { echo "install: missing $f"; exit 1; }
done
pc=$(find "$prefix" -name barewire.pc | head -1)
cfg=$(find "$prefix" -name barewireConfig.cmake | head -1)
[ -n "$pc" ] && [ -n "$cfg" ] || { echo "install: no barewire.pc or barewireConfig.cmake"; exit 1; }
ls "$prefix"/lib*/libbarewire.* "$prefix"/lib*/libbarewire-import.* >/dev/null

mkdir -p "$work/app"
cat >"$work/app/main.c" <<'C'
#include <barewire/barewire.h>
#include <stdio.h>
int main(void) {
  bw_draft *d = bw_draft_new();
  bw_type *st = bw_draft_type(d, BW_KIND_STRUCT);
  bw_draft_add_field(d, st, "x", bw_draft_type(d, BW_KIND_U32));
  bw_draft_add_type(d, "Point", st);
  bw_schema *s = NULL;
  bw_diags diags = {0};
  int rc = bw_draft_validate(d, NULL, &s, &diags);
  if (rc != 0) return 1;
  printf("%s %zu\n", bw_schema_type_at(s, 0)->name, bw_schema_type_count(s));
  bw_schema_free(s);
  bw_diags_free(&diags);
  return 0;
}
C
export PKG_CONFIG_PATH="$(dirname "$pc")"
cc -std=c11 -o "$work/app/pc" "$work/app/main.c" $(pkg-config --cflags --libs barewire)
[ "$("$work/app/pc")" = "Point 1" ] || { echo "install: pkg-config program failed"; exit 1; }

cat >"$work/app/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.16)
project(app C)
find_package(barewire REQUIRED)
add_executable(app main.c)
target_link_libraries(app PRIVATE barewire::barewire)
CM
cmake -S "$work/app" -B "$work/app/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/app/build" >/dev/null
[ "$("$work/app/build/app")" = "Point 1" ] || { echo "install: find_package program failed"; exit 1; }
echo "install: pkg-config and find_package consumers built and ran"
