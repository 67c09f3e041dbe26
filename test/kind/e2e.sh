#!/usr/bin/env bash
# Gregor on a real Kubernetes cluster (kind), for users with Docker. It cannot run in the project's CI
# (no Docker engine there); `npm test` covers the same objects against a real kube-apiserver instead.
#
#   1. kind create cluster (reused when it exists)
#   2. docker build Dockerfile.broker and Dockerfile.operator, kind load both images
#   3. helm install charts/gregor (CRDs, RBAC, the operator: 2 replicas with leader election)
#   4. kubectl apply deploy/examples/kafkacluster-1+1.yaml + kafkatopic.yaml, wait until both are Ready
#   5. produce and consume with kcat in a pod through the cluster's bootstrap servers
#   6. with GREGOR_E2E_FULL=1, the same on deploy/examples/kafkacluster-3+3.yaml (rf 3, acks=all) after
#      deleting one broker pod
#
# Needs: docker, kind, kubectl, helm (>= 3.8) on PATH. Run from anywhere:
#   bash test/kind/e2e.sh
# Environment:
#   KIND_CLUSTER=gregor         kind cluster name
#   GREGOR_IMAGE_TAG=0.1.0      tag of both images (built locally, never pulled)
#   GREGOR_E2E_NAMESPACE=gregor-e2e  namespace of the example clusters
#   GREGOR_E2E_FULL=0           1: also run the 3 ZooKeeper + 3 broker example (needs ~3 CPUs, 6 GiB)
#   KEEP_CLUSTER=0              1: keep the kind cluster afterwards (it is deleted only if this script made it)
#   KCAT_IMAGE=edenhill/kcat:1.7.1
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CLUSTER="${KIND_CLUSTER:-gregor}"
TAG="${GREGOR_IMAGE_TAG:-0.1.0}"
BROKER_IMAGE="ghcr.io/gregor-dev/gregor-broker:$TAG"
OPERATOR_IMAGE="ghcr.io/gregor-dev/gregor-operator:$TAG"
OPERATOR_NS=gregor-system
NS="${GREGOR_E2E_NAMESPACE:-gregor-e2e}"
FULL="${GREGOR_E2E_FULL:-0}"
KEEP="${KEEP_CLUSTER:-0}"
KCAT_IMAGE="${KCAT_IMAGE:-edenhill/kcat:1.7.1}"
CREATED=0

log() { printf '\n[e2e] %s\n' "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

for tool in docker kind kubectl helm; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
done

diagnostics() {
  log "diagnostics"
  kubectl get kafkaclusters,kafkatopics -A -o wide || true
  kubectl -n "$NS" get all,pvc,pdb,configmaps -o wide || true
  kubectl -n "$OPERATOR_NS" get pods -o wide || true
  kubectl -n "$OPERATOR_NS" logs -l app.kubernetes.io/name=gregor-operator --tail=100 --prefix || true
  kubectl -n "$NS" get events --sort-by=.lastTimestamp | tail -n 40 || true
  local p
  for p in $(kubectl -n "$NS" get pods -o name 2>/dev/null); do
    echo "----- $p"
    kubectl -n "$NS" logs "$p" --all-containers --tail=40 || true
  done
}

cleanup() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then diagnostics; fi
  if [ "$KEEP" != "1" ] && [ "$CREATED" = "1" ]; then
    log "deleting kind cluster $CLUSTER (KEEP_CLUSTER=1 keeps it)"
    kind delete cluster --name "$CLUSTER" || true
  fi
  exit "$rc"
}
trap cleanup EXIT

# ---------------------------------------------------------------- 1. cluster
if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
  log "reusing kind cluster $CLUSTER"
else
  log "creating kind cluster $CLUSTER"
  kind create cluster --name "$CLUSTER" --wait 120s
  CREATED=1
fi
kubectl config use-context "kind-$CLUSTER" >/dev/null

# ---------------------------------------------------------------- 2. images
log "building $BROKER_IMAGE and $OPERATOR_IMAGE"
docker build -f "$ROOT/Dockerfile.broker" -t "$BROKER_IMAGE" --build-arg "VERSION=$TAG" "$ROOT"
docker build -f "$ROOT/Dockerfile.operator" -t "$OPERATOR_IMAGE" --build-arg "VERSION=$TAG" "$ROOT"
log "loading the images into kind"
kind load docker-image --name "$CLUSTER" "$BROKER_IMAGE" "$OPERATOR_IMAGE"

# ---------------------------------------------------------------- 3. operator
log "helm install gregor ($OPERATOR_NS)"
helm upgrade --install gregor "$ROOT/charts/gregor" \
  --namespace "$OPERATOR_NS" --create-namespace \
  --set "image.tag=$TAG" --set "brokerImage.tag=$TAG" --set image.pullPolicy=Never \
  --wait --timeout 5m
kubectl -n "$OPERATOR_NS" rollout status deployment/gregor-operator --timeout=3m

# ---------------------------------------------------------------- helpers
kubectl get namespace "$NS" >/dev/null 2>&1 || kubectl create namespace "$NS"

# A long-lived kcat pod to produce and consume from inside the cluster (brokers advertise pod DNS names).
start_kcat() {
  if ! kubectl -n "$NS" get pod kcat >/dev/null 2>&1; then
    kubectl -n "$NS" run kcat --image="$KCAT_IMAGE" --restart=Never --command -- sleep 86400
  fi
  kubectl -n "$NS" wait pod/kcat --for=condition=Ready --timeout=3m
}

# produce_consume <cluster> <topic> <acks>: produces 3 records tagged with a fresh run id, consumes the topic
# from the beginning and checks those 3 came back (earlier runs' records are ignored).
produce_consume() {
  local cluster="$1" topic="$2" acks="$3" bootstrap run want got
  bootstrap="$(kubectl -n "$NS" get kafkacluster "$cluster" -o jsonpath='{.status.bootstrapServers}')"
  [ -n "$bootstrap" ] || die "KafkaCluster $cluster has no status.bootstrapServers"
  run="run$(date +%s%N)"
  want="$(printf '%s-%s\n' "$run" 1 "$run" 2 "$run" 3)"
  log "producing to $topic on $bootstrap (acks=$acks)"
  printf '%s\n' "$want" | kubectl -n "$NS" exec -i kcat -- kcat -b "$bootstrap" -t "$topic" -P -X "acks=$acks"
  log "consuming $topic"
  got="$(kubectl -n "$NS" exec kcat -- kcat -b "$bootstrap" -t "$topic" -C -o beginning -e -q -f '%s\n' | grep "^$run-" | sort || true)"
  [ "$got" = "$want" ] || die "consumed [$got], expected [$want]"
  log "ok: $topic round trip"
}

wait_ready() { # wait_ready <kind/name> <timeout>
  kubectl -n "$NS" wait "$1" --for=condition=Ready --timeout="$2"
}

# ---------------------------------------------------------------- 4-5. 1 ZooKeeper + 1 broker
log "applying the 1+1 example and its topic"
kubectl -n "$NS" apply -f "$ROOT/deploy/examples/kafkacluster-1+1.yaml" -f "$ROOT/deploy/examples/kafkatopic.yaml"
wait_ready kafkacluster/dev 15m
wait_ready kafkatopic/test 5m
kubectl -n "$NS" get kafkacluster dev -o wide
start_kcat
kubectl -n "$NS" exec kcat -- kcat -b "$(kubectl -n "$NS" get kafkacluster dev -o jsonpath='{.status.bootstrapServers}')" -L -t test
produce_consume dev test 1

# ---------------------------------------------------------------- 6. 3 ZooKeeper + 3 brokers (optional)
if [ "$FULL" = "1" ]; then
  log "applying the 3+3 example"
  kubectl -n "$NS" apply -f "$ROOT/deploy/examples/kafkacluster-3+3.yaml"
  kubectl -n "$NS" apply -f - <<'YAML'
apiVersion: kafka.gregor.dev/v1alpha1
kind: KafkaTopic
metadata:
  name: orders
  labels:
    kafka.gregor.dev/cluster: events
spec:
  partitions: 6
  replicationFactor: 3
  config:
    min.insync.replicas: "2"
YAML
  wait_ready kafkacluster/events 20m
  wait_ready kafkatopic/orders 5m
  produce_consume events orders all
  log "deleting broker pod events-broker-1: the others lead, acks=all still succeeds"
  kubectl -n "$NS" delete pod events-broker-1 --wait=false
  sleep 5
  produce_consume events orders all
  wait_ready kafkacluster/events 10m
fi

log "PASSED (kubectl -n $NS get kafkaclusters,kafkatopics to look around)"
