#!/usr/bin/env bash
# Formats the C sources with the root .clang-format; --check only reports files that differ.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fmt=$(command -v clang-format || command -v clang-format-14 || true)
if [ -z "$fmt" ]; then
  echo "format: clang-format not found" >&2
  exit 1
fi
mapfile -t files < <(git ls-files '*.c' '*.h' | grep -v '^fixtures/')
if [ "${1:-}" = "--check" ]; then
  bad=0
  for f in "${files[@]}"; do
    if ! "$fmt" --style=file "$f" | cmp -s - "$f"; then
      echo "format: $f is not clang-formatted (run scripts/format.sh)" >&2
      bad=1
    fi
  done
  [ $bad -eq 0 ] && echo "format: ${#files[@]} files ok"
  exit $bad
fi
"$fmt" --style=file -i "${files[@]}"
