#!/usr/bin/env bash
# The server's CPU seconds per GB uploaded over plain HTTP (issue 4's performance figure).
#
# Starts a release `cairn server` on a fresh data folder, uploads SIZE_MIB with boto3's default
# checksums (signed payload SHA-256 + x-amz-checksum-crc32; the server adds the MD5 ETag) through
# ../shared/tools/bench/mpu_bench.py, and reads the server's utime/stime from /proc/PID/stat
# around the upload phase only (the server is already up and idle when the first sample is taken).
#
#   bench/server_cpu.sh [SIZE_MIB=1024] [CONCURRENCY=1] [PART_MIB=8]
#
# Set CAIRN=path/to/cairn to measure another build (default .build/release/cairn),
# CAIRN_SERVER_ARGS to pass more server options (e.g. --buffered-writes), and HTTPS=1 to serve
# HTTPS with a self-signed certificate made here (boto3 then sends aws-chunked bodies with a CRC32
# trailer and an unsigned payload: MD5 + CRC32 on the server, plus TLS).
set -euo pipefail
SIZE_MIB=${1:-1024}
CONC=${2:-1}
PART_MIB=${3:-8}
here=$(cd "$(dirname "$0")/.." && pwd)
CAIRN=${CAIRN:-$here/.build/release/cairn}
MPU=${MPU_BENCH:-$here/../shared/tools/bench/mpu_bench.py}
data=$(mktemp -d /tmp/cairn-cpu.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
scheme=http
tls_args=()
if [ "${HTTPS:-0}" = 1 ]; then
  scheme=https
  openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$data/key.pem" -out "$data/cert.pem" -days 1 2>/dev/null
  tls_args=(--tls-cert "$data/cert.pem" --tls-key "$data/key.pem")
  export AWS_CA_BUNDLE="$data/cert.pem"
fi
# shellcheck disable=SC2086 # CAIRN_SERVER_ARGS is a list of options
"$CAIRN" server --data "$data/d" --address "127.0.0.1:$port" --log-level error "${tls_args[@]}" ${CAIRN_SERVER_ARGS:-} &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null && break
  sleep 0.1
done
export AWS_ACCESS_KEY_ID=cairnadmin AWS_SECRET_ACCESS_KEY=cairnadmin-secret-key
# A small warm-up upload so that one-time costs (first connection, SQLite pages) are not counted.
python3 "$MPU" --endpoint "$scheme://127.0.0.1:$port" --size-mib 16 --part-mib 8 --cleanup > /dev/null
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14, $15}' "/proc/$pid/stat"; }
read -r u0 s0 < <(cpu)
python3 "$MPU" --endpoint "$scheme://127.0.0.1:$port" --size-mib "$SIZE_MIB" --part-mib "$PART_MIB" \
  --concurrency "$CONC" --json "$data/result.json" > /dev/null
read -r u1 s1 < <(cpu)
python3 - "$data/result.json" "$SIZE_MIB" "$ticks" "$u0" "$s0" "$u1" "$s1" <<'EOF'
import json, sys
res = json.load(open(sys.argv[1]))
size_mib, hz = int(sys.argv[2]), int(sys.argv[3])
u0, s0, u1, s1 = map(int, sys.argv[4:8])
gb = size_mib * 1048576 / 1e9
user, sys_ = (u1 - u0) / hz / gb, (s1 - s0) / hz / gb
print(f"UploadPart {size_mib} MiB: {res['parts_MBps']:.1f} MB/s; server CPU-s/GB user {user:.2f} system {sys_:.2f} total {user + sys_:.2f}")
EOF
