#!/usr/bin/env bash
# Quick start, second command (and what CI runs): installs what is missing, builds with
# -Werror under AddressSanitizer and UndefinedBehaviorSanitizer, runs every Check suite and
# integration test through CTest, and checks formatting. Exits non-zero when anything fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" --extra
build="$root/build/asan"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DBW_WERROR=ON -DBW_SANITIZE=ON \
  -DBW_BENCH=OFF >/dev/null
cmake --build "$build" -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd "$build" && ctest --output-on-failure -j"$(nproc)")
"$root/scripts/format.sh" --check
