#!/bin/sh
# Usage counters on PostgreSQL: one row per bucket updated by every write (a hot row) versus an
# appended delta row per write (what PostgresUsageSchema does). pgbench, 16 clients writing
# object rows into ONE bucket, each transaction = insert an object row + count it, fsync on.
# Usage: bench/usage_counters_pg.sh [seconds]   (needs PostgreSQL's initdb, pg_ctl, pgbench)
set -eu
secs=${1:-10}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -r | head -1)
dir=$(mktemp -d /tmp/cairn-usage-bench-XXXX)
as=""
if [ "$(id -u)" = 0 ]; then chown nobody "$dir"; as="runuser -u nobody --"; fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$as "$bin/initdb" -D "$dir/data" -U bench --auth=trust -E UTF8 --locale=C >/dev/null
$as "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=50" start >/dev/null
trap '$as "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null; rm -rf "$dir"' EXIT
psql() { "$bin/psql" -h 127.0.0.1 -p "$port" -U bench -d postgres -q "$@"; }
psql -c "CREATE TABLE objects (bucket text, key text, size bigint, PRIMARY KEY (bucket, key))"
psql -c "CREATE TABLE usage_hot (bucket text PRIMARY KEY, objects bigint, bytes bigint)"
psql -c "INSERT INTO usage_hot VALUES ('b', 0, 0)"
psql -c "CREATE TABLE usage_deltas (id bigserial PRIMARY KEY, bucket text, objects bigint, bytes bigint)"
psql -c "CREATE INDEX ON usage_deltas (bucket)"
cat > "$dir/hot.sql" <<'SQL'
BEGIN;
INSERT INTO objects VALUES ('b', md5(random()::text), 1000);
UPDATE usage_hot SET objects = objects + 1, bytes = bytes + 1000 WHERE bucket = 'b';
COMMIT;
SQL
cat > "$dir/delta.sql" <<'SQL'
BEGIN;
INSERT INTO objects VALUES ('b', md5(random()::text), 1000);
INSERT INTO usage_deltas (bucket, objects, bytes) VALUES ('b', 1, 1000);
COMMIT;
SQL
cat > "$dir/none.sql" <<'SQL'
BEGIN;
INSERT INTO objects VALUES ('b', md5(random()::text), 1000);
COMMIT;
SQL
for kind in none hot delta; do
    printf '%-6s ' "$kind"
    "$bin/pgbench" -h 127.0.0.1 -p "$port" -U bench -n -c 16 -j 4 -T "$secs" -f "$dir/$kind.sql" postgres 2>/dev/null \
        | grep -E '^tps|latency average' | tr '\n' ' '
    echo
done
