#!/usr/bin/env bash
# Packs installed models and data sets for an offline GPU host into parts that each fit one device call
# (64 MiB in all, the tracked tree included): one tar stream of models/<NAME>/ and SAMQ_DATA/<SET>/, cut
# into .xfer/part-NN (git-ignored) with .xfer/SHA256SUMS. part-00 is sized to ride with .gpu-cuda in the
# first call; every later part fills one call. On the host, `tools/gpu_bench.sh stash` (each call) and
# `unpack` (after the last part) rebuild the tree under /tmp/xfer-root (models/, data/).
#   usage: bash tools/gpu_xfer.sh --models sam2-tiny --data coco-tiny,dsb2018
# Environment: SAMQ_MODELS, SAMQ_DATA (as samq), LIMIT_MIB (64), XFER_DIR (.xfer), XFER_BESIDE (.gpu-cuda:
# the folder part-00 leaves room for).
set -euo pipefail
cd "$(dirname "$0")/.."
MODELS="" SETS=""
while [ $# -gt 0 ]; do
  case $1 in
  --models) MODELS=$2; shift 2 ;;
  --data) SETS=$2; shift 2 ;;
  *) echo "usage: bash tools/gpu_xfer.sh --models a,b --data set1,set2" >&2; exit 2 ;;
  esac
done
DATA=${SAMQ_DATA:-$(pwd)/../shared/data}
MODELS_DIR=${SAMQ_MODELS:-$(pwd)/models}
mib() { echo $(( $1 * 1048576 )); }
LIMIT=$(mib ${LIMIT_MIB:-64})
tracked=$(git ls-files -z | xargs -0 stat -c %s | awk '{s+=$1} END {print s}')
untracked=$(git ls-files -z --others --exclude-standard | xargs -0 -r stat -c %s | awk '{s+=$1} END {print s+0}')
margin=$(mib 1)
room=$(( LIMIT - tracked - untracked - margin ))
BESIDE=${XFER_BESIDE:-.gpu-cuda}
cuda=$( [ -d "$BESIDE" ] && du -sb "$BESIDE" | cut -f1 || echo 0)
first=$(( room - cuda ))
[ "$first" -gt 0 ] || { echo "no room beside $BESIDE in one call" >&2; exit 1; }
stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/models" "$stage/data"
IFS=, read -ra ms <<< "$MODELS"
for m in "${ms[@]}"; do
  [ -f "$MODELS_DIR/$m/sam.json" ] || { echo "model $m is not installed (deno task model get $m)" >&2; exit 2; }
  ln -s "$MODELS_DIR/$m" "$stage/models/$m"
done
IFS=, read -ra ds <<< "$SETS"
for d in "${ds[@]}"; do
  [ -d "$DATA/$d" ] || { echo "data set $d not found under $DATA" >&2; exit 2; }
  ln -s "$DATA/$d" "$stage/data/$d"
done
tar -chf "$stage/all.tar" -C "$stage" models data
X=${XFER_DIR:-.xfer}
rm -rf "$X" && mkdir -p "$X"
total=$(stat -c %s "$stage/all.tar")
off=0 i=0
while [ "$off" -lt "$total" ]; do
  size=$([ "$i" -eq 0 ] && echo "$first" || echo "$room")
  name=$(printf 'part-%02d' "$i")
  dd if="$stage/all.tar" of="$X/$name" iflag=skip_bytes,count_bytes skip="$off" count="$size" status=none
  off=$(( off + size )) i=$(( i + 1 ))
done
(cd "$X" && sha256sum part-* > SHA256SUMS && sha256sum < "$stage/all.tar" | sed 's/-$/all.tar/' >> SHA256SUMS)
echo "$(( total / 1048576 )) MiB in $i parts (part-00 ≤ $(( first / 1048576 )) MiB beside $BESIDE, others ≤ $(( room / 1048576 )) MiB):"
ls -l "$X" | tail -n +2
