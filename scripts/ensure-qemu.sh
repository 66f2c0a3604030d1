#!/usr/bin/env bash
# test/release/linux-arm64.test.ts runs the linux-arm64 binary under user-mode qemu, with the arm64 C/C++
# runtimes it links against in /usr/aarch64-linux-gnu: Debian packages, installed once (about 15 s) when
# missing, so that `npm test` alone sets up what it needs on a fresh machine. Elsewhere (not x86_64 Linux, no
# apt-get, no root nor sudo) it says so and leaves the arm64 test to report what is missing.
set -euo pipefail
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || exit 0
if command -v qemu-aarch64-static >/dev/null && [ -e /usr/aarch64-linux-gnu/lib/libstdc++.so.6 ]; then exit 0; fi
sudo=
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "ensure-qemu: not root and no sudo: install qemu-user-static and the arm64 cross runtimes by hand" >&2; exit 0; }
  sudo=sudo
fi
command -v apt-get >/dev/null || { echo "ensure-qemu: no apt-get: install qemu-user-static and the arm64 cross runtimes by hand" >&2; exit 0; }
echo "ensure-qemu: installing qemu-user-static and the arm64 cross runtimes (Debian packages) for the linux-arm64 test" >&2
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross >/dev/null
