#!/usr/bin/env bash
# The terminal tests (test/e2e/terminal-width.test.ts at 80 and 120 columns, test/e2e/inspect-watch-tmux.test.ts)
# run the plugin inside tmux panes (a real terminal, so the views are fitted as a user sees them). Installs tmux
# (Debian package) once when missing, so the tests set up what they need on a fresh machine; elsewhere (no
# apt-get, no root nor sudo) it says so and exits 1.
set -euo pipefail
command -v tmux >/dev/null && exit 0
sudo=
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "ensure-tmux: not root and no sudo: install tmux by hand" >&2; exit 1; }
  sudo=sudo
fi
command -v apt-get >/dev/null || { echo "ensure-tmux: no apt-get: install tmux by hand" >&2; exit 1; }
echo "ensure-tmux: installing tmux (Debian package) for the terminal-width test" >&2
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tmux >/dev/null
