for m in pq-sam lsq+ qdrop brecq ptq4sam-l ahcptq; do
  b=0.001; case $m in qdrop|brecq|ptq4sam-l|ahcptq) b=0.0001;; esac
  s=$(date +%s)
  deno task quantize --model sam2-tiny --method $m --bits w4a4 --n 2 --budget $b --audit-images 1 --out runs/smoke/$m --force > runs/smoke/$m.log 2>&1
  echo "$m rc=$? $(( $(date +%s) - s ))s"
done
