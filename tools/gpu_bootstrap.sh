# Source this on an offline GPU host from the project root (tools/gpu_pack.sh made the bundles).
#   . tools/gpu_bootstrap.sh cuda     call 1, carrying .gpu-cuda: unpacks the CUDA provider into $TMPDIR/ort-cuda
#   . .gpu-bundle/bootstrap.sh        call 2, carrying .gpu-bundle: Deno, node_modules, Vulkan loader; places the
#                                     provider from $TMPDIR/ort-cuda beside onnxruntime-node when it is there
#                                     and puts the host's CUDA/cuDNN libraries (Python's nvidia wheels) on
#                                     LD_LIBRARY_PATH. Afterwards `deno task ...` runs as on a developer machine.
T=${TMPDIR:-/tmp}
if [ "${1:-}" = cuda ]; then
  mkdir -p "$T/ort-cuda"
  xz -dc .gpu-cuda/libonnxruntime_providers_cuda.so.xz > "$T/ort-cuda/libonnxruntime_providers_cuda.so.part" &&
    mv "$T/ort-cuda/libonnxruntime_providers_cuda.so.part" "$T/ort-cuda/libonnxruntime_providers_cuda.so"
  cp .gpu-cuda/libonnxruntime_providers_shared.so "$T/ort-cuda/"
  ls -la "$T/ort-cuda"
  return 0 2>/dev/null || exit 0
fi
B=${GPU_BUNDLE:-.gpu-bundle}
for f in "$B"/*.deb; do [ -e "$f" ] && dpkg -x "$f" / ; done
command -v ldconfig >/dev/null && ldconfig
BIN=$T/gpu-bin; mkdir -p "$BIN"
[ -x "$BIN/deno" ] || { xz -dc "$B/deno.xz" > "$BIN/deno" && chmod +x "$BIN/deno"; }
export PATH=$BIN:$PATH
[ -d node_modules ] || tar -xJf "$B/node_modules.tar.xz"
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json; do
  if [ -f "$icd" ]; then export VK_DRIVER_FILES=$icd; break; fi
done
nv=$(python3 -c 'import nvidia,os;print(os.path.dirname(nvidia.__path__[0]))' 2>/dev/null)
if [ -n "$nv" ]; then
  for d in "$nv"/nvidia/*/lib; do case ":${LD_LIBRARY_PATH:-}:" in *":$d:"*) ;; *) LD_LIBRARY_PATH=$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH};; esac; done
  export LD_LIBRARY_PATH
fi
if [ -f "$T/ort-cuda/libonnxruntime_providers_cuda.so" ]; then
  deno task ep install cuda --from "$T/ort-cuda" 2>&1 | grep -E '^(GPUs|cuda|--ep)' || echo "CUDA provider install failed"
else
  echo "no $T/ort-cuda: CUDA EP not installed (run the cuda call first; the host may have been fresh)"
fi
echo "deno $(deno --version | head -1 | cut -d' ' -f2)  VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset}"
