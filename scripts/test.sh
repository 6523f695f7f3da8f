#!/usr/bin/env bash
# Quick start, second command (and what CI runs): installs what is missing, builds with
# -Werror under AddressSanitizer and UndefinedBehaviorSanitizer, runs every Check suite and
# integration test through CTest (the interoperability test with @bare-ts/lib from npm
# included), and checks formatting. Exits non-zero when anything fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" --extra
# @bare-ts/lib, the independent BARE implementation the interoperability test compares with
# (pinned by tests/interop/package-lock.json).
if [ ! -d "$root/tests/interop/node_modules/@bare-ts/lib" ]; then
  npm ci --prefix "$root/tests/interop" --no-audit --no-fund >/dev/null
fi
build="$root/build/asan"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DBW_WERROR=ON -DBW_SANITIZE=ON \
  -DBW_BENCH=OFF >/dev/null
cmake --build "$build" -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd "$build" && ctest --output-on-failure -j"$(nproc)")
"$root/scripts/format.sh" --check
