#!/usr/bin/env bash
# Builds helm from Go modules (no Docker, no downloads but the Go module proxy) into
#   $GREGOR_CACHE/helm/<version>/helm
# with GOMODCACHE and GOCACHE under $GREGOR_CACHE/go (shared with test/setup/kube.sh).
#
#   bash test/setup/helm.sh                  build if needed (idempotent; a cached run takes milliseconds)
#   bash test/setup/helm.sh --print-bin      print the helm binary path on stdout, build nothing
#   bash test/setup/helm.sh --check          exit 0 if the binary is built, 1 otherwise
#
# Version: GREGOR_HELM_VERSION (default v3.22.0, the newest v3 the module proxy serves here). A cold build takes
# a few minutes on 2 cores.
set -euo pipefail

HELM_VERSION="${GREGOR_HELM_VERSION:-v3.22.0}"
# Bump when the build recipe changes (flags, ldflags), so a cached binary is rebuilt.
RECIPE=2

CACHE="${GREGOR_CACHE:-$HOME/.cache/gregor}"
OUT="$CACHE/helm/$HELM_VERSION"
BIN="$OUT/helm"
STAMP_FILE="$OUT/.stamp"

log() { echo "[helm] $*" >&2; }

want_stamp() { echo "helm=$HELM_VERSION go=$(go env GOVERSION 2>/dev/null || echo none) recipe=$RECIPE"; }
is_built() {
  [ -x "$BIN" ] && [ "$(cat "$STAMP_FILE" 2>/dev/null || true)" = "$(want_stamp)" ]
}

case "${1:-}" in
  --print-bin) echo "$BIN"; exit 0 ;;
  --check) is_built; exit $? ;;
  "") ;;
  *) echo "usage: $0 [--print-bin|--check]" >&2; exit 2 ;;
esac

command -v go >/dev/null 2>&1 || { log "go is not installed"; exit 1; }

if is_built; then
  log "ok: helm $HELM_VERSION at $BIN"
  exit 0
fi

mkdir -p "$OUT"
# One build at a time (vitest's global setup and a manual run may race).
exec 9>"$OUT/.lock"
flock 9
if is_built; then log "ok (built by another process): $BIN"; exit 0; fi

export GOMODCACHE="$CACHE/go/mod"
export GOCACHE="$CACHE/go/build"
export GOTOOLCHAIN=local
export CGO_ENABLED=0
export GOWORK=off
export GOFLAGS=-buildvcs=false
export GOMAXPROCS="${GOMAXPROCS:-2}"

T0=$SECONDS
TMPBIN="$(mktemp -d "${TMPDIR:-/tmp}/gregor-helm-build.XXXXXX")"
trap 'rm -rf "$TMPBIN"' EXIT

# The same version variables helm's Makefile sets: `helm version` reports the real version, and the default
# Kubernetes version of `helm template`/`helm lint` (.Capabilities.KubeVersion, deprecation checks) follows the
# k8s.io/client-go it is built with (v0.37.x -> 1.37) instead of the source default 1.20 (which would fail
# the chart's kubeVersion constraint).
log "resolving helm.sh/helm/v3@$HELM_VERSION"
HGOMOD="$(cd "$TMPBIN" && go mod download -json "helm.sh/helm/v3@$HELM_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
[ -f "$HGOMOD" ] || { log "could not download helm.sh/helm/v3@$HELM_VERSION"; exit 1; }
CLIENT_GO="$(sed -n 's#^[[:space:]]*k8s\.io/client-go[[:space:]]\{1,\}v0\.\([0-9]\{1,\}\)\..*#\1#p' "$HGOMOD" | head -1)"
[ -n "$CLIENT_GO" ] || { log "no k8s.io/client-go in $HGOMOD"; exit 1; }
LDFLAGS="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  LDFLAGS="$LDFLAGS -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$CLIENT_GO"
done
log "building helm $HELM_VERSION (go install helm.sh/helm/v3/cmd/helm@$HELM_VERSION)"
GOBIN="$TMPBIN" go install -trimpath -ldflags="$LDFLAGS" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
"$TMPBIN/helm" version --short >&2
mv -f "$TMPBIN/helm" "$BIN"
want_stamp > "$STAMP_FILE"
log "built helm $HELM_VERSION in $((SECONDS - T0))s: $BIN"
