#!/usr/bin/env bash
# `bw check` and `bw fmt` as a user runs them: exit statuses (0 valid, 1 invalid, 2 usage),
# diagnostics as file:line:col: error: message (each invalid fixture lists the ones it expects
# in `# expect:` lines), stdin as '-', the old syntax behind --old-syntax, canonical output that
# is stable, --layout keeping the `#@` annotations, and `-w` rewriting a file atomically: a
# successful run replaces it, a failed one leaves it byte for byte as it was.
set -uo pipefail
: "${SRC_DIR:?}" "${BW:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fixtures="$SRC_DIR/fixtures/schemas"
failures=0
passes=0

pass() { passes=$((passes + 1)); }
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# expect_status WANT DESCRIPTION -- COMMAND...
expect_status() {
  local want=$1 what=$2
  shift 3
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then pass; else
    fail "$what: exit $got, expected $want"
    sed 's/^/  stderr: /' "$work/err" | head -5
  fi
}

# --- bw check ---------------------------------------------------------------------------------
expect_status 0 "check valid fixtures" -- "$BW" check "$fixtures"/valid/*.bare
[ -s "$work/out" ] && fail "check printed on stdout for valid files" || pass
expect_status 0 "check old syntax with --old-syntax" -- "$BW" check --old-syntax "$fixtures"/old/*.bare
expect_status 1 "old syntax without the option" -- "$BW" check "$fixtures"/old/old_syntax.bare

for f in "$fixtures"/invalid/*.bare; do
  expect_status 1 "check $f" -- "$BW" check "$f"
  sed -n "s|^# expect: \([0-9]*:[0-9]*\): |$f:\1: error: |p" "$f" >"$work/want"
  if diff -u "$work/want" "$work/err" >"$work/diff"; then pass; else
    fail "diagnostics of $f"
    cat "$work/diff"
  fi
done

# Several files: every problem of every file, exit 1 when any is invalid.
expect_status 1 "check valid and invalid together" -- \
  "$BW" check "$fixtures/valid/docs.bare" "$fixtures/invalid/validity.bare" "$fixtures/invalid/annotation.bare"
[ "$(grep -c ': error: ' "$work/err")" -eq 3 ] && pass || fail "three diagnostics expected"

# Standard input is '-', named <stdin> in diagnostics.
printf 'type A u8\ntype B list<A\n' >"$work/bad.bare"
"$BW" check - <"$work/bad.bare" 2>"$work/err" >/dev/null
[ $? -eq 1 ] && pass || fail "check - on bad input"
grep -qx "<stdin>:3:1: error: expected '>' after list element type, found end of input" "$work/err" &&
  pass || fail "stdin diagnostic: $(cat "$work/err")"
printf 'type A u8\n' | "$BW" check - && pass || fail "check - on good input"

# Usage errors and help.
expect_status 2 "check without files" -- "$BW" check
expect_status 2 "check with an unknown option" -- "$BW" check --frobnicate "$fixtures/valid/docs.bare"
expect_status 0 "check --help" -- "$BW" check --help
grep -q "usage: bw check" "$work/out" && pass || fail "check --help prints usage on stdout"
expect_status 1 "check a missing file" -- "$BW" check "$work/does-not-exist.bare"

# --- bw fmt -----------------------------------------------------------------------------------
for f in "$fixtures"/valid/*.bare; do
  expect_status 0 "fmt $f" -- "$BW" fmt "$f"
  cp "$work/out" "$work/once.bare"
  expect_status 0 "fmt of fmt output of $f" -- "$BW" fmt "$work/once.bare"
  cmp -s "$work/out" "$work/once.bare" && pass || fail "fmt not stable on $f"
  expect_status 0 "fmt --layout $f" -- "$BW" fmt --layout "$f"
  cp "$work/out" "$work/once.bare"
  expect_status 0 "fmt --layout again $f" -- "$BW" fmt --layout "$work/once.bare"
  cmp -s "$work/out" "$work/once.bare" && pass || fail "fmt --layout not stable on $f"
done

# The annotated fixture is canonical: --layout reproduces it, plain fmt drops the annotations
# but keeps the docs.
"$BW" fmt --layout "$fixtures/valid/imported_layout.bare" | cmp -s - "$fixtures/valid/imported_layout.bare" &&
  pass || fail "fmt --layout changes imported_layout.bare"
"$BW" fmt "$fixtures/valid/imported_layout.bare" >"$work/plain.bare"
grep -q '^#@' "$work/plain.bare" && fail "fmt without --layout kept annotations" || pass
grep -q '^# A C union is carried as its bytes' "$work/plain.bare" && pass || fail "fmt dropped a doc"

# Old syntax in, current syntax out.
expect_status 0 "fmt --old-syntax" -- "$BW" fmt --old-syntax "$fixtures/old/old_syntax.bare"
grep -q '^type Department enum {$' "$work/out" && grep -q 'addresses: list<Address>' "$work/out" &&
  pass || fail "old syntax not rewritten"

# Stdin.
printf 'type   A   struct{x:u8}' | "$BW" fmt - >"$work/out"
[ "$(cat "$work/out")" = "$(printf 'type A struct {\n  x: u8\n}')" ] && pass || fail "fmt - output"

# -w rewrites in place, keeping nothing but the canonical text.
printf '# Doc.\n\ntype   A   struct{x:u8}\n' >"$work/w.bare"
expect_status 0 "fmt -w" -- "$BW" fmt -w "$work/w.bare"
[ -s "$work/out" ] && fail "fmt -w printed on stdout" || pass
[ "$(cat "$work/w.bare")" = "$(printf '# Doc.\n\ntype A struct {\n  x: u8\n}')" ] && pass ||
  fail "fmt -w result: $(cat "$work/w.bare")"
ls "$work"/w.bare.tmp* >/dev/null 2>&1 && fail "fmt -w left a temporary file" || pass

# A failed fmt -w leaves the file exactly as it was (and no temporary file behind).
printf 'type A list<u8\n# keep me\n' >"$work/broken.bare"
cp "$work/broken.bare" "$work/broken.orig"
expect_status 1 "fmt -w on an invalid file" -- "$BW" fmt -w "$work/broken.bare"
cmp -s "$work/broken.bare" "$work/broken.orig" && pass || fail "failed fmt -w changed the file"
ls "$work"/broken.bare.tmp* >/dev/null 2>&1 && fail "failed fmt -w left a temporary file" || pass
grep -q "broken.bare:3:1: error: expected '>' after list element type, found end of input" "$work/err" && pass ||
  fail "fmt diagnostic: $(cat "$work/err")"

# A read-only directory: the write fails, the file is untouched, exit 1.
if [ "$(id -u)" -ne 0 ]; then
  mkdir "$work/ro" && printf 'type A u8\n' >"$work/ro/a.bare" && chmod 555 "$work/ro"
  expect_status 1 "fmt -w in a read-only directory" -- "$BW" fmt -w "$work/ro/a.bare"
  chmod 755 "$work/ro"
fi

expect_status 2 "fmt without a file" -- "$BW" fmt
expect_status 2 "fmt with two files" -- "$BW" fmt "$work/w.bare" "$work/w.bare"
expect_status 2 "fmt -w on stdin" -- "$BW" fmt -w -
expect_status 2 "fmt with an unknown option" -- "$BW" fmt --pretty "$work/w.bare"
expect_status 0 "fmt --help" -- "$BW" fmt --help
grep -q "usage: bw fmt" "$work/out" && pass || fail "fmt --help prints usage"

# What bw-import writes is canonical: bw fmt --layout gives back the same bytes.
if [ -n "${BW_IMPORT:-}" ] && [ -x "${BW_IMPORT}" ]; then
  for h in "$SRC_DIR"/fixtures/headers/*.h; do
    "$BW_IMPORT" --keep-going "$h" >"$work/imported.bare" 2>/dev/null || continue
    "$BW" fmt --layout "$work/imported.bare" >"$work/refmt.bare" 2>"$work/err"
    cmp -s "$work/imported.bare" "$work/refmt.bare" && pass ||
      fail "bw fmt --layout changes the import of $(basename "$h") $(head -3 "$work/err")"
  done
fi

echo "bw_schema: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
