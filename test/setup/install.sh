#!/usr/bin/env bash
# Installs every outside peer the interop tests use, into a cache, so a fresh machine passes:
#   - Debian: kcat (and a JDK + Maven if missing)
#   - Maven Central: Apache Kafka 3.9 broker, CLI tools, Java client (+ reload4j) -> $GREGOR_CACHE/java/lib
#   - PyPI: confluent-kafka, kafka-python -> $GREGOR_CACHE/venv
# Idempotent and quick when everything is cached (stamps hold the hash of the inputs).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${GREGOR_CACHE:-$HOME/.cache/gregor}"
mkdir -p "$CACHE"

log() { echo "[install] $*" >&2; }

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi

# ---------------------------------------------------------------- Debian packages
need=()
command -v kcat >/dev/null 2>&1 || need+=(kcat)
# javac too: the cluster tests compile a small Java client at test time.
{ command -v java && command -v javac; } >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  need+=(python3-venv)
fi
if [ "${#need[@]}" -gt 0 ]; then
  log "apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q >/dev/null
  $SUDO apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# ---------------------------------------------------------------- Java: Kafka 3.9 jars
JAVA_DIR="$CACHE/java"
JAVA_STAMP="$(hash_of "$HERE/java/pom.xml")"
if [ "$(cat "$JAVA_DIR/.stamp" 2>/dev/null || true)" != "$JAVA_STAMP" ] || ! ls "$JAVA_DIR/lib"/kafka_2.13-*.jar >/dev/null 2>&1; then
  log "resolving Kafka jars with Maven into $JAVA_DIR/lib"
  rm -rf "$JAVA_DIR/lib.tmp"
  mkdir -p "$JAVA_DIR"
  mvn -q -B -Dstyle.color=never -f "$HERE/java/pom.xml" \
    -Dmaven.repo.local="$CACHE/m2" \
    dependency:copy-dependencies \
    -DincludeScope=runtime \
    -DoutputDirectory="$JAVA_DIR/lib.tmp"
  rm -rf "$JAVA_DIR/lib"
  mv "$JAVA_DIR/lib.tmp" "$JAVA_DIR/lib"
  echo "$JAVA_STAMP" > "$JAVA_DIR/.stamp"
fi

# ---------------------------------------------------------------- Python venv
VENV="$CACHE/venv"
PY_STAMP="$(hash_of "$HERE/requirements.txt")"
if [ "$(cat "$VENV/.stamp" 2>/dev/null || true)" != "$PY_STAMP" ] || [ ! -x "$VENV/bin/python" ]; then
  log "creating Python venv in $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$HERE/requirements.txt"
  "$VENV/bin/python" -c 'import confluent_kafka, kafka; print("confluent-kafka", confluent_kafka.version(), "librdkafka", confluent_kafka.libversion()[0], "kafka-python", kafka.__version__)' >&2
  echo "$PY_STAMP" > "$VENV/.stamp"
fi

bash "$HERE/helm.sh"
bash "$HERE/kube.sh"  # etcd + kube-apiserver + kube-controller-manager for the operator tests (Go modules)

log "ok: kcat $(kcat -V 2>/dev/null | sed -n 's/^Version \([^ ]*\).*/\1/p'), $(ls "$JAVA_DIR/lib" | wc -l) jars, venv $VENV"
