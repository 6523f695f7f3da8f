#!/usr/bin/env bash
# Quick start, first command: installs what is missing, builds (Release), and imports a real
# system header. With no arguments it imports <sys/stat.h> and prints the BARE schema with
# its native layout; any arguments are passed to bw-import instead.
#   scripts/run.sh
#   scripts/run.sh --format=layout '<netinet/ip.h>'
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
build="$root/build/release"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBW_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
if [ $# -eq 0 ]; then
  set -- '<sys/stat.h>'
fi
exec "$build/bw-import" "$@"
