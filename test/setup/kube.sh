#!/usr/bin/env bash
# Builds a real control plane for the operator tests from Go modules (no Docker, no downloads but the Go
# module proxy), into $GREGOR_CACHE/kube/<kubernetes version>/bin:
#   - etcd                     go.etcd.io/etcd/server/v3/etcdmain, called from a tiny main module
#   - kube-apiserver           k8s.io/kubernetes/cmd/kube-apiserver
#   - kube-controller-manager  k8s.io/kubernetes/cmd/kube-controller-manager
# k8s.io/kubernetes is not meant to be used as a module: its go.mod requires its staging modules (k8s.io/api,
# k8s.io/client-go, ...) at v0.0.0 and replaces them with ./staging/src/... paths, which a dependent module
# ignores. So a temporary main module requires k8s.io/kubernetes vA.B.C and replaces every staging module
# listed in that go.mod with the published k8s.io/<name> v0.B.C (the same commit, published by the
# Kubernetes publishing bot).
#
# Idempotent: a stamp (versions + recipe) makes a cached run take a few milliseconds. GOMODCACHE and GOCACHE
# live under $GREGOR_CACHE/go, so CI and later runs reuse them (a rebuild with a warm GOCACHE only links).
#
#   bash test/setup/kube.sh                  build if needed (the log says where and how long)
#   bash test/setup/kube.sh --print-bin-dir  print the bin dir on stdout, build nothing (test/helpers/kube.ts)
#   bash test/setup/kube.sh --check          exit 0 if the binaries are built, 1 otherwise
#
# Versions (GREGOR_KUBE_VERSION / GREGOR_ETCD_VERSION override them). What worked, 2026-11-25, Go 1.26.8,
# GOTOOLCHAIN=local, 2 cores shared with other work (load 6-9), GOMAXPROCS=2, -p 2:
#   k8s.io/kubernetes v1.37.2 (+ its 33 staging modules at v0.37.2) and etcd server v3.6.16: built first try.
#   Cold build 987 s: etcd 204 s, kube-apiserver 532 s, kube-controller-manager 228 s (downloads ~1 min).
#   Sizes: binaries 241 MB; Go module cache 1.3 GB, Go build cache 4.3 GB.
#   Both need Go >= 1.26.0 (k8s 1.36/1.37 and etcd 3.6.16 declare `go 1.26.0`); k8s v1.35.4 declares 1.25.
#   If a version stops building, the neighbours in the Go proxy are v1.36.3 / v1.36.1 / v1.35.4 (staging
#   modules then at v0.36.3 / ...), etcd v3.6.15 or v3.7.x (k8s 1.37 itself requires etcd client 3.7.0).
set -euo pipefail

KUBE_VERSION="${GREGOR_KUBE_VERSION:-v1.37.2}"
ETCD_VERSION="${GREGOR_ETCD_VERSION:-v3.6.16}"
# Bump when the build recipe changes (flags, ldflags), so cached binaries are rebuilt.
RECIPE=1

CACHE="${GREGOR_CACHE:-$HOME/.cache/gregor}"
OUT="$CACHE/kube/$KUBE_VERSION"
BIN="$OUT/bin"
STAMP_FILE="$OUT/.stamp"
BINARIES=(etcd kube-apiserver kube-controller-manager)

log() { echo "[kube] $*" >&2; }

# The Go version is not part of it: the binaries are static, a newer Go need not rebuild them.
want_stamp() { echo "kube=$KUBE_VERSION etcd=$ETCD_VERSION recipe=$RECIPE"; }
is_built() {
  [ "$(cat "$STAMP_FILE" 2>/dev/null || true)" = "$(want_stamp)" ] || return 1
  local b
  for b in "${BINARIES[@]}"; do [ -x "$BIN/$b" ] || return 1; done
}

case "${1:-}" in
  --print-bin-dir) echo "$BIN"; exit 0 ;;
  --check) is_built; exit $? ;;
  "") ;;
  *) echo "usage: $0 [--print-bin-dir|--check]" >&2; exit 2 ;;
esac

command -v go >/dev/null 2>&1 || { log "go is not installed (Go >= 1.26 is needed)"; exit 1; }

if is_built; then
  log "ok: $KUBE_VERSION, etcd $ETCD_VERSION in $BIN"
  exit 0
fi

mkdir -p "$CACHE/kube"
# One build at a time (vitest's global setup and a manual run may race).
exec 9>"$CACHE/kube/.lock"
flock 9
if is_built; then log "ok (built by another process): $BIN"; exit 0; fi

export GOMODCACHE="$CACHE/go/mod"
export GOCACHE="$CACHE/go/build"
export GOFLAGS=-mod=mod
export GOTOOLCHAIN=local
export CGO_ENABLED=0
export GOWORK=off
# Two cores, and other work runs on the machine: no more parallelism than that.
export GOMAXPROCS="${GOMAXPROCS:-2}"
PAR="${GREGOR_KUBE_BUILD_P:-$GOMAXPROCS}"

T0=$SECONDS
WORK="$(mktemp -d "${TMPDIR:-/tmp}/gregor-kube-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# Runs a go command with its (long) download chatter in a file; on failure prints the tail and what to try.
quiet() {
  local out="$WORK/step.log"
  if ! "$@" >"$out" 2>&1; then
    tail -n 80 "$out" >&2
    log "FAILED: $* (kubernetes $KUBE_VERSION, etcd $ETCD_VERSION, $(go env GOVERSION))"
    log "try a neighbouring version, e.g. GREGOR_KUBE_VERSION=v1.36.3 or GREGOR_ETCD_VERSION=v3.6.15 bash $0"
    return 1
  fi
}
log "building into $BIN (a cold build takes ~17 min on 2 cores, ~6 GB of Go caches in $CACHE/go)"
# Start clean (the Go build cache makes a retry after a failure cheap).
rm -rf "$BIN.tmp"
mkdir -p "$BIN.tmp"

# ---------------------------------------------------------------- etcd
{
  t=$SECONDS
  log "building etcd $ETCD_VERSION"
  mkdir -p "$WORK/etcd"
  cat > "$WORK/etcd/go.mod" <<EOF
module gregor.dev/test/etcd

go 1.26.0
EOF
  cat > "$WORK/etcd/main.go" <<'EOF'
// etcd server for the operator tests: the same entry point as the etcd binary.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
  (
    cd "$WORK/etcd"
    quiet go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
    quiet go mod tidy
    quiet go build -p "$PAR" -trimpath -ldflags="-s -w" -o "$BIN.tmp/etcd" .
  )
  log "built etcd in $((SECONDS - t))s"
}

# ---------------------------------------------------------------- kubernetes
KMINOR_PATCH="${KUBE_VERSION#v1.}"           # 37.2
STAGING_VERSION="v0.$KMINOR_PATCH"            # v0.37.2
KMINOR="${KMINOR_PATCH%%.*}"                  # 37

t=$SECONDS
log "downloading k8s.io/kubernetes $KUBE_VERSION"
KGOMOD="$(cd "$WORK" && go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" 2>"$WORK/download.log" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
[ -f "$KGOMOD" ] || { cat "$WORK/download.log" >&2; log "could not download k8s.io/kubernetes@$KUBE_VERSION"; exit 1; }
mapfile -t STAGING < <(sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\)[[:space:]]*=>[[:space:]]*\./staging/.*#\1#p' "$KGOMOD")
[ "${#STAGING[@]}" -gt 10 ] || { log "found only ${#STAGING[@]} staging modules in $KGOMOD"; exit 1; }
log "downloaded in $((SECONDS - t))s; ${#STAGING[@]} staging modules -> $STAGING_VERSION"

mkdir -p "$WORK/k8s"
{
  echo "module gregor.dev/test/kube"
  echo
  sed -n 's/^go \(.*\)$/go \1/p' "$KGOMOD"
  # Same GODEBUG defaults as the upstream binaries (godebug applies to the main module only).
  sed -n '/^godebug /p' "$KGOMOD"
  echo
  echo "require k8s.io/kubernetes $KUBE_VERSION"
  echo
  echo "replace ("
  for m in "${STAGING[@]}"; do echo "	$m => $m $STAGING_VERSION"; done
  echo ")"
} > "$WORK/k8s/go.mod"
cat > "$WORK/k8s/tools.go" <<'EOF'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
EOF

t=$SECONDS
(cd "$WORK/k8s" && quiet go mod tidy)
log "resolved modules in $((SECONDS - t))s"

# What `kubectl version` and /version report (hack/lib/version.sh sets the same variables).
LDFLAGS="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  LDFLAGS="$LDFLAGS -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$KMINOR"
  LDFLAGS="$LDFLAGS -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

for cmd in kube-apiserver kube-controller-manager; do
  t=$SECONDS
  log "building $cmd $KUBE_VERSION (GOMAXPROCS=$GOMAXPROCS, -p $PAR)"
  (cd "$WORK/k8s" && quiet go build -p "$PAR" -trimpath -ldflags="$LDFLAGS" -o "$BIN.tmp/$cmd" "k8s.io/kubernetes/cmd/$cmd")
  log "built $cmd in $((SECONDS - t))s"
done

"$BIN.tmp/kube-apiserver" --version >&2
"$BIN.tmp/etcd" --version | head -1 >&2

rm -rf "$BIN"
mv "$BIN.tmp" "$BIN"
want_stamp > "$STAMP_FILE"
log "built $KUBE_VERSION + etcd $ETCD_VERSION in $((SECONDS - T0))s into $BIN ($(du -sh "$BIN" | cut -f1); go caches $(du -sh "$CACHE/go" 2>/dev/null | cut -f1))"
