#!/usr/bin/env bash
# bw-import against the compiler, on every fixture header and on real system headers.
#
# For each input: `bw-import --format=c-check` is compiled with gcc (an independent compiler:
# bw-import uses clang) and run, and must report zero mismatches; `bw check` accepts the
# --format=bare output; `bw layout --json` of that .bare prints exactly the bytes of
# `bw-import --format=json` (parsing the schema back gives the same layout); a second import
# gives byte-identical bare, json, layout and c-check output. Prints one PASS/FAIL/SKIP line
# per sub-check and a final `N passed, N failed`.
#
# Env (set by CTest): BW_IMPORT, BW, SRC_DIR, BUILD_DIR. GCC overrides the compiler (default
# gcc). BW_IMPORT_KEEP=1 keeps the work directory.
set -uo pipefail
: "${SRC_DIR:?}" "${BUILD_DIR:?}"
BW_IMPORT=${BW_IMPORT:-$BUILD_DIR/bw-import}
BW=${BW:-$BUILD_DIR/bw}
GCC=${GCC:-gcc}
work=$(mktemp -d)
[ -n "${BW_IMPORT_KEEP:-}" ] && echo "work directory: $work" || trap 'rm -rf "$work"' EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
skip() { echo "SKIP $*"; }
# Shows the first lines of a log under a failure.
show() { sed -n '1,15p' "$1" | sed 's/^/    /'; }

if [ ! -x "$BW_IMPORT" ]; then
  skip "bw-import not built ($BW_IMPORT)"
  echo "0 passed, 0 failed"
  exit 0
fi
have_gcc=1
command -v "$GCC" >/dev/null || { have_gcc=0; skip "$GCC not found: c-check compilation"; }
have_bw=1
[ -x "$BW" ] || { have_bw=0; skip "bw not built: bw check / bw layout --json"; }
have_layout=$have_bw
if [ $have_bw -eq 1 ] && ! "$BW" layout --help >/dev/null 2>&1; then
  have_layout=0
  skip "bw has no 'layout' command yet: JSON round trip not checked"
fi

# check_input NAME WERROR ARGS...: ARGS are bw-import's (options and headers). The import is
# made with -std=c11, the mode gcc compiles the check in: the headers' macros (glibc's feature
# macros among them) then agree.
check_input() {
  local name=$1 werror=$2
  shift 2
  local d="$work/$name"
  mkdir -p "$d"

  # 1. c-check compiled with gcc and run: zero mismatches.
  set -- -std=c11 "$@"
  if ! "$BW_IMPORT" --format=c-check -o "$d/check.c" "$@" 2>"$d/import.log"; then
    fail "$name: bw-import --format=c-check"
    show "$d/import.log"
  elif [ $have_gcc -eq 1 ]; then
    if ! "$GCC" -std=c11 -Wall $werror -o "$d/check" "$d/check.c" 2>"$d/gcc.log"; then
      fail "$name: gcc rejects the c-check ($(grep -c 'static assertion failed' "$d/gcc.log") failed static assertions, $(grep -c 'error:' "$d/gcc.log") errors)"
      grep -E 'error' "$d/gcc.log" | sed -n '1,15p' | sed 's/^/    /'
    elif ! "$d/check" >"$d/run.log" 2>&1 || [ -s "$d/run.log" ]; then
      fail "$name: c-check run reports $(wc -l <"$d/run.log") bitfield mismatches"
      show "$d/run.log"
    else
      pass "$name: c-check compiles with gcc and runs clean ($(grep -c '^_Static_assert' "$d/check.c") static checks, $(grep -c 'bw_check_bits((' "$d/check.c") bitfields)"
    fi
  fi

  # 2. the .bare schema passes bw check, and parses back to the same JSON layout.
  local bare_ok=0
  if ! "$BW_IMPORT" --format=bare -o "$d/schema.bare" "$@" 2>"$d/import.log"; then
    fail "$name: bw-import --format=bare"
    show "$d/import.log"
  else
    bare_ok=1
  fi
  if ! "$BW_IMPORT" --format=json -o "$d/layout.json" "$@" 2>"$d/import.log"; then
    fail "$name: bw-import --format=json"
    show "$d/import.log"
    bare_ok=0
  fi
  if [ $bare_ok -eq 1 ] && [ $have_bw -eq 1 ]; then
    if "$BW" check "$d/schema.bare" >"$d/check.log" 2>&1; then
      pass "$name: bw check accepts the schema"
    else
      fail "$name: bw check rejects the schema"
      show "$d/check.log"
    fi
    if [ $have_layout -eq 0 ]; then
      :
    elif ! "$BW" layout --json "$d/schema.bare" >"$d/reparsed.json" 2>"$d/layout.log"; then
      fail "$name: bw layout --json on the schema"
      show "$d/layout.log"
    elif cmp -s "$d/layout.json" "$d/reparsed.json"; then
      pass "$name: parsed schema gives the same JSON layout"
    else
      fail "$name: JSON of the parsed schema differs from bw-import --format=json"
      diff "$d/layout.json" "$d/reparsed.json" | sed -n '1,12p' | sed 's/^/    /'
    fi
  fi

  # 3. a second import gives the same bytes, in every format.
  local fmt same=1
  for fmt in bare json layout c-check; do
    "$BW_IMPORT" --format=$fmt -o "$d/run1.$fmt" "$@" 2>/dev/null
    "$BW_IMPORT" --format=$fmt -o "$d/run2.$fmt" "$@" 2>/dev/null
    if [ ! -s "$d/run1.$fmt" ] || ! cmp -s "$d/run1.$fmt" "$d/run2.$fmt"; then
      fail "$name: --format=$fmt is not byte-identical from run to run (or empty)"
      same=0
    fi
  done
  [ $same -eq 1 ] && pass "$name: two imports are byte-identical (bare, json, layout, c-check)"
}

fixtures="$SRC_DIR/fixtures/headers"
for h in "$fixtures"/*.h; do
  check_input "$(basename "$h" .h)" -Werror "$h"
done
# All fixtures as one translation unit, in order.
check_input all-fixtures -Werror "$fixtures"/*.h
# camelCase field names (older BARE tools): the layout keeps the C names.
check_input names-camel -Werror --field-case=camel "$fixtures/names.h"

# Real system headers (glibc, Linux UAPI); _GNU_SOURCE so that every member glibc can declare
# is there (the c-check file repeats the -D before its #include lines).
for h in sys/stat.h netinet/ip.h regex.h linux/input.h signal.h sys/epoll.h time.h dirent.h \
  termios.h sys/socket.h netinet/tcp.h linux/perf_event.h linux/bpf.h vulkan/vulkan_core.h \
  stdio.h stdlib.h wchar.h glob.h sound/asound.h; do
  if [ -e "/usr/include/$h" ] || [ -e "/usr/include/x86_64-linux-gnu/$h" ]; then
    check_input "sys-${h//\//_}" "" -D_GNU_SOURCE "<$h>"
  else
    skip "<$h> not installed"
  fi
done

# A narrowed import: --type keeps struct stat and pulls in what it needs (struct timespec);
# its c-check still includes the whole header and must pass.
if [ -e /usr/include/x86_64-linux-gnu/sys/stat.h ] || [ -e /usr/include/sys/stat.h ]; then
  check_input sys-stat-narrowed "" -D_GNU_SOURCE --type='^Stat$' '<sys/stat.h>'
  kept=$(python3 -c 'import json,sys; print(" ".join(t["c_name"] for t in json.load(open(sys.argv[1]))["types"]))' \
    "$work/sys-stat-narrowed/run1.json" 2>/dev/null)
  if [ "$kept" = "struct timespec struct stat" ]; then
    pass "sys-stat-narrowed: --type='^Stat\$' keeps struct stat and struct timespec"
  else
    fail "sys-stat-narrowed: --type='^Stat\$' kept: $kept"
  fi
fi

# Reserved names of system headers (include guards, feature and compiler macros) are not
# constants by default; --all-macros keeps them (JSON names drop leading underscores:
# _SYS_STAT_H is SYS_STAT_H, __USE_POSIX is USE_POSIX).
if [ -e /usr/include/x86_64-linux-gnu/sys/stat.h ] || [ -e /usr/include/sys/stat.h ]; then
  consts() {
    "$BW_IMPORT" --format=json "$@" '<sys/stat.h>' 2>/dev/null |
      python3 -c 'import json,sys; print(" ".join(c["name"] for c in json.load(sys.stdin)["constants"]))'
  }
  default=" $(consts) "
  all=" $(consts --all-macros) "
  case "$default" in
    *" S_IFMT "*)
      case "$default" in
        *" SYS_STAT_H "* | *" USE_POSIX "* | *" GLIBC_MINOR__ "*) fail "reserved macros: <sys/stat.h> lists reserved names by default" ;;
        *) pass "reserved macros: <sys/stat.h> lists S_IFMT and no reserved names" ;;
      esac
      ;;
    *) fail "reserved macros: <sys/stat.h> lacks S_IFMT" ;;
  esac
  case "$all" in
    *" SYS_STAT_H "*" S_IFMT "*) pass "reserved macros: --all-macros keeps _SYS_STAT_H" ;;
    *) fail "reserved macros: --all-macros lacks _SYS_STAT_H or S_IFMT" ;;
  esac
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
