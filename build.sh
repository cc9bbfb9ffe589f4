#!/usr/bin/env bash
# OnnxVideo set-up and entry points.
#   ./build.sh          install missing prerequisites (ffmpeg, ONNX Runtime native library) and build
#   ./build.sh demo     the end-to-end demo on built-in synthetic data
#   ./build.sh test     all tests (also installs the PyTorch reference used by some tests)
#   ./build.sh bench    the BenchmarkDotNet suite
#   ./build.sh pack     NuGet packages (libraries with symbols, the two CLIs as dotnet tools) into artifacts/packages
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

ORT_VERSION=1.30.0
ORT_SHA256=ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23
ORT_DIR="$ROOT/.cache/ort/$ORT_VERSION"
ORT_LIB="$ORT_DIR/libonnxruntime.so.1"
CONFIG=${CONFIG:-Release}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    die "missing Debian packages: $*. Install them as root: sudo apt-get install -y $*"
  fi
  log "installing $* (apt)"
  if [ ! -f /var/lib/apt/lists/.onnxvideo-updated ] || [ -z "$(ls /var/lib/apt/lists 2>/dev/null | grep -v lock)" ]; then
    apt-get update -qq && touch /var/lib/apt/lists/.onnxvideo-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_ffmpeg() {
  if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then
    apt_install ffmpeg
  fi
}

ensure_torch() {
  # Reference numbers in tests come from Debian's PyTorch, run with Debian's own interpreter.
  if ! /usr/bin/python3 -c 'import torch, torchvision' >/dev/null 2>&1; then
    apt_install python3-torch python3-torchvision python3-numpy
  fi
}

sha_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$ORT_SHA256" ]; }

ensure_ort() {
  sha_ok "$ORT_LIB" && return 0
  command -v npm >/dev/null || die "npm is needed once to fetch the ONNX Runtime native library (apt-get install -y npm)"
  log "fetching ONNX Runtime $ORT_VERSION native library (npm onnxruntime-node@$ORT_VERSION)"
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack "onnxruntime-node@$ORT_VERSION" --silent >/dev/null 2>&1) || { rm -rf "$tmp"; die "npm pack onnxruntime-node@$ORT_VERSION failed"; }
  tar -xzf "$tmp"/onnxruntime-node-*.tgz -C "$tmp" package/bin/napi-v6/linux/x64/libonnxruntime.so.1 package/bin/napi-v6/linux/x64/onnxruntime_binding.node
  mkdir -p "$ORT_DIR"
  sha_ok "$tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" || { rm -rf "$tmp"; die "SHA-256 of libonnxruntime.so.1 does not match the pinned $ORT_SHA256"; }
  # The node binding is kept for the peer benchmarks (onnxruntime-node on the same native library).
  mkdir -p "$ORT_DIR/node"
  tar -xzf "$tmp"/onnxruntime-node-*.tgz -C "$ORT_DIR/node" --strip-components=1
  mv "$tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" "$ORT_LIB.tmp" && mv "$ORT_LIB.tmp" "$ORT_LIB"
  rm -rf "$tmp"
}

ensure_ort_node_peer() {
  # onnxruntime-node's JavaScript needs its sibling package onnxruntime-common; the peer benchmark requires both.
  local common="$ORT_DIR/node/node_modules/onnxruntime-common"
  [ -f "$common/package.json" ] && return 0
  command -v npm >/dev/null || die "npm is needed once to fetch onnxruntime-common for the node peer benchmark"
  log "fetching onnxruntime-common@$ORT_VERSION for the onnxruntime-node peer benchmark"
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack "onnxruntime-common@$ORT_VERSION" --silent >/dev/null 2>&1) || { rm -rf "$tmp"; die "npm pack onnxruntime-common@$ORT_VERSION failed"; }
  mkdir -p "$common"
  tar -xzf "$tmp"/onnxruntime-common-*.tgz -C "$common" --strip-components=1
  rm -rf "$tmp"
}

build() {
  log "dotnet build ($CONFIG)"
  dotnet build OnnxVideo.sln -c "$CONFIG" --nologo -v quiet -clp:ErrorsOnly
}

run_tests() {
  local results="$ROOT/.test-results"
  rm -rf "$results"; mkdir -p "$results"
  log "dotnet test"
  local rc=0
  dotnet test OnnxVideo.sln -c "$CONFIG" --no-build --nologo -v quiet \
    --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" "$@" || rc=$?
  local passed=0 failed=0 skipped=0
  for f in "$results"/*.trx; do
    [ -f "$f" ] || continue
    local c; c=$(grep -o '<Counters [^>]*>' "$f" | head -1)
    passed=$((passed + $(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$c")))
    failed=$((failed + $(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$c")))
    skipped=$((skipped + $(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$c")))
  done
  echo "$passed passed, $failed failed, $skipped skipped"
  [ "$passed" -gt 0 ] || rc=1
  return $rc
}

cmd=${1:-build}
[ $# -gt 0 ] && shift
case "$cmd" in
  build) ensure_ffmpeg; ensure_ort; build ;;
  test) ensure_ffmpeg; ensure_torch; ensure_ort; build; run_tests "$@" ;;
  demo) ensure_ffmpeg; ensure_ort; build; dotnet run --project src/OnnxVideo.Cli -c "$CONFIG" --no-build -- demo "$@" ;;
  bench) ensure_ffmpeg; ensure_torch; ensure_ort; ensure_ort_node_peer; build; dotnet run --project benchmarks/OnnxVideo.Benchmarks -c Release -- "$@" ;;
  pack) ensure_ort; dotnet pack OnnxVideo.sln -c Release -o "$ROOT/artifacts/packages" --nologo -v quiet ;;
  *) die "unknown command '$cmd' (use: build | demo | test | bench | pack)" ;;
esac
