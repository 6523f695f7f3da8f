#!/usr/bin/env bash
# Builds every libFuzzer target in tests/fuzz/ (clang, ASan + UBSan) and runs each for a
# bounded time: scripts/fuzz.sh [SECONDS_PER_TARGET] (default 30). Seeds come from
# tests/fuzz/corpus/<target>/ when present. Fails when any target finds a crash.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-30}
"$root/scripts/setup.sh"
build="$root/build/fuzz"
CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBW_FUZZ=ON \
  -DBW_SANITIZE=ON -DBW_TESTS=OFF -DBW_BENCH=OFF -DBW_IMPORT=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
status=0
for src in "$root"/tests/fuzz/fuzz_*.c; do
  [ -e "$src" ] || continue
  name=$(basename "$src" .c)
  work=$(mktemp -d)
  seeds=()
  [ -d "$root/tests/fuzz/corpus/$name" ] && seeds=("$root/tests/fuzz/corpus/$name")
  echo "fuzz: $name for ${seconds}s"
  if ! (cd "$work" && "$build/$name" -max_total_time="$seconds" -rss_limit_mb=2048 \
      -timeout=10 -print_final_stats=1 "$work" "${seeds[@]}" >"$work/log" 2>&1); then
    echo "fuzz: $name FAILED" >&2
    tail -50 "$work/log" >&2
    mkdir -p "$root/build/fuzz-crashes"
    cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$root/build/fuzz-crashes/" 2>/dev/null || true
    status=1
  else
    grep -E "stat::number_of_executed_units|Done" "$work/log" | tail -1
  fi
  rm -rf "$work"
done
exit $status
