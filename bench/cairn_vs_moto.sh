#!/usr/bin/env bash
# `cairn bench` against a release `cairn server` and moto_server side by side (BENCHMARKS.md,
# "cairn bench: Cairn and moto_server"): 16 KiB PutObject and UploadPart, 1 KiB GetObject and
# HeadObject, each at concurrency 32 for DURATION, with the server's CPU from /proc (--server-pid).
#
#   bench/cairn_vs_moto.sh [DURATION=10s] [OUT=/tmp/cairn-vs-moto]
#
# Prints each run's table and keeps its --json in OUT. CAIRN=path/to/cairn for another build.
set -euo pipefail
DURATION=${1:-10s}
OUT=${2:-/tmp/cairn-vs-moto}
here=$(cd "$(dirname "$0")/.." && pwd)
CAIRN=${CAIRN:-$here/.build/release/cairn}
mkdir -p "$OUT"
data=$(mktemp -d /tmp/cairn-vs-moto.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cport=$(free_port)
mport=$(free_port)
CAIRN_ACCESS_KEY=benchkey CAIRN_SECRET_KEY=bench-secret-key "$CAIRN" server --data "$data/d" \
  --address "127.0.0.1:$cport" --log-level error &
cpid=$!
moto_server -p "$mport" > "$data/moto.log" 2>&1 &
mpid=$!
trap 'kill $cpid $mpid 2>/dev/null; wait $cpid $mpid 2>/dev/null; rm -rf "$data"' EXIT
for port in "$cport" "$mport"; do
  for _ in $(seq 200); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null && break
    sleep 0.1
  done
done
export AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
run() {  # NAME PORT PID KEY SECRET WORKLOAD ARGS...
  local name=$1 port=$2 pid=$3 key=$4 secret=$5 workload=$6
  shift 6
  echo "== $name $workload $*"
  AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret "$CAIRN" bench "$workload" "$@" \
    --concurrency 32 --duration "$DURATION" --server-pid "$pid" --endpoint-url "http://127.0.0.1:$port" \
    --json > "$OUT/$name-$workload.json"
  python3 - "$OUT/$name-$workload.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for o in r["operations"]:
    l = o["latency"]
    print(f'{o["operation"]:22} {o["count"]:7} ops {o["ops_per_second"]:8.1f} ops/s {o["mb_per_second"]:7.2f} MB/s '
          f'p50 {l["p50_ms"]:7.2f} p90 {l["p90_ms"]:7.2f} p99 {l["p99_ms"]:7.2f} max {l["max_ms"]:8.2f} ms errors {o["errors"]}')
s = r.get("server")
if s:
    print(f'server: {s["cpu_ms_per_request"]:.3f} CPU-ms per request, peak RSS {s["peak_rss_bytes"] / 2**20:.1f} MiB')
PY
}
for target in cairn moto; do
  if [ "$target" = cairn ]; then args=(cairn "$cport" "$cpid" benchkey bench-secret-key)
  else args=(moto "$mport" "$mpid" AKIAMOTO000000000000 moto-secret-key); fi
  run "${args[@]}" put --obj-size 16KiB
  run "${args[@]}" multipart --part-size 16KiB --parts 10000
  run "${args[@]}" get --obj-size 1KiB --objects 1000
  run "${args[@]}" stat --obj-size 1KiB --objects 1000
done
