#!/bin/sh
# Installs kubectl sts-inspect as the single binary `kubectl-sts_inspect`, which kubectl finds on PATH and runs
# as `kubectl sts-inspect`.
#
#   ./install.sh                          from this clone: npm ci (when needed), build, package, install
#   ./install.sh --from-release FILE      from a release archive kubectl-sts_inspect-<os>-<arch>.tar.gz; no Node
#                                         needed. FILE.sha256 next to it, when present, is checked.
#   ./install.sh --demo                   then run the plugin on the built-in sandbox cluster (scenario `lab`)
#   ./install.sh --prefix DIR             install into DIR/bin. Default: /usr/local when run as root,
#                                         else ~/.local (so DIR/bin is ~/.local/bin). $PREFIX works too.
#
# Running it again replaces the installed binary (atomically) and skips `npm ci` when node_modules is current.
set -eu

NAME='kubectl-sts_inspect'
ROOT=$(cd "$(dirname "$0")" && pwd)

die() {
  printf 'install.sh: error: %s\n' "$*" >&2
  exit 1
}
say() {
  printf '%s\n' "$*"
}
usage() {
  sed -n '2,13s/^# \{0,1\}//p' "$0"
}

if [ "$(id -u)" = 0 ]; then
  prefix=${PREFIX:-/usr/local}
else
  prefix=${PREFIX:-$HOME/.local}
fi
release=
demo=false
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --from-release) [ $# -ge 2 ] || die "--from-release needs a .tar.gz file"; release=$2; shift 2 ;;
    --from-release=*) release=${1#--from-release=}; shift ;;
    --demo) demo=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option '$1' (see ./install.sh --help)" ;;
  esac
done
bindir=$prefix/bin
target=$bindir/$NAME

work=$(mktemp -d "${TMPDIR:-/tmp}/sts-inspect-install.XXXXXX")
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

# --- Get a binary -------------------------------------------------------------------------------------------
if [ -n "$release" ]; then
  [ -f "$release" ] || die "release archive '$release' not found"
  if [ -f "$release.sha256" ]; then
    want=$(cut -d' ' -f1 <"$release.sha256")
    got=$(sha256_of "$release")
    [ "$want" = "$got" ] || die "$release: sha256 is $got, but $release.sha256 says $want"
    say "checked sha256 of $(basename "$release")"
  fi
  tar -xzf "$release" -C "$work" || die "cannot unpack $release"
  [ -f "$work/$NAME" ] || die "$release holds no $NAME (a Windows archive? it holds $NAME.exe)"
  built=$work/$NAME
  if [ "$(uname -s)" = Darwin ] && ! codesign --verify "$built" 2>/dev/null; then
    # Injecting the app into Node's binary voids Apple's signature; an ad-hoc one lets macOS run it.
    command -v codesign >/dev/null 2>&1 || die "$NAME is unsigned and codesign is missing (install the Xcode command line tools)"
    codesign --sign - --force "$built" || die "codesign failed on $built"
    say "signed $NAME ad hoc (codesign --sign -)"
  fi
else
  if [ ! -f "$ROOT/package.json" ] || [ ! -f "$ROOT/scripts/package.mjs" ]; then
    die "no clone of kubectl-sts-inspect around $0; use --from-release FILE.tar.gz to install a release archive"
  fi
  command -v npm >/dev/null 2>&1 || die "npm not found: install Node.js (>= 22.19) and npm, or use --from-release FILE.tar.gz"
  cd "$ROOT"
  if [ -f node_modules/.package-lock.json ] && [ -n "$(find node_modules/.package-lock.json -newer package-lock.json)" ]; then
    say "dependencies are current (node_modules newer than package-lock.json); skipping npm ci"
  else
    say "installing dependencies: npm ci"
    npm ci --no-audit --no-fund || die "npm ci failed"
  fi
  say "building: npm run build && npm run package"
  npm run --silent build || die "npm run build failed"
  npm run --silent package -- --no-archive || die "npm run package failed"
  built=$ROOT/dist/$NAME
  [ -x "$built" ] || die "npm run package did not produce $built"
fi

version=$("$built" --version 2>"$work/version.err") ||
  die "the built binary does not run here ($(head -n 1 "$work/version.err")); is it for another platform?"

# --- Install ------------------------------------------------------------------------------------------------
mkdir -p "$bindir" || die "cannot create $bindir (try --prefix DIR)"
[ -w "$bindir" ] || die "$bindir is not writable (run as root, or --prefix DIR)"
# Copy then rename: atomic, and safe while an older copy is running.
if ! { cp "$built" "$bindir/.$NAME.$$" && chmod 0755 "$bindir/.$NAME.$$" && mv -f "$bindir/.$NAME.$$" "$target"; }; then
  rm -f "$bindir/.$NAME.$$"
  die "cannot write $target"
fi
say "installed $NAME $version as $target"

case ":$PATH:" in
  *":$bindir:"*)
    found=$(command -v "$NAME" || true)
    if [ "$found" != "$target" ]; then
      say "warning: $found comes first on PATH and shadows $target"
    else
      say "$bindir is on PATH: run it as 'kubectl sts-inspect' (or '$NAME')"
    fi
    ;;
  *)
    say "$bindir is NOT on PATH; add it, e.g. in ~/.profile:"
    say "  export PATH=\"$bindir:\$PATH\""
    ;;
esac

# --- Demo ---------------------------------------------------------------------------------------------------
if [ "$demo" = true ]; then
  kubeconfig=$work/kubeconfig
  say ""
  say "demo: starting the built-in sandbox cluster with the 'lab' scenario"
  "$target" sandbox --scenario lab --kubeconfig-out "$kubeconfig" >"$work/sandbox.out" 2>"$work/sandbox.err" &
  sandbox_pid=$!
  waited=0
  until grep -qx ready "$work/sandbox.out" 2>/dev/null; do
    if ! kill -0 "$sandbox_pid" 2>/dev/null; then
      cat "$work/sandbox.err" >&2
      sandbox_pid=
      die "the sandbox stopped before it was ready"
    fi
    [ "$waited" -lt 900 ] || die "the sandbox was not ready after 90 s (its log: $work/sandbox.err)"
    sleep 0.1
    waited=$((waited + 1))
  done
  say "demo: sandbox ready after ~$((waited / 10)) s; kubeconfig $kubeconfig"
  say ""
  kubectl=
  if [ -z "$release" ] && [ -x "$ROOT/node_modules/node/bin/node" ]; then
    kubectl=$("$ROOT/node_modules/node/bin/node" "$ROOT/scripts/kubectl.mjs" 2>/dev/null) || kubectl=
  fi
  [ -n "$kubectl" ] || kubectl=$(command -v kubectl || true)
  if [ -n "$kubectl" ]; then
    # Visit the app as the write-ups did, a different number of times per replica, so each volume holds its own count.
    say "demo: 3 visits to app-python-0 and 1 to app-python-1 (kubectl get --raw .../pods/NAME:5000/proxy/)"
    for pod in app-python-0 app-python-0 app-python-0 app-python-1; do
      "$kubectl" --kubeconfig "$kubeconfig" get --raw "/api/v1/namespaces/default/pods/$pod:5000/proxy/" >/dev/null || true
    done
  fi

  say "\$ $NAME app-python --file visits.txt --kubeconfig $kubeconfig"
  rc=0
  "$target" app-python --file visits.txt --kubeconfig "$kubeconfig" || rc=$?
  say "(exit code $rc)"

  if [ -n "$kubectl" ]; then
    say ""
    say "\$ kubectl sts-inspect app-python --file visits.txt --kubeconfig $kubeconfig    # kubectl: $kubectl"
    rc=0
    PATH="$bindir:$PATH" "$kubectl" sts-inspect app-python --file visits.txt --kubeconfig "$kubeconfig" || rc=$?
    say "(exit code $rc)"
  else
    say "demo: no kubectl found; skipped running it as 'kubectl sts-inspect'"
  fi

  kill "$sandbox_pid" 2>/dev/null || true
  wait "$sandbox_pid" 2>/dev/null || true
  sandbox_pid=
  say ""
  say "demo: sandbox stopped"
fi
