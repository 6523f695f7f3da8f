#!/usr/bin/env bash
# Benchmark: bw-import on a large real header (vulkan/vulkan_core.h from libvulkan-dev, ~17k
# lines, ~1,300 records and enums, ~1,000 macros), beside baselines measured in the same run:
#   - `clang -fsyntax-only` on the same input: the floor (parsing it at all);
#   - `bindgen` (Rust bindings from the same header through libclang): the usual tool;
#   - import_floor (tests/bench/import_floor.c): libclang parsing the header once, and twice,
#     with bw-import's flags and nothing else, to split bw-import's time into parse and rest.
# Prints the mean wall time and the mean CPU time (user + system) of each (hyperfine when
# present, else a timed loop), the peak resident memory (/usr/bin/time -v when present, else
# getrusage through a tiny wrapper), and the ratios against the targets: bw-import / clang
# -fsyntax-only <= 1.2 and bindgen / bw-import >= 10. On a machine shared with other work the
# CPU figures are the steadier ones.
#
# import_floor's FLAGS (see its header) measure what bw-import's parse choices cost: --split
# prints the instructions of the detailed preprocessing record and of disposing of the unit.
#
# bw-import is the Release build in build/release (configured and built here if needed, with
# -j2). Usage: tests/bench/bench_import.sh [HEADER] [--perf] [--split]; --perf also records
# where bw-import spends its time (perf with DWARF call graphs: by library and by bw-import
# function, children included); --split counts instructions with callgrind (repeatable on a
# busy machine, unlike times) for bw-import, clang -fsyntax-only and the libclang parse alone,
# and splits bw-import's into program start (ld.so), the parse (libclang's thread), the walk
# (types), the macros, validation, the output and the rest (disposal, exit). RUNS=N sets the
# sample count (default 20), PAIRS=N the interleaved pairs (default 40).
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
header=/usr/include/vulkan/vulkan_core.h
want_perf=0
want_split=0
for a in "$@"; do
  case $a in
    --perf) want_perf=1 ;;
    --split) want_split=1 ;;
    *) header=$a ;;
  esac
done
runs=${RUNS:-20}
[ -r "$header" ] || { echo "bench_import: $header missing (apt-get install libvulkan-dev)"; exit 1; }

build="${BW_BUILD_DIR:-$src/build/release}" # BW_BUILD_DIR: another Release build
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release >"$work/cmake.log" 2>&1 ||
    { cat "$work/cmake.log"; exit 1; }
fi
cmake --build "$build" --target bw-import -j2 >"$work/build.log" 2>&1 ||
  { tail -30 "$work/build.log"; exit 1; }
bwi="$build/bw-import"

# Sanity: every tool really processes the header (a failing command would time nothing).
"$bwi" "$header" >"$work/out.bare"
clang -fsyntax-only -x c "$header"
echo "bw-import: $(grep -c '^type ' "$work/out.bare") types, $(grep -c '^#@ constant' "$work/out.bare") constants from $header ($(wc -l <"$header") lines)"

names=("bw-import" "clang -fsyntax-only")
cmds=("$bwi $header" "clang -fsyntax-only -x c $header")

# libclang's parse alone, with bw-import's flags.
inc=$(sed -n 's/^LIBCLANG_INCLUDE_DIR:PATH=//p' "$build/CMakeCache.txt")
lib=$(sed -n 's/^LIBCLANG_LIBRARY:FILEPATH=//p' "$build/CMakeCache.txt")
resource=""
if [ -n "$lib" ]; then
  for d in "$(dirname "$lib")"/clang/* "$(dirname "$(realpath "$lib")")"/clang/*; do
    [ -e "$d/include/stddef.h" ] && resource=$d
  done
fi
if [ -n "$inc" ] && [ -n "$resource" ] &&
  cc -O2 -I"$inc" "$src/tests/bench/import_floor.c" -o "$work/import_floor" "$lib" \
    -Wl,-rpath,"$(dirname "$lib")" 2>"$work/floor.log" &&
  "$work/import_floor" "$header" "$resource" 1; then
  names+=("libclang parse x1" "libclang parse x2")
  cmds+=("$work/import_floor $header $resource 1" "$work/import_floor $header $resource 2")
  floor_cmd="$work/import_floor $header $resource 1"
  floor_base="$work/import_floor $header $resource"
else
  echo "SKIP libclang floor: import_floor did not build or run"
  sed -n '1,5p' "$work/floor.log" 2>/dev/null || true
fi

if command -v bindgen >/dev/null; then
  names+=("bindgen")
  cmds+=("bindgen $header -o $work/bindings.rs")
else
  echo "SKIP bindgen not found (apt-get install bindgen): no bindgen ratio"
fi

declare -A mean cpu
if command -v hyperfine >/dev/null; then
  args=()
  for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
  # -N: no shell in between; --output=null: no terminal or pipe cost in the figures.
  hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/h.json" --style basic \
    --output=null "${args[@]}" >"$work/hyperfine.txt" 2>&1
  while IFS=$'\t' read -r n m c; do
    mean[$n]=$m
    cpu[$n]=$c
  done < <(python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("%s\t%r\t%r" % (r["command"], r["mean"], r["user"] + r["system"]))' "$work/h.json")
else
  echo "hyperfine not found: timed loop of $runs runs (CPU time from bash's times)"
  for i in "${!cmds[@]}"; do
    start=$(date +%s.%N)
    for _ in $(seq "$runs"); do ${cmds[$i]} >/dev/null; done
    end=$(date +%s.%N)
    mean[${names[$i]}]=$(echo "($end - $start) / $runs" | bc -l)
    cpu[${names[$i]}]=${mean[${names[$i]}]}
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

printf '\n%-22s %12s %12s %14s\n' "tool" "wall (ms)" "CPU (ms)" "peak RSS (MiB)"
for i in "${!cmds[@]}"; do
  n=${names[$i]}
  # shellcheck disable=SC2086
  rss=$(peak ${cmds[$i]})
  printf '%-22s %12.1f %12.1f %14.1f\n' "$n" "$(echo "${mean[$n]} * 1000" | bc -l)" \
    "$(echo "${cpu[$n]} * 1000" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
done

ratio() {
  local -n table=$1
  echo "${table[$2]} / ${table[$3]}" | bc -l
}
echo
printf 'bw-import / clang -fsyntax-only = %.2fx wall, %.2fx CPU (target <= 1.2x)\n' \
  "$(ratio mean "bw-import" "clang -fsyntax-only")" "$(ratio cpu "bw-import" "clang -fsyntax-only")"
if [ -n "${mean[bindgen]:-}" ]; then
  printf 'bindgen / bw-import            = %.1fx wall, %.1fx CPU (target >= 10x)\n' \
    "$(ratio mean bindgen bw-import)" "$(ratio cpu bindgen bw-import)"
fi
if [ -n "${cpu[libclang parse x1]:-}" ]; then
  printf 'libclang parse x1 / clang -fsyntax-only = %.2fx CPU; bw-import - parse x1 = %.1f ms CPU\n' \
    "$(ratio cpu "libclang parse x1" "clang -fsyntax-only")" \
    "$(echo "(${cpu[bw-import]} - ${cpu[libclang parse x1]}) * 1000" | bc -l)"
fi

# The same ratio from interleaved runs (bw-import, clang, bw-import, clang...): each pair sees
# the same load from whatever else the machine runs, which the separate series above do not.
# PAIRS=N pairs (default 40: a pair takes about a tenth of a second); median and quartiles.
if command -v python3 >/dev/null; then
  python3 - "${PAIRS:-40}" "$bwi" "$header" <<'PY'
import os, statistics, sys, time
runs, bwi, header = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cmds = [[bwi, header], ["clang", "-fsyntax-only", "-x", "c", header]]
def run(cmd):
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execvp(cmd[0], cmd)
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("bench_import: %s failed" % cmd)
    return wall, ru.ru_utime + ru.ru_stime
for c in cmds:
    run(c)  # warm-up
walls, cpus = [[], []], [[], []]
for _ in range(runs):
    for k, c in enumerate(cmds):
        w, u = run(c)
        walls[k].append(w)
        cpus[k].append(u)
def pair(t):
    return statistics.median(a / b for a, b in zip(t[0], t[1]))
q = statistics.quantiles([a / b for a, b in zip(walls[0], walls[1])], n=4)
print("interleaved, %d pairs: bw-import / clang -fsyntax-only = %.2fx wall (quartiles "
      "%.2f-%.2fx), %.2fx CPU (medians of the pairs); best runs %.1f / %.1f ms wall = %.2fx"
      % (runs, pair(walls), q[0], q[2], pair(cpus), min(walls[0]) * 1e3, min(walls[1]) * 1e3,
         min(walls[0]) / min(walls[1])))
PY
fi

if [ $want_perf -eq 1 ]; then
  if command -v perf >/dev/null; then
    perf record -q -F 5000 --call-graph=dwarf,16384 -o "$work/perf.data" "$bwi" "$header" \
      >/dev/null 2>"$work/perf.log" || true
    echo
    echo "where bw-import spends its time (perf, self time by library):"
    perf report -i "$work/perf.data" --stdio --no-children --sort dso -g none -q 2>/dev/null |
      grep -E '^ +[0-9]' | head -8
    echo
    echo "bw-import and libclang entry points, children included (libclang parses in a thread:"
    echo "llvm::CrashRecoveryContext::RunSafely is the parse):"
    perf report -i "$work/perf.data" --stdio --children --sort dso,sym -g none -q 2>/dev/null |
      grep -E '^ +[0-9]' | grep -E 'bw-import +\[\.\] [a-z_]|clang_|RunSafely' |
      grep -vE '\] (_start|main|__libc)' | cut -c1-110 | head -30
  else
    echo "SKIP perf not found"
  fi
fi

if [ $want_split -eq 1 ]; then
  if command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
    # Instructions of one run of a command (children followed: clang runs cc1 in-process, but
    # the driver may fork); the total of every process.
    count() {
      local out=$1
      shift
      valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$work/$out.%p" "$@" \
        >/dev/null 2>"$work/$out.log" || true
      awk '/I[ ]+refs:/ {gsub(",", "", $NF); s += $NF} END {print s + 0}' "$work/$out.log"
    }
    total_bw=$(count cg_bw "$bwi" "$header")
    total_clang=$(count cg_clang clang -fsyntax-only -x c "$header")
    echo
    echo "instructions (callgrind, one run each):"
    printf '  %-22s %8.1f M\n' "bw-import" "$(echo "$total_bw / 1000000" | bc -l)"
    printf '  %-22s %8.1f M\n' "clang -fsyntax-only" "$(echo "$total_clang / 1000000" | bc -l)"
    if [ -n "${floor_cmd:-}" ]; then
      # shellcheck disable=SC2086
      total_floor=$(count cg_floor $floor_cmd)
      printf '  %-22s %8.1f M\n' "libclang parse x1" "$(echo "$total_floor / 1000000" | bc -l)"
      # What bw-import's parse choices cost (import_floor FLAGS): the detailed preprocessing
      # record (every macro definition and expansion, which bw-import needs for constants) and
      # disposing of the unit (which bw-import leaves to the process exit).
      # shellcheck disable=SC2086
      no_record=$(count cg_floor_s $floor_base 1 SE)
      # shellcheck disable=SC2086
      disposed=$(count cg_floor_d $floor_base 1 DS)
      printf '  parse choices: detailed preprocessing record %+.1f M, disposing of the unit %+.1f M\n' \
        "$(echo "($total_floor - $no_record) / 1000000" | bc -l)" \
        "$(echo "($disposed - $total_floor) / 1000000" | bc -l)"
    fi
    printf '  bw-import / clang -fsyntax-only = %.2fx instructions\n' \
      "$(echo "$total_bw / $total_clang" | bc -l)"
    # bw-import's split: inclusive counts of its phases (functions of bw-import and libc).
    cg=$(find "$work" -name 'cg_bw.*' ! -name '*.log' | head -1)
    callgrind_annotate --inclusive=yes --threshold=100 "$cg" 2>/dev/null >"$work/split.txt"
    phase() { # the inclusive count of the first function whose name matches $1
      awk -v re="$1" '$0 ~ re {gsub(",", "", $1); print $1; exit}' "$work/split.txt"
    }
    declare -A ph
    ph[start]=$(phase ':_dl_start \\[')
    ph[parse]=$(phase 'pthread_create.c:start_thread \\[')
    ph[walk]=$(phase ':bw_import_walk \\[')
    ph[macros]=$(phase ':bw_import_macros_finish \\[')
    ph[validate]=$(phase ':bw_draft_validate \\[')
    ph[output]=$(phase ':bw_schema_print \\[')
    echo "bw-import by phase (inclusive instructions, M):"
    rest=$total_bw
    for p in "program start (ld.so):start" "parse (libclang thread):parse" "walk (types):walk" \
      "macros:macros" "validation:validate" "output (schema text):output"; do
      v=${ph[${p##*:}]:-0}
      rest=$((rest - v))
      printf '  %-26s %8.1f\n' "${p%:*}" "$(echo "$v / 1000000" | bc -l)"
    done
    printf '  %-26s %8.1f\n' "rest (dispose, exit...)" "$(echo "$rest / 1000000" | bc -l)"
  else
    echo "SKIP --split: valgrind not found"
  fi
fi
