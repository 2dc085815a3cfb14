#!/usr/bin/env bash
# What an append costs, step by step: copies of the store with one step removed, measured side by side in interleaved
# rounds, against a plain one-row INSERT of the same payload.
#   server us: the time one append takes on the server, in a DO loop of N appends continuing one stream (no client,
#              no network, no commit)
#   WAL bytes: written per append transaction, with its commit (pg_stat_wal), from pgbench at one client
#   tps 1 / tps 8: pgbench transactions per second at 1 and 8 clients, each continuing its own stream
#
#   benchmarks/pgbench/append-steps.sh [--rounds R] [--appends N] [--seconds S]
# Connects with the PG* environment variables; creates (drops first) databases fmodel_steps_*.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sql_dir=$(cd "$here/../../sql" && pwd)
rounds=5
appends=500
seconds=5
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --appends) appends=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
payload='{"accountId": "abcdefghijklmnopqrstuvwxyz", "amount": 12345, "note": "a payload of about two hundred bytes of json, as the seed measurements used for their plain INSERT and their appends, xxxxxxxxxx"}'

# name | what is removed | SQL run after the schema | how an append is written
variants=(
  "store|nothing: the store as shipped (append_event)||api"
  "direct_insert|the API function: a direct INSERT, checked by the trigger alone||direct"
  "no_check|the trigger: a direct INSERT with the offset and position it would assign|ALTER TABLE events DISABLE TRIGGER events_check|raw"
  "no_command_idx|the trigger and events_command_idx (idempotency)|ALTER TABLE events DISABLE TRIGGER events_check; DROP INDEX events_command_idx|raw"
  "no_event_id_key|the trigger, events_command_idx and the unique event_id|ALTER TABLE events DISABLE TRIGGER events_check; DROP INDEX events_command_idx; ALTER TABLE events DROP CONSTRAINT events_event_id_key|raw"
  "insert|everything: the plain INSERT into a table with a uuid key||plain"
)

body() { # how an append is written, in a DO loop or in pgbench
  case "$1" in
    api) echo "id := gen_random_uuid(); PERFORM append_event('e', id, 'd', s, '$payload', gen_random_uuid(), prev, 1); prev := id;" ;;
    direct) echo "id := gen_random_uuid(); INSERT INTO events (event, event_id, decider, decider_id, data, command_id, previous_id) VALUES ('e', id, 'd', s, '$payload', gen_random_uuid(), prev); prev := id;" ;;
    raw) echo "id := gen_random_uuid(); INSERT INTO events (event, event_id, decider, decider_id, data, command_id, previous_id, \"offset\", stream_position) VALUES ('e', id, 'd', s, '$payload', gen_random_uuid(), prev, nextval('events_offset_seq'), i); prev := id;" ;;
    plain) echo "INSERT INTO physical_limit (event_id, data) VALUES (gen_random_uuid(), '$payload');" ;;
  esac
}
# One pgbench transaction, each client continuing a stream of its own (a new one per run: :run), chained by what the
# previous transaction returned (\gset); stream ids are hashes, spread over the index as real ids are.
script() {
  local stream="md5(:run || '-' || :client_id)"
  local prev="NULLIF(:prev, '00000000-0000-0000-0000-000000000000')::uuid"
  case "$1" in
    api) echo "SELECT event_id AS prev FROM append_event('e', gen_random_uuid(), 'd', $stream, '$payload', gen_random_uuid(), $prev, 1) \\gset" ;;
    direct) echo "INSERT INTO events (event, event_id, decider, decider_id, data, command_id, previous_id) VALUES ('e', gen_random_uuid(), 'd', $stream, '$payload', gen_random_uuid(), $prev) RETURNING event_id AS prev \\gset" ;;
    raw) echo "INSERT INTO events (event, event_id, decider, decider_id, data, command_id, previous_id, \"offset\", stream_position) VALUES ('e', gen_random_uuid(), 'd', $stream, '$payload', gen_random_uuid(), $prev, nextval('events_offset_seq'), :pos + 1) RETURNING event_id AS prev, stream_position AS pos \\gset" ;;
    plain) echo "INSERT INTO physical_limit (event_id, data) VALUES (gen_random_uuid(), '$payload');" ;;
  esac
}

for v in "${variants[@]}"; do
  IFS='|' read -r name what after kind <<<"$v"
  db=fmodel_steps_$name
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
  for f in "$sql_dir"/0*.sql; do psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$f" >/dev/null 2>&1; done
  psql -X -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null <<SQL
SELECT * FROM register_decider_event('d', 'e', '', 1);
CREATE TABLE physical_limit (event_id UUID PRIMARY KEY, data JSONB NOT NULL, n BIGSERIAL);
$after;
SQL
  script "$kind" > "$work/$name.sql"
done

server_us() { # db kind
  psql -X -q -d "$1" 2>&1 >/dev/null <<SQL | sed -n 's/.*us=\([0-9.]*\).*/\1/p'
DO \$\$ DECLARE t0 timestamptz; prev uuid; id uuid; s text := 'srv-' || md5(random()::text);
BEGIN
  t0 := clock_timestamp();
  FOR i IN 1..$appends LOOP $(body "$2") END LOOP;
  RAISE NOTICE 'us=%', extract(epoch FROM clock_timestamp() - t0) * 1e6 / $appends;
END \$\$;
SQL
}
pgbench_run() { # db script clients: pgbench's report
  pgbench -n -M prepared -c "$3" -j "$3" -T "$seconds" -D prev=00000000-0000-0000-0000-000000000000 -D pos=0 \
    -D run="$RANDOM$RANDOM" -f "$2" "$1" 2>"$work/pgbench.err" || { cat "$work/pgbench.err" >&2; exit 1; }
}
wal() { psql -X -At -d postgres -c "SELECT wal_bytes FROM pg_stat_wal"; }

declare -A us t1 t8 walb
for ((r = 1; r <= rounds; r++)); do
  order=("${variants[@]}")
  if [ $((r % 2)) -eq 0 ]; then mapfile -t order < <(printf '%s\n' "${variants[@]}" | tac); fi
  for v in "${order[@]}"; do
    IFS='|' read -r name what after kind <<<"$v"
    db=fmodel_steps_$name
    us[$name]="${us[$name]:-} $(server_us "$db" "$kind")"
    w0=$(wal)
    n=$(pgbench_run "$db" "$work/$name.sql" 1 | sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p')
    w1=$(wal)
    walb[$name]="${walb[$name]:-} $(( (w1 - w0) / n ))"
    t1[$name]="${t1[$name]:-} $(( n / seconds ))"
    t8[$name]="${t8[$name]:-} $(pgbench_run "$db" "$work/$name.sql" 8 | sed -n 's/^tps = \([0-9.]*\) .*/\1/p')"
    echo "round $r: $name" >&2
  done
done

median() { echo "$@" | tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR] = $1} END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
echo
echo "append steps, $(date -u +%Y-%m-%dT%H:%M:%SZ): $rounds interleaved rounds, medians; $(psql -X -At -d postgres -c "SELECT version()" | cut -d, -f1); $(psql -X -At -d postgres -c "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit')"); $(nproc) cores"
echo
echo "| copy | removed | server us per append | WAL bytes per transaction | tps, 1 client | tps, 8 clients |"
echo "|---|---|---|---|---|---|"
for v in "${variants[@]}"; do
  IFS='|' read -r name what after kind <<<"$v"
  printf '| %s | %s | %.1f | %s | %s | %.0f |\n' "$name" "$what" "$(median ${us[$name]})" "$(median ${walb[$name]})" "$(median ${t1[$name]})" "$(median ${t8[$name]})"
done
