#!/usr/bin/env bash
# OnnxVideo set-up and entry points.
#   ./build.sh          install missing prerequisites (ffmpeg) and build; ONNX Runtime comes from NuGet
#   ./build.sh --gpu …  the same with ONNX Runtime's CUDA/TensorRT package (Microsoft.ML.OnnxRuntime.Gpu.Linux)
#   ./build.sh demo     the end-to-end demo on built-in synthetic data
#   ./build.sh test     all tests (also installs the PyTorch reference used by some tests)
#   ./build.sh bench    the BenchmarkDotNet suite
#   ./build.sh pack     NuGet packages (libraries with symbols, the two CLIs as dotnet tools) into artifacts/packages
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

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

# The onnxruntime-node peer benchmark fetches its own ONNX Runtime (npm); nothing else needs npm. npm serves
# onnxruntime-node up to 1.30.0 (no 1.31.0 as of 2026-12-01), and its addon only loads the native build of its
# own package (versioned symbols), so that row compares bindings across native builds; the C# API row
# (benchmarks/peers/OrtManagedPeer, built by the harness) runs on our very libonnxruntime.so.
ORT_NODE_VERSION=1.30.0
ORT_NODE_DIR="$ROOT/.cache/ort-node/$ORT_NODE_VERSION"

ensure_ort_node_peer() {
  [ -f "$ORT_NODE_DIR/node_modules/onnxruntime-common/package.json" ] && return 0
  if ! command -v npm >/dev/null; then
    log "npm not found: the onnxruntime-node peer row will be skipped (apt-get install -y npm to include it)"
    return 0
  fi
  log "fetching onnxruntime-node@$ORT_NODE_VERSION for the peer benchmark (npm)"
  mkdir -p "$ORT_NODE_DIR"
  (cd "$ORT_NODE_DIR" && npm install --no-save --ignore-scripts --no-audit --no-fund "onnxruntime-node@$ORT_NODE_VERSION" >/dev/null 2>&1) \
    || log "npm install onnxruntime-node@$ORT_NODE_VERSION failed: the onnxruntime-node peer row will be skipped"
}

# ONNX Runtime comes from NuGet (Microsoft.ML.OnnxRuntime, or Microsoft.ML.OnnxRuntime.Gpu.Linux with --gpu).
GPU=false
build() {
  log "dotnet build ($CONFIG, GPU package: $GPU)"
  dotnet build OnnxVideo.sln -c "$CONFIG" --nologo -v quiet -clp:ErrorsOnly -p:OnnxVideoGpu="$GPU"
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

if [ "${1:-}" = "--gpu" ]; then GPU=true; shift; fi
cmd=${1:-build}
[ $# -gt 0 ] && shift
case "$cmd" in
  build) ensure_ffmpeg; build ;;
  test) ensure_ffmpeg; ensure_torch; build; run_tests "$@" ;;
  demo) ensure_ffmpeg; build; dotnet run --project src/OnnxVideo.Cli -c "$CONFIG" --no-build -- demo "$@" ;;
  bench) ensure_ffmpeg; ensure_torch; ensure_ort_node_peer; build; dotnet run --project benchmarks/OnnxVideo.Benchmarks -c Release --no-build -- "$@" ;;
  pack) dotnet pack OnnxVideo.sln -c Release -o "$ROOT/artifacts/packages" --nologo -v quiet ;;
  *) die "unknown command '$cmd' (use: [--gpu] build | demo | test | bench | pack)" ;;
esac
