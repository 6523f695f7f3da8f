#!/usr/bin/env bash
# Cross-check of `bw-import --format=layout` against pahole (dwarves), which reads the layout
# gcc wrote into DWARF: each fixture header is compiled with gcc -g (the host's, gcc -m32 for
# i686, the ELF cross compilers) and, for every struct and union both listings show, the size
# and each member's offset (byte offset; absolute bit offset for bitfields) must agree.
# Members only one listing shows (pahole expands named members of anonymous record type
# inline, bw lists those types on their own; pahole skips _Atomic members) are counted, not
# compared. Known clang 14 / gcc 12 differences (see import_cross.sh) print XFAIL.
# Final line: `N passed, N failed`.
#
# Env (set by CTest): BW_IMPORT, SRC_DIR, BUILD_DIR.
set -uo pipefail
: "${SRC_DIR:?}" "${BUILD_DIR:?}"
BW_IMPORT=${BW_IMPORT:-$BUILD_DIR/bw-import}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
if [ ! -x "$BW_IMPORT" ] || ! command -v pahole >/dev/null || ! command -v python3 >/dev/null; then
  echo "SKIP bw-import, pahole (apt-get install dwarves) or python3 missing"
  echo "0 passed, 0 failed"
  exit 0
fi

cat >"$work/compare.py" <<'PY'
# compare.py PAHOLE_LISTING BW_LISTING KNOWN_REGEX: prints one line per disagreement
# ("XFAIL ..." when KNOWN_REGEX matches it) and a summary line; exit 1 on an unknown one.
import re, sys

def parse(text):
    types, cur, depth = {}, None, 0
    for line in text.splitlines():
        m = re.match(r'^(struct|union) (\w+) \{', line)
        if m and depth == 0:
            cur = m.group(1) + ' ' + m.group(2)
            types[cur] = {'size': None, 'members': {}, 'dup': set()}
            depth = 1
            continue
        if cur is None:
            continue
        if re.match(r'^\s*(struct|union)\b[^;]*\{\s*$', line):
            depth += 1
            continue
        if re.match(r'^\s*\}', line):
            depth -= 1
            if depth == 0:
                cur = None
            continue
        m = re.search(r'/\* size: (\d+)', line)
        if m and depth == 1:
            types[cur]['size'] = int(m.group(1))
            continue
        m = re.match(r'^\s*[^/]*?\b(\w+)(\[[^\]]*\])*(:(\d+))?;\s*/\*\s*(\d+)(:\s*(\d+))?\s+\d+\s*\*/',
                     line)
        if not m:
            continue
        name, off = m.group(1), int(m.group(5))
        value = ('bit', off * 8 + int(m.group(7) or 0)) if m.group(4) else ('byte', off)
        t = types[cur]
        if name in t['members']:
            t['dup'].add(name)
        t['members'][name] = value
    return types

pa = parse(open(sys.argv[1]).read())
bw = parse(open(sys.argv[2]).read())
known = re.compile(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] else None
compared = uncompared = bad = 0
for t in sorted(set(pa) & set(bw)):
    problems = []
    if pa[t]['size'] is not None and bw[t]['size'] is not None and pa[t]['size'] != bw[t]['size']:
        problems.append('%s size: gcc %d, bw-import %d' % (t, pa[t]['size'], bw[t]['size']))
    for name, v in pa[t]['members'].items():
        w = bw[t]['members'].get(name)
        if w is None or name in pa[t]['dup'] or name in bw[t]['dup']:
            uncompared += 1
            continue
        compared += 1
        if v != w:
            problems.append('%s.%s offset: gcc %s %d, bw-import %s %d' % (t, name, v[0], v[1], w[0], w[1]))
    for p in problems:
        if known and known.search(p):
            print('    XFAIL ' + p)
        else:
            print('    ' + p)
            bad += 1
print('SUMMARY %d types, %d members compared, %d only in one listing, %d disagreements'
      % (len(set(pa) & set(bw)), compared, uncompared, bad))
sys.exit(1 if bad else 0)
PY

# known[TARGET]: regex over disagreement lines that are known clang/gcc ABI differences.
declare -A known
known[s390x-linux-gnu]='^struct sc_int128[ .]'

# i686: gcc aligns 8-byte vectors to 4 in records, clang 14 to 8 (see import_cross.sh).
known[i686-linux-gnu]='^struct sc_vectors\.v2i '

for target in host aarch64-linux-gnu arm-linux-gnueabihf s390x-linux-gnu i686-linux-gnu; do
  if [ "$target" = host ]; then
    cc=(gcc)
    target_arg=()
  elif [ "$target" = i686-linux-gnu ]; then
    # the host gcc -m32, freestanding on both sides (no 32-bit C library installed)
    cc=(gcc -m32 -ffreestanding)
    target_arg=(--target="$target" -ffreestanding)
  else
    cc=("$target-gcc")
    target_arg=(--target="$target")
  fi
  if ! echo 'int x;' | "${cc[@]}" -fsyntax-only -x c - 2>/dev/null; then
    echo "SKIP $target: ${cc[*]} not available"
    continue
  fi
  for h in "$SRC_DIR"/fixtures/headers/*.h; do
    name="$target $(basename "$h")"
    d="$work/$target-$(basename "$h" .h)"
    mkdir -p "$d"
    printf '#include "%s"\n' "$h" >"$d/unit.c"
    if ! "${cc[@]}" -std=c11 -g -fno-eliminate-unused-debug-types -c "$d/unit.c" -o "$d/unit.o" \
      2>"$d/cc.log"; then
      failed=$((failed + 1))
      echo "FAIL $name: ${cc[*]} cannot compile the fixture"
      continue
    fi
    pahole "$d/unit.o" >"$d/pahole.txt" 2>/dev/null
    if ! "$BW_IMPORT" "${target_arg[@]}" -std=c11 --format=layout -o "$d/bw.txt" "$h" \
      2>"$d/import.log"; then
      failed=$((failed + 1))
      echo "FAIL $name: bw-import --format=layout"
      sed -n '1,5p' "$d/import.log" | sed 's/^/    /'
      continue
    fi
    if python3 "$work/compare.py" "$d/pahole.txt" "$d/bw.txt" "${known[$target]:-}" >"$d/cmp.txt"; then
      passed=$((passed + 1))
      echo "PASS $name: $(sed -n 's/^SUMMARY //p' "$d/cmp.txt")"
      grep 'XFAIL' "$d/cmp.txt"
    else
      failed=$((failed + 1))
      echo "FAIL $name: $(sed -n 's/^SUMMARY //p' "$d/cmp.txt")"
      grep -v '^SUMMARY' "$d/cmp.txt" | sed -n '1,12p'
    fi
  done
done

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
