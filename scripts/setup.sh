#!/usr/bin/env bash
# Installs what barewire needs to build and test on Debian 12 (run as root, or with sudo on
# PATH). Idempotent: when every package is already there it only checks and returns.
#   scripts/setup.sh            build and test dependencies
#   scripts/setup.sh --extra    also the tools that benchmarks and cross-target checks use
set -euo pipefail
packages=(build-essential cmake pkg-config clang libclang-dev check)
if [ "${1:-}" = "--extra" ]; then
  packages+=(hyperfine bindgen libvulkan-dev dwarves qemu-user
    gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-s390x-linux-gnu gcc-mingw-w64-x86-64
    gcc-i686-linux-gnu)
  # Node.js and npm (the codec benchmark's @bare-ts/lib) may come from outside Debian.
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi
missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
