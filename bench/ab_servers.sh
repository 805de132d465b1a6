#!/usr/bin/env bash
# Two builds of `cairn server` side by side, in alternating runs, under the same `cairn bench`
# client: server CPU-ms per request for small requests (the figure a change to the request path
# moves first). Each run gets a fresh server and data folder.
#
#   bench/ab_servers.sh BEFORE_BIN AFTER_BIN [ROUNDS=3] [DURATION=10s]
#
# Workloads: 16 KiB PutObject and 1 KiB HeadObject at concurrency 32; ALL=1 adds 16 KiB UploadPart
# and 1 KiB GetObject. The client is AFTER_BIN's `cairn bench`. Prints one line per run and the
# medians.
set -euo pipefail
BEFORE=$1
AFTER=$2
ROUNDS=${3:-3}
DURATION=${4:-10s}
export AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_ACCESS_KEY_ID=benchkey AWS_SECRET_ACCESS_KEY=bench-secret-key
out=$(mktemp -d /tmp/cairn-ab.XXXXXX)
trap 'rm -rf "$out"' EXIT
one() {  # LABEL BIN WORKLOAD ARGS... -> prints "LABEL WORKLOAD cpu_ms ops_s"
  local label=$1 bin=$2 workload=$3
  shift 3
  local port data pid
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  data=$(mktemp -d "$out/data.XXXXXX")
  CAIRN_ACCESS_KEY=$AWS_ACCESS_KEY_ID CAIRN_SECRET_KEY=$AWS_SECRET_ACCESS_KEY "$bin" server --data "$data/d" \
    --address "127.0.0.1:$port" --log-level error > /dev/null &
  pid=$!
  for _ in $(seq 200); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null && break
    sleep 0.1
  done
  "$AFTER" bench "$workload" "$@" --concurrency 32 --duration "$DURATION" --server-pid "$pid" \
    --endpoint-url "http://127.0.0.1:$port" --json > "$out/run.json"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  python3 - "$out/run.json" "$label" "$workload" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ops = sum(o["ops_per_second"] for o in r["operations"])
errors = sum(o["errors"] for o in r["operations"])
print(f'{sys.argv[2]:6} {sys.argv[3]:5} {r["server"]["cpu_ms_per_request"]:.3f} {ops:.0f} {errors}')
PY
}
{
  # ABBA order: a run right after another one pays for what the first left on the filesystem
  # (measured: whichever build ran second in each pair came out up to 0.3 CPU-ms dearer per
  # 16 KiB PUT; BENCHMARKS.md).
  for round in $(seq "$ROUNDS"); do
    order="before after"; [ $((round % 2)) = 0 ] && order="after before"
    for side in $order; do
      bin=$BEFORE; [ "$side" = after ] && bin=$AFTER
      one "$side" "$bin" put --obj-size 16KiB
      one "$side" "$bin" stat --obj-size 1KiB --objects 1000
      if [ "${ALL:-0}" = 1 ]; then
        one "$side" "$bin" multipart --part-size 16KiB --parts 10000
        one "$side" "$bin" get --obj-size 1KiB --objects 1000
      fi
    done
  done
} | tee "$out/lines"
echo "median server CPU-ms per request (ops/s):"
python3 - "$out/lines" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
for w in ("put", "stat", "multipart", "get"):
    for side in ("before", "after"):
        sel = [r for r in rows if r[0] == side and r[1] == w]
        if not sel:
            continue
        print(f'{w:5} {side:6} {statistics.median(float(r[2]) for r in sel):.3f} ({statistics.median(float(r[3]) for r in sel):.0f}) errors {sum(int(r[4]) for r in sel)}')
PY
