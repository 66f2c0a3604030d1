#!/usr/bin/env bash
# The terminal tests (test/e2e/*tmux*) run the plugin in a real terminal: tmux, a Debian package, installed once
# when missing so that `npm test` alone sets up what it needs on a fresh machine. Elsewhere (no apt-get, no root
# nor sudo) it says so and leaves the tests to report what is missing.
set -euo pipefail
command -v tmux >/dev/null && exit 0
sudo=
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "ensure-tmux: not root and no sudo: install tmux by hand" >&2; exit 0; }
  sudo=sudo
fi
command -v apt-get >/dev/null || { echo "ensure-tmux: no apt-get: install tmux by hand" >&2; exit 0; }
echo "ensure-tmux: installing tmux (Debian package) for the terminal tests" >&2
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tmux >/dev/null
