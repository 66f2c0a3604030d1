#!/bin/sh
# Installs kubectl sts-inspect into PREFIX/bin: the single binary `kubectl-sts_inspect`, which kubectl finds on
# PATH and runs as `kubectl sts-inspect`, and `kubectl_complete-sts_inspect`, which kubectl >= 1.26 runs to
# complete `kubectl sts-inspect <TAB>`.
#
#   ./install.sh                      from this clone: npm ci (when needed), build, package, install
#   ./install.sh --no-build           from this clone, the binary `npm run package` already built in dist/
#   ./install.sh --from-release FILE  from a release archive kubectl-sts_inspect-<os>-<arch>.tar.gz; no Node
#                                     needed. FILE.sha256 next to it, when present, is checked.
#   ./install.sh --uninstall          remove both executables from PREFIX/bin
#   ./install.sh --demo               then run `kubectl sts-inspect demo` on the built-in sandbox cluster
#   ./install.sh --prefix DIR         install into DIR/bin. Default: /usr/local when run as root, else ~/.local
#                                     (so DIR/bin is ~/.local/bin). $PREFIX works too; $NPM names the npm to use.
#
# Running it again is safe: each file is replaced atomically (copy, then rename), and `npm ci` is skipped while
# node_modules is current. Every failure is one line on stderr and a non-zero exit code.
set -eu

NAME='kubectl-sts_inspect'
COMPLETION='kubectl_complete-sts_inspect'
ROOT=$(cd "$(dirname "$0")" && pwd)
NPM=${NPM:-npm}

die() {
  printf 'install.sh: error: %s\n' "$*" >&2
  exit 1
}
say() {
  printf '%s\n' "$*"
}
usage() {
  sed -n '2,16s/^# \{0,1\}//p' "$0"
}

if [ "$(id -u)" = 0 ]; then
  prefix=${PREFIX:-/usr/local}
else
  prefix=${PREFIX:-$HOME/.local}
fi
release=
demo=false
build=true
uninstall=false
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --from-release) [ $# -ge 2 ] || die "--from-release needs a .tar.gz file"; release=$2; shift 2 ;;
    --from-release=*) release=${1#--from-release=}; shift ;;
    --no-build) build=false; shift ;;
    --uninstall) uninstall=true; shift ;;
    --demo) demo=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option '$1' (see ./install.sh --help)" ;;
  esac
done
[ -n "$prefix" ] || die "--prefix is empty"
bindir=$prefix/bin

# --- Uninstall ----------------------------------------------------------------------------------------------
if [ "$uninstall" = true ]; then
  removed=
  for f in "$NAME" "$COMPLETION"; do
    [ -e "$bindir/$f" ] || [ -L "$bindir/$f" ] || continue
    if ! rm -f "$bindir/$f" 2>/dev/null || [ -e "$bindir/$f" ]; then die "cannot remove $bindir/$f"; fi
    removed="$removed $f"
  done
  if [ -n "$removed" ]; then say "removed$removed from $bindir"; else say "nothing to remove: neither $NAME nor $COMPLETION is in $bindir"; fi
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/sts-inspect-install.XXXXXX") || die "cannot create a temporary directory"
sandbox_pid=
cleanup() {
  if [ -n "$sandbox_pid" ]; then
    kill "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    die "neither sha256sum nor shasum found to check $1"
  fi
}

# A step whose output is only shown when it fails: then its last line is the error, and the whole log is kept.
quietly() {
  what=$1
  shift
  if ! "$@" >"$work/step.log" 2>&1; then
    log=$(mktemp "${TMPDIR:-/tmp}/sts-inspect-install-log.XXXXXX") && cp "$work/step.log" "$log"
    die "$what failed: $(grep -v '^[[:space:]]*$' "$work/step.log" | tail -n 1) (full log: $log)"
  fi
}

# --- Get the binary and the completion executable -----------------------------------------------------------
if [ -n "$release" ]; then
  [ -f "$release" ] || die "release archive '$release' not found"
  if [ -f "$release.sha256" ]; then
    want=$(cut -d' ' -f1 <"$release.sha256")
    got=$(sha256_of "$release")
    [ "$want" = "$got" ] || die "$release: sha256 is $got, but $release.sha256 says $want"
    say "checked sha256 of $(basename "$release")"
  fi
  tar -xzf "$release" -C "$work" 2>/dev/null || die "cannot unpack $release (not a .tar.gz release archive)"
  [ -f "$work/$NAME" ] || die "$release holds no $NAME (a Windows archive? it holds $NAME.exe)"
  [ -f "$work/$COMPLETION" ] || die "$release holds no $COMPLETION (an archive older than 0.1.0?)"
  built=$work/$NAME
  completion=$work/$COMPLETION
  if [ "$(uname -s)" = Darwin ] && ! codesign --verify "$built" 2>/dev/null; then
    # Injecting the app into Node's binary voids Apple's signature; an ad-hoc one lets macOS run it.
    command -v codesign >/dev/null 2>&1 || die "$NAME is unsigned and codesign is missing (install the Xcode command line tools)"
    codesign --sign - --force "$built" 2>/dev/null || die "codesign failed on $built"
    say "signed $NAME ad hoc (codesign --sign -)"
  fi
else
  if [ ! -f "$ROOT/package.json" ] || [ ! -f "$ROOT/scripts/package.mjs" ]; then
    die "no clone of kubectl-sts-inspect around $0; use --from-release FILE.tar.gz to install a release archive"
  fi
  cd "$ROOT"
  if [ "$build" = true ]; then
    command -v "$NPM" >/dev/null 2>&1 || die "npm not found: install Node.js (>= 22.19) and npm, or use --from-release FILE.tar.gz"
    if [ -f node_modules/.package-lock.json ] && [ -n "$(find node_modules/.package-lock.json -newer package-lock.json)" ]; then
      say "dependencies are current (node_modules newer than package-lock.json); skipping npm ci"
    else
      say "installing dependencies: npm ci"
      quietly "npm ci" "$NPM" ci --no-audit --no-fund
    fi
    say "building: npm run build && npm run package"
    quietly "npm run build" "$NPM" run --silent build
    quietly "npm run package" "$NPM" run --silent package -- --no-archive
  fi
  built=$ROOT/dist/$NAME
  completion=$ROOT/$COMPLETION
  [ -x "$built" ] || die "$built is missing: run 'npm run package' (or ./install.sh without --no-build)"
fi

version=$("$built" --version 2>"$work/version.err") ||
  die "the built binary does not run here ($(head -n 1 "$work/version.err")); is it for another platform?"

# --- Install ------------------------------------------------------------------------------------------------
mkdir -p "$bindir" 2>/dev/null || die "cannot create $bindir (try --prefix DIR)"
[ -w "$bindir" ] || die "$bindir is not writable (run as root, or --prefix DIR)"
# Copy then rename: atomic, and safe while an older copy is running.
put() {
  tmp="$bindir/.$2.$$"
  if ! { cp "$1" "$tmp" && chmod 0755 "$tmp" && mv -f "$tmp" "$bindir/$2"; } 2>/dev/null; then
    rm -f "$tmp"
    die "cannot write $bindir/$2"
  fi
}
put "$built" "$NAME"
put "$completion" "$COMPLETION"
say "installed $NAME $version as $bindir/$NAME, with $COMPLETION (shell completion, kubectl >= 1.26)"

case ":$PATH:" in
  *":$bindir:"*)
    found=$(command -v "$NAME" || true)
    if [ "$found" != "$bindir/$NAME" ]; then
      say "warning: $found comes first on PATH and shadows $bindir/$NAME"
    else
      say "$bindir is on PATH: run it as 'kubectl sts-inspect' (or '$NAME')"
    fi
    ;;
  *)
    say "$bindir is NOT on PATH; add it, e.g. in ~/.profile:"
    say "  export PATH=\"$bindir:\$PATH\""
    ;;
esac

# --- Demo: the one place install.sh runs it -----------------------------------------------------------------
# `kubectl sts-inspect demo`: the sandbox with the lab, visits, then inspect, compare, persistence and roll. Run
# through the real kubectl when one is at hand (from a clone: the kubectl 1.34 of the dev dependencies), which
# shows that kubectl finds the installed plugin on PATH; else the binary itself.
run_demo() {
  kubectl=
  if [ -z "$release" ] && [ -x "$ROOT/node_modules/node/bin/node" ]; then
    kubectl=$("$ROOT/node_modules/node/bin/node" "$ROOT/scripts/kubectl.mjs" 2>/dev/null) || kubectl=
  fi
  [ -n "$kubectl" ] || kubectl=$(command -v kubectl || true)
  say ""
  rc=0
  if [ -n "$kubectl" ]; then
    say "\$ kubectl sts-inspect demo    # kubectl: $kubectl"
    PATH="$bindir:$PATH" "$kubectl" sts-inspect demo || rc=$?
  else
    say "\$ $NAME demo    # no kubectl found: the plugin's binary itself"
    "$bindir/$NAME" demo || rc=$?
  fi
  [ "$rc" -eq 0 ] || die "the demo failed (exit code $rc)"
}

if [ "$demo" = true ]; then
  run_demo
fi
