#!/usr/bin/env bash
# Prepares the two transfers an offline linux-x64 NVIDIA host needs (each call carries at most 64 MiB):
#   .gpu-bundle/  Deno, node_modules (linux-x64 binaries, without CUDA provider libraries), the Vulkan/GL
#                 loader packages for the WebGPU EP, and bootstrap.sh (tools/gpu_bootstrap.sh)
#   .gpu-cuda/    ONNX Runtime's CUDA provider for onnxruntime-node, pruned to one GPU architecture (sm_90,
#                 Hopper, by default) and xz-compressed (~38 MB), plus its small shared-provider library
# Run from the project root after `deno install`; both folders are git-ignored. On the host:
#   call 1: carry .gpu-cuda   →  . tools/gpu_bootstrap.sh cuda     (unpacks into $TMPDIR/ort-cuda)
#   call 2: carry .gpu-bundle →  . .gpu-bundle/bootstrap.sh        (within 30 s, while the host is warm)
# Usage: tools/gpu_pack.sh [bundle|cuda|all] [ARCH]   (default: all 90)
set -euo pipefail
what=${1:-all}; arch=${2:-90}
cd "$(dirname "$0")/.."
[ -d node_modules ] || { echo "gpu_pack: no node_modules here; run 'deno install' first" >&2; exit 2; }
if [ "$what" = bundle ] || [ "$what" = all ]; then
  OUT=.gpu-bundle; rm -rf "$OUT"; mkdir -p "$OUT"
  DENO_BIN=$(deno eval --quiet 'console.log(Deno.execPath())')
  echo "packing deno from $DENO_BIN"
  xz -T0 -6 -c "$DENO_BIN" > "$OUT/deno.xz"
  echo "packing node_modules (linux-x64 only, no CUDA provider libraries: they travel in .gpu-cuda)"
  tar -c --exclude='*/bin/napi-v*/darwin' --exclude='*/bin/napi-v*/win32' --exclude='*/bin/napi-v*/linux/arm64' \
      --exclude='libonnxruntime_providers_*.so' node_modules | xz -T0 -6 > "$OUT/node_modules.tar.xz"
  tmp=$(mktemp -d); mkdir -p "$tmp/lists/partial"
  o="-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=$tmp/lists"
  apt-get $o update -qq >/dev/null 2>&1 || true
  (cd "$OUT" && apt-get $o download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 libgles2 >/dev/null 2>&1) ||
    echo "warning: could not download the Vulkan/GL loader packages; WebGPU will need them on the host" >&2
  rm -rf "$tmp"
  cp tools/gpu_bootstrap.sh "$OUT/bootstrap.sh"
  du -sh "$OUT"
fi
if [ "$what" = cuda ] || [ "$what" = all ]; then
  OUT=.gpu-cuda; rm -rf "$OUT"; mkdir -p "$OUT"
  src=$(mktemp -d)
  # The pinned, sha256-checked files, placed beside the binding by the installer (npm pack, cached).
  deno task ep install cuda >/dev/null
  bin=$(deno eval --quiet 'import { ortBinaryDir } from "./runtime/ort_binary_dir.ts"; console.log(ortBinaryDir())')
  cp "$bin"/libonnxruntime_providers_{cuda,shared}.so "$src/"
  python3 tools/prune_fatbin.py "$src/libonnxruntime_providers_cuda.so" "$src/cuda.so" "$arch"
  xz -T0 -6 -c "$src/cuda.so" > "$OUT/libonnxruntime_providers_cuda.so.xz"
  cp "$src/libonnxruntime_providers_shared.so" "$OUT/"
  echo "sm_$arch" > "$OUT/ARCH"
  rm -rf "$src"
  du -sh "$OUT"
fi
