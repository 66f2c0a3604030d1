#!/usr/bin/env bash
# test/release/darwin.test.ts reads the darwin binaries' load commands a second time with Debian's
# python3-macholib (test/release/macholib-check.py), independently of the project's own Mach-O code: installed
# once when missing, so that `npm test` alone sets up what it needs on a fresh machine. Elsewhere (no apt-get, no
# root nor sudo) it says so and leaves the test to report what is missing.
set -euo pipefail
if /usr/bin/python3 -c 'import macholib' 2>/dev/null; then exit 0; fi
sudo=
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "ensure-macholib: not root and no sudo: install python3-macholib by hand" >&2; exit 0; }
  sudo=sudo
fi
command -v apt-get >/dev/null || { echo "ensure-macholib: no apt-get: install python3-macholib by hand" >&2; exit 0; }
echo "ensure-macholib: installing python3-macholib (Debian package) for the darwin release test" >&2
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-macholib >/dev/null
