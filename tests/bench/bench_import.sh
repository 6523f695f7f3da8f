#!/usr/bin/env bash
# Benchmark: bw-import on a large real header (vulkan/vulkan_core.h from libvulkan-dev, ~17k
# lines, ~1,500 records and enums), beside two baselines measured in the same run:
#   - `clang -fsyntax-only` on the same input: the floor (parsing it at all);
#   - `bindgen` (Rust bindings from the same header through libclang): the usual tool.
# Prints mean wall time of each (hyperfine when present, else a timed loop), peak resident
# memory (/usr/bin/time -v when present, else getrusage through a tiny C wrapper), and the
# ratios against the targets: bw-import / clang-fsyntax-only <= 1.2, bindgen / bw-import >= 10.
#
# bw-import is the Release build in build/release (configured and built here if needed, with
# -j2). Usage: tests/bench/bench_import.sh [HEADER] [--perf]; --perf also records where
# bw-import spends its time (perf record + report, top symbols). RUNS=N sets the sample count.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
header=/usr/include/vulkan/vulkan_core.h
want_perf=0
for a in "$@"; do
  case $a in
    --perf) want_perf=1 ;;
    *) header=$a ;;
  esac
done
runs=${RUNS:-20}
[ -r "$header" ] || { echo "bench_import: $header missing (apt-get install libvulkan-dev)"; exit 1; }

build="$src/build/release"
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBW_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target bw-import -j2 >/dev/null
bwi="$build/bw-import"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Sanity: every tool really processes the header (a failing command would time nothing).
"$bwi" "$header" >"$work/out.bare"
clang -fsyntax-only -x c "$header"
echo "bw-import: $(grep -c '^type ' "$work/out.bare") types from $header ($(wc -l <"$header") lines)"

names=("bw-import" "clang -fsyntax-only")
cmds=("$bwi $header" "clang -fsyntax-only -x c $header")
if command -v bindgen >/dev/null; then
  names+=("bindgen")
  cmds+=("bindgen $header -o $work/bindings.rs")
else
  echo "SKIP bindgen not found (apt-get install bindgen): no bindgen ratio"
fi

declare -A mean
if command -v hyperfine >/dev/null; then
  args=()
  for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
  # -N: no shell in between; --output=null: no terminal or pipe cost in the figures.
  hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/h.json" --style basic \
    --output=null "${args[@]}" >"$work/hyperfine.txt" 2>&1
  while IFS=$'\t' read -r n m; do mean[$n]=$m; done < <(python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"] + "\t" + repr(r["mean"]))' "$work/h.json")
else
  echo "hyperfine not found: timed loop of $runs runs"
  for i in "${!cmds[@]}"; do
    start=$(date +%s.%N)
    for _ in $(seq "$runs"); do ${cmds[$i]} >/dev/null; done
    end=$(date +%s.%N)
    mean[${names[$i]}]=$(echo "($end - $start) / $runs" | bc -l)
  done
fi

# Peak resident memory, in KiB.
peak() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'
  else
    if [ ! -x "$work/peak" ]; then
      cat >"$work/peak.c" <<'C'
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv) {
  (void)argc;
  pid_t pid = fork();
  if (pid == 0) { execvp(argv[1], argv + 1); _exit(127); }
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) return 1;
  fprintf(stderr, "%ld\n", ru.ru_maxrss);
  return 0;
}
C
      cc -O2 -o "$work/peak" "$work/peak.c"
    fi
    "$work/peak" "$@" 2>&1 >/dev/null | tail -1
  fi
}

printf '\n%-22s %12s %14s\n' "tool" "mean (ms)" "peak RSS (MiB)"
for i in "${!cmds[@]}"; do
  n=${names[$i]}
  # shellcheck disable=SC2086
  rss=$(peak ${cmds[$i]})
  printf '%-22s %12.1f %14.1f\n' "$n" "$(echo "${mean[$n]} * 1000" | bc -l)" \
    "$(echo "$rss / 1024" | bc -l)"
done

ratio() { echo "${mean[$1]} / ${mean[$2]}" | bc -l; }
echo
printf 'bw-import / clang -fsyntax-only = %.2fx (target <= 1.2x)\n' \
  "$(ratio "bw-import" "clang -fsyntax-only")"
if [ -n "${mean[bindgen]:-}" ]; then
  printf 'bindgen / bw-import            = %.1fx (target >= 10x)\n' "$(ratio bindgen bw-import)"
fi

if [ $want_perf -eq 1 ]; then
  if command -v perf >/dev/null; then
    echo
    echo "where bw-import spends its time (perf, self time, top 25):"
    perf record -q -g -o "$work/perf.data" "$bwi" "$header" >/dev/null 2>"$work/perf.log" || true
    perf report -i "$work/perf.data" --stdio --no-children --sort dso,symbol 2>/dev/null |
      grep -E '^ +[0-9]' | head -25
    echo
    echo "by library:"
    perf report -i "$work/perf.data" --stdio --no-children --sort dso 2>/dev/null |
      grep -E '^ +[0-9]' | head -8
  else
    echo "SKIP perf not found"
  fi
fi
