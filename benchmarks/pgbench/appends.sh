#!/usr/bin/env bash
# Appends through the SQL API against the physical limit (a plain one-row INSERT of the same payload), with pgbench,
# on one PostgreSQL server: ours (sql/) and, when its schema is at hand, the fstore-sql seed's, side by side, in
# interleaved rounds, from a prefilled store. Prints one markdown table: median transactions per second per client
# count, and each append's ratio to the INSERT of the same round.
#
#   benchmarks/pgbench/appends.sh [--seconds S] [--rounds R] [--clients "1 2 4 8"] [--prefill EVENTS]
#                                 [--seed-schema FILE] [--variants "insert ours-continue ours-new seed-continue seed-new"]
#                                 [--protocol prepared|extended]
#
# Connects with the usual PG* environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD) and creates (drops first)
# the databases fmodel_bench_ours and fmodel_bench_seed. --seed-schema is the seed's schema as SQL, or a page copy
# whose SQL starts at its first "-- ####" line (../shared/seeds/002_*.txt in this workplace); without it, the seed's
# columns are left out. Needs psql and pgbench on the PATH (Debian: postgresql-client-15, postgresql-contrib).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
sql_dir=$(cd "$here/../../sql" && pwd)
seconds=10
rounds=3
clients="1 2 4 8"
prefill=100000
seed_schema=""
variants=""
protocol=prepared # pgbench -M: prepared = named server-side statements; extended = unnamed (pgjdbc prepareThreshold=0)
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --prefill) prefill=$2; shift 2 ;;
    --seed-schema) seed_schema=$2; shift 2 ;;
    --variants) variants=$2; shift 2 ;;
    --protocol) protocol=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ -z "$variants" ]; then
  variants="insert ours-continue ours-new"
  [ -n "$seed_schema" ] && variants="$variants seed-continue seed-new"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
payload='{"accountId": "abcdefghijklmnopqrstuvwxyz", "amount": 12345, "note": "a payload of about two hundred bytes of json, as the seed measurements used for their plain INSERT and their appends, xxxxxxxxxx"}'

psql_db() { psql -X -q -v ON_ERROR_STOP=1 -d "$1" "${@:2}"; }

# ------------------------------------------------------------------------------------------------------ the stores
setup() { # db schema-files... : a fresh database with the store, the physical-limit table and a prefilled log
  local db=$1; shift
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
  for f in "$@"; do psql_db "$db" -f "$f" >/dev/null 2>"$work/setup.err" || { cat "$work/setup.err" >&2; exit 1; }; done
  psql_db "$db" >/dev/null <<SQL
SELECT * FROM register_decider_event('d', 'e', 'bench', 1);
CREATE TABLE physical_limit (event_id UUID PRIMARY KEY, data JSONB NOT NULL, n BIGSERIAL);
SQL
}

# $prefill events (100,000 by default) in a tenth as many streams, through the API, ten per stream; the stream id of
# the i-th event is the SQL expression $2
prefill() { # db stream-id-expression
  psql_db "$1" >/dev/null <<SQL
DO \$\$
DECLARE prev UUID[] := array_fill(NULL::uuid, ARRAY[$prefill / 10]); id UUID;
BEGIN
  FOR i IN 0 .. $prefill - 1 LOOP
    id := gen_random_uuid();
    PERFORM append_event('e', id, 'd', $2, '$payload', gen_random_uuid(), prev[i % ($prefill / 10) + 1], 1);
    prev[i % ($prefill / 10) + 1] := id;
  END LOOP;
END \$\$;
VACUUM ANALYZE;
SQL
}

setup fmodel_bench_ours "$sql_dir"/0*.sql
prefill fmodel_bench_ours "'prefill-' || (i % ($prefill / 10))"

if [ -n "$seed_schema" ]; then
  sed -n '/^-- ####/,$p' "$seed_schema" > "$work/seed.sql"
  setup fmodel_bench_seed "$work/seed.sql"
  prefill fmodel_bench_seed "md5('prefill-' || (i % ($prefill / 10)))::uuid"
fi

# ----------------------------------------------------------------------------------------------- the pgbench scripts
# Continuing a stream: each client appends to its own stream, chained by the event id it got back (\gset); its first
# transaction of a run finds the stream's last event (prev starts as the nil UUID). Stream ids are hashes, spread over
# the index as real ids are (the seed's are UUIDs made from the same hashes).
cat > "$work/insert.sql" <<SQL
INSERT INTO physical_limit (event_id, data) VALUES (gen_random_uuid(), '$payload');
SQL
cat > "$work/ours-continue.sql" <<SQL
SELECT event_id AS prev FROM append_event('e', gen_random_uuid(), 'd', md5('client-' || :client_id), '$payload',
    gen_random_uuid(), COALESCE(NULLIF(:prev, '00000000-0000-0000-0000-000000000000')::uuid,
                                (SELECT event_id FROM get_last_event(md5('client-' || :client_id), 'd'))), 1) \gset
SQL
cat > "$work/ours-new.sql" <<SQL
SELECT 1 FROM append_event('e', gen_random_uuid(), 'd', gen_random_uuid()::text, '$payload', gen_random_uuid(), NULL, 1);
SQL
cat > "$work/seed-continue.sql" <<SQL
SELECT event_id AS prev FROM append_event('e', gen_random_uuid(), 'd', md5('client-' || :client_id)::uuid, '$payload',
    gen_random_uuid(), COALESCE(NULLIF(:prev, '00000000-0000-0000-0000-000000000000')::uuid,
                                (SELECT event_id FROM get_last_event(md5('client-' || :client_id)::uuid, 'd'))), 1) \gset
SQL
cat > "$work/seed-new.sql" <<SQL
SELECT 1 FROM append_event('e', gen_random_uuid(), 'd', gen_random_uuid(), '$payload', gen_random_uuid(), NULL, 1);
SQL

database_of() { case "$1" in seed-*) echo fmodel_bench_seed ;; *) echo fmodel_bench_ours ;; esac; }

tps() { # variant clients
  pgbench -n -M "$protocol" -c "$2" -j "$2" -T "$seconds" -D prev=00000000-0000-0000-0000-000000000000 \
    -f "$work/$1.sql" "$(database_of "$1")" 2>"$work/pgbench.err" | sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
}

# ------------------------------------------------------------------------------------------------------- the rounds
declare -A results
for ((r = 1; r <= rounds; r++)); do
  for c in $clients; do
    order=$variants
    if [ $((r % 2)) -eq 0 ]; then order=$(echo "$variants" | tr ' ' '\n' | tac | tr '\n' ' '); fi
    for v in $order; do
      t=$(tps "$v" "$c")
      [ -n "$t" ] || { echo "pgbench failed for $v at $c clients:" >&2; cat "$work/pgbench.err" >&2; exit 1; }
      results[$v,$c]="${results[$v,$c]:-} $t"
      echo "round $r, $c clients, $v: $t tps" >&2
    done
    # the ratio to the INSERT of this round
    for v in $variants; do
      [ "$v" = insert ] && continue
      a=$(echo "${results[$v,$c]}" | awk '{print $NF}')
      i=$(echo "${results[insert,$c]}" | awk '{print $NF}')
      results[ratio-$v,$c]="${results[ratio-$v,$c]:-} $(awk -v a="$a" -v i="$i" 'BEGIN { printf "%.3f", a / i }')"
    done
  done
done

median() { echo "$@" | tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR] = $1} END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

server=$(psql -X -At -d fmodel_bench_ours -c "SELECT version()")
settings=$(psql -X -At -d fmodel_bench_ours -c "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'wal_level', 'max_connections')")
echo
echo "pgbench appends, $(date -u +%Y-%m-%dT%H:%M:%SZ): $rounds interleaved rounds of $seconds s per variant and client count, medians; pgbench -M $protocol; prefill $prefill events in $((prefill / 10)) streams"
echo "Server: $server; $settings; $(nproc) cores"
echo
header="| transactions per second | $(for c in $clients; do printf '%s clients | ' "$c"; done)"
echo "${header% }"
echo "|---|$(for c in $clients; do printf -- '---|'; done)"
for v in $variants; do
  row="| $v |"
  for c in $clients; do
    if [ "$v" = insert ]; then
      row="$row $(median ${results[$v,$c]}) |"
    else
      row="$row $(median ${results[$v,$c]}) ($(median ${results[ratio-$v,$c]})) |"
    fi
  done
  echo "$row"
done
echo
echo "In brackets: the median of the per-round ratios to the INSERT of the same round."
