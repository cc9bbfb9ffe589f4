#!/usr/bin/env bash
# OnnxVideo set-up and entry points.
#   ./build.sh          install missing prerequisites (ffmpeg) and build; ONNX Runtime comes from NuGet
#   ./build.sh --gpu …  the same with ONNX Runtime's CUDA/TensorRT package (Microsoft.ML.OnnxRuntime.Gpu.Linux)
#   ./build.sh demo     the end-to-end demo on built-in synthetic data
#   ./build.sh test     all tests (also installs the PyTorch reference used by some tests)
#   ./build.sh bench    the BenchmarkDotNet suite
#   ./build.sh pack-check  pack, then build a new console app on the packages and classify a clip with it
#   ./build.sh gpu-check  build for GPU, then compare inference and training on CUDA and TensorRT with the CPU
#   ./build.sh pretrain [arch]  remake the small pretrained checkpoints of models/ on the synthetic pretext task
#   ./build.sh transfer [opts]  the README's transfer table (pretrained vs random init, few labels)
#   ./build.sh peft [opts]  the README's table of tuning methods (head, LoRA, BitFit, adapters, prompts, last, full ± regularisers)
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

ensure_onnx_testdata() {
  # ONNX's own backend node-test corpus: the lossless load/save test reads a sample of it.
  [ -d /usr/share/libonnx-testdata/data/node ] || apt_install libonnx-testdata
}

ensure_torch() {
  # Reference numbers in tests come from Debian's PyTorch (and NLTK's BLEU), run with Debian's own interpreter.
  if ! /usr/bin/python3 -c 'import torch, torchvision, nltk' >/dev/null 2>&1; then
    apt_install python3-torch python3-torchvision python3-numpy python3-nltk
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

# Where a library is found: the loader's cache or LD_LIBRARY_PATH.
have_library() {
  ldconfig -p 2>/dev/null | grep -q "/$1\$" && return 0
  local folder
  for folder in ${LD_LIBRARY_PATH:+${LD_LIBRARY_PATH//:/ }}; do [ -e "$folder/$1" ] && return 0; done
  return 1
}

# The GPU check needs what ONNX Runtime's GPU package links against; say exactly what is missing, exit 2.
gpu_prerequisites() {
  local missing=() entry
  if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L >/dev/null 2>&1; then
    missing+=("an NVIDIA GPU and driver (nvidia-smi finds none)")
  fi
  for entry in libcuda.so.1:"the NVIDIA driver" libcudart.so.13:"CUDA 13" libcublas.so.13:"CUDA 13" libcublasLt.so.13:"CUDA 13" \
               libcurand.so.10:"CUDA 13" libcudnn.so.9:"cuDNN 9" libnvinfer.so.10:"TensorRT 10" libnvonnxparser.so.10:"TensorRT 10"; do
    have_library "${entry%%:*}" || missing+=("${entry%%:*} (${entry#*:})")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    printf 'gpu-check: this machine cannot run the CUDA/TensorRT check; missing:\n' >&2
    printf '  - %s\n' "${missing[@]}" >&2
    printf 'Requirements: NVIDIA driver, CUDA 13, cuDNN 9, TensorRT 10, found through ldconfig or LD_LIBRARY_PATH.\n' >&2
    exit 2
  fi
}

# dotnet pack, then a new console app outside the repository consumes OnnxVideo.Runtime from that folder feed and
# classifies a clip; it must get ONNX Runtime's native library and nothing of the official managed API.
pack_check() {
  dotnet pack OnnxVideo.sln -c Release -o "$ROOT/artifacts/packages" --nologo -v quiet
  local app; app=$(mktemp -d)
  trap 'rm -rf "$app"' RETURN
  cp tests/Packaging/Program.cs "$app/"
  cp tests/Packaging/consumer.csproj.template "$app/consumer.csproj"
  printf '<Project/>\n' > "$app/Directory.Build.props"; printf '<Project/>\n' > "$app/Directory.Packages.props"
  dotnet new nugetconfig -o "$app" >/dev/null
  dotnet nuget add source "$ROOT/artifacts/packages" -n onnxvideo-local --configfile "$app/nuget.config" >/dev/null
  log "building a consumer app against artifacts/packages"
  dotnet build "$app/consumer.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly --packages "$app/packages" -o "$app/out"
  [ ! -e "$app/out/Microsoft.ML.OnnxRuntime.dll" ] || die "the consumer got the official managed API (Microsoft.ML.OnnxRuntime.dll)"
  [ -f "$app/out/runtimes/linux-x64/native/libonnxruntime.so" ] || die "the consumer has no libonnxruntime.so"
  dotnet tools/export/bin/Release/net10.0/onnxvideo-export.dll create --arch tiny3d --classes 4 --out "$app/m.onnx" >/dev/null
  ffmpeg -nostdin -loglevel error -y -f lavfi -i testsrc=size=96x96:rate=25 -t 1 -pix_fmt yuv420p "$app/clip.mp4"
  dotnet "$app/out/consumer.dll" "$app/m.onnx" "$app/clip.mp4"
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
    # xunit's skipped tests count in total but not in executed (trx leaves notExecuted at 0).
    skipped=$((skipped + $(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$c") - $(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$c")))
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
  test) ensure_ffmpeg; ensure_torch; ensure_onnx_testdata; build; run_tests "$@" ;;
  demo) ensure_ffmpeg; build; dotnet run --project src/OnnxVideo.Cli -c "$CONFIG" --no-build -- demo "$@" ;;
  bench) ensure_ffmpeg; ensure_torch; ensure_ort_node_peer; build; dotnet run --project benchmarks/OnnxVideo.Benchmarks -c Release --no-build -- "$@" ;;
  gpu-check) gpu_prerequisites; ensure_ffmpeg; GPU=true; build
    ONNXVIDEO_REQUIRE_GPU=1 dotnet run --project src/OnnxVideo.Cli -c "$CONFIG" --no-build -p:OnnxVideoGpu=true -- gpu-check "$@" ;;
  pretrain) ensure_ffmpeg; build; tools/pretrain/pretrain.sh "$@" ;;
  transfer) ensure_ffmpeg; build; dotnet run --project benchmarks/OnnxVideo.Benchmarks -c Release --no-build -- transfer "$@" ;;
  peft) ensure_ffmpeg; build; dotnet run --project benchmarks/OnnxVideo.Benchmarks -c Release --no-build -- peft "$@" ;;
  pack) dotnet pack OnnxVideo.sln -c Release -o "$ROOT/artifacts/packages" --nologo -v quiet ;;
  pack-check) ensure_ffmpeg; build; pack_check ;;
  *) die "unknown command '$cmd' (use: [--gpu] build | demo | test | bench | pretrain | transfer | peft | pack | pack-check | gpu-check)" ;;
esac
