-- #####################################################################################################################
-- citus/002_event_streaming.sql: streaming that is correct on Citus (docs/adr/0071, docs/scaling.md#streaming).
--
-- Applied on a Citus coordinator AFTER sql/002_event_streaming.sql (which creates the views' tables and the API) and
-- after the Citus variant of 001 (events distributed by decider_id). It changes what one global cursor gets wrong on
-- Citus and leaves the rest of 002 as it is. Safe to apply again (columns, tables, indexes and triggers only when
-- missing; functions replaced); records itself in schema_version as its last statement.
--
-- Why: on Citus the events of a view live in shards on several nodes, each node with its own transaction ids and its
-- own commit order, and offsets drawn wherever nextval runs. 002's cursor (one offset, holes resolved by the
-- coordinator's xmin) passes events that commit late on one node while another runs ahead: they are skipped for good.
--
-- Model here (docs/adr/0071):
--   * Every event row records the id of the top-level transaction of the node that stored it (events.node_xid), set
--     by a BEFORE INSERT trigger that runs on the shard, on the worker, whatever routed the insert there.
--   * Discovery is per node: one query per node (master_run_on_worker: its own connection, its own snapshot) reads
--     the node's shards of events and returns that snapshot. A cursor per (view, node) is that node's snapshot: the
--     next discovery of the node takes the events whose transaction is visible in the new snapshot and was not in
--     the cursor's (the snapshot-difference rule of PgQ). A transaction that commits late, on any node, is in the
--     xip list of the cursor until it commits, so it is found by the first discovery after its commit. Nothing
--     depends on offsets or on where they were drawn.
--   * A shard placement that is new to a node's cursor (first discovery, a shard moved here by the rebalancer, even
--     one moved away and back, a node with another system identifier) is read in full (its events created at or after the view's start_at): the
--     ids it carries are another node's. Discovering an event twice leaves a marker twice, which is harmless: what
--     is delivered is decided by the partition's acknowledged stream position, not by markers.
--   * The views' tables (views, view_positions, view_markers, view_node_cursors) are plain tables of the
--     coordinator: leasing is by view_positions' primary key with FOR UPDATE SKIP LOCKED (a single-table lock on the
--     coordinator, never a multi-shard one), and processors run against the coordinator.
--   * On Citus an offset is an id, not an order: everything that compared offsets of one stream (ranges of acks,
--     markers deleted by an ack or a lease, "is the partition held") compares stream positions instead.
--   * Wake-ups: no NOTIFY (writers send nothing, ADR 0014). last_offsets() is the highest offset and the highest
--     node_xid, one multi-shard query; an append that moves neither is seen at the processors' poll interval.
-- #####################################################################################################################

-- A trigger on a distributed table (events_node_xid) needs this; sequential DDL lets the functions below be
-- propagated in the same transaction as the ALTER TABLE (SchemaInstaller applies a file in one transaction). Both are
-- reset at the end of the file.
SET citus.enable_unsafe_triggers = on;
SET citus.multi_shard_modify_mode = 'sequential';

-- The id of the top-level transaction, on the node that stores the row, that inserted it. NULL for rows stored before
-- this file was applied: those are found by the first (full) discovery of each shard.
ALTER TABLE events
    ADD COLUMN IF NOT EXISTS "node_xid" xid8;

-- Runs on the shard (on the worker), in the worker's own transaction: pg_current_xact_id() is that node's top-level
-- id (assigned now if it was not), also when the row was inserted in a subtransaction.
CREATE OR REPLACE FUNCTION events_node_xid() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    NEW."node_xid" := pg_current_xact_id();
    RETURN NEW;
END;
$$;

DO
$$
    BEGIN
        IF NOT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = 'events'::regclass AND tgname = 'events_node_xid') THEN
            CREATE TRIGGER events_node_xid
                BEFORE INSERT
                ON events
                FOR EACH ROW
            EXECUTE FUNCTION events_node_xid();
        END IF;
        IF to_regclass('events_node_xid_idx') IS NULL THEN
            CREATE INDEX events_node_xid_idx ON events ("node_xid");
        END IF;
    END
$$;

-- The discovery cursor of each (view, node), as records that are only ever inserted: the latest one is the cursor.
-- Every committed record is a valid cursor by itself (its markers committed with it), so concurrent discoveries
-- never wait for each other; each prunes the records its own makes obsolete.
CREATE TABLE IF NOT EXISTS view_node_cursors
(
    "id"         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    "view"       TEXT                     NOT NULL,
    "generation" BIGINT                   NOT NULL,
    -- pg_dist_node.nodeid of the node read
    "nodeid"     INT                      NOT NULL,
    -- the node's system identifier when read: another server under the same node id starts afresh
    "sysid"      TEXT                     NOT NULL,
    -- the node's snapshot the shards were read in: every event of a transaction visible in it has a marker
    "snapshot"   pg_snapshot              NOT NULL,
    -- the placements (pg_dist_placement.placementid) of events' shards read on that node under this snapshot: a
    -- shard moved away and back has a new placement, read in full again
    "placements" BIGINT[]                 NOT NULL,
    "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp()
);

DO
$$
    BEGIN
        IF to_regclass('view_node_cursors_latest_idx') IS NULL THEN
            CREATE INDEX view_node_cursors_latest_idx ON view_node_cursors ("view", "generation", "nodeid", "id" DESC);
        END IF;
    END
$$;

-- A view deleted by hand takes its cursor records and markers with it (its positions go by the foreign key).
CREATE OR REPLACE FUNCTION views_deleted() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    DELETE FROM view_cursors WHERE "view" = OLD."view";
    DELETE FROM view_node_cursors WHERE "view" = OLD."view";
    DELETE FROM view_markers WHERE "view" = OLD."view";
    RETURN NULL;
END;
$$;

-- The last event of a stream (its offset, and whether it closed the stream), read on its shard: the seed's locks
-- view joined events in a lateral subquery, which Citus cannot plan beside the coordinator's tables.
CREATE OR REPLACE FUNCTION stream_head(v_decider TEXT, v_decider_id TEXT, OUT "offset" BIGINT, OUT "final" BOOLEAN)
    LANGUAGE plpgsql
    STABLE AS
$$
BEGIN
    EXECUTE 'SELECT e."offset", e."final" FROM events e WHERE e."decider_id" = $1 AND e."decider" = $2 '
                || 'ORDER BY e."decider_id", e."decider", e."stream_position" DESC LIMIT 1'
        INTO "offset", "final"
        USING v_decider_id, v_decider;
END;
$$;

-- The seed's locks table, as in 002, with each stream's last event read by stream_head.
CREATE OR REPLACE VIEW locks AS
SELECT p."view",
       p."decider_id",
       last."offset",
       COALESCE(p."position", v."start_offset")              AS "last_offset",
       COALESCE(p."locked_until", '-infinity'::timestamptz) AS "locked_until",
       last."final"                                          AS "offset_final",
       COALESCE(p."created_at", v."created_at")              AS "created_at",
       COALESCE(p."updated_at", v."updated_at")              AS "updated_at",
       p."decider"
FROM (SELECT pp."view", pp."decider", pp."decider_id", pp."position", pp."locked_until",
             pp."created_at", pp."updated_at"
      FROM view_positions pp
               JOIN views vv ON vv."view" = pp."view" AND vv."generation" = pp."generation"
      UNION ALL
      SELECT DISTINCT m."view", m."decider", m."decider_id", NULL::bigint, NULL::timestamptz,
                      NULL::timestamptz, NULL::timestamptz
      FROM view_markers m
               JOIN views vv ON vv."view" = m."view" AND vv."generation" = m."generation"
      WHERE NOT EXISTS (SELECT
                        FROM view_positions pp
                        WHERE pp."view" = m."view"
                          AND pp."decider" = m."decider"
                          AND pp."decider_id" = m."decider_id")) p
         JOIN views v ON v."view" = p."view"
         CROSS JOIN LATERAL stream_head(p."decider", p."decider_id") last;

-- The query that discovers, on one node, the events of the given shards: one statement, so its snapshot (returned
-- with the rows) is the one the rows were read in. v_incremental[i]: shard v_names[i] was read under v_snapshot on
-- this node before, so only transactions not visible in v_snapshot count; otherwise the shard is read in full.
CREATE OR REPLACE FUNCTION node_discovery_query(v_names TEXT[], v_incremental BOOLEAN[], v_snapshot pg_snapshot,
                                                v_start_at TIMESTAMP WITH TIME ZONE) RETURNS TEXT
    LANGUAGE plpgsql
    IMMUTABLE AS
$$
DECLARE
    v_parts TEXT[] := '{}';
    v_start TEXT   := CASE WHEN v_start_at = '-infinity' THEN 'TRUE'
                           ELSE format('e."created_at" >= %L::timestamptz', v_start_at) END;
BEGIN
    FOR i IN 1 .. COALESCE(cardinality(v_names), 0)
        LOOP
            v_parts := v_parts || format(
                    'SELECT e."decider", e."decider_id", e."offset", e."stream_position", e."node_xid" FROM %s e '
                        || 'WHERE %s%s', v_names[i], v_start,
                    CASE WHEN v_incremental[i]
                             THEN format(' AND e."node_xid" >= %L::xid8 AND NOT pg_visible_in_snapshot(e."node_xid", '
                                             || '%L::pg_snapshot)', pg_snapshot_xmin(v_snapshot), v_snapshot)
                         ELSE '' END);
        END LOOP;
    IF cardinality(v_parts) = 0 THEN
        v_parts := ARRAY ['SELECT NULL::text AS "decider", NULL::text AS "decider_id", NULL::bigint AS "offset", '
                              || 'NULL::bigint AS "stream_position", NULL::xid8 AS "node_xid" WHERE FALSE'];
    END IF;
    RETURN 'SELECT json_build_object(''sysid'', (SELECT system_identifier::text FROM pg_control_system()), '
               || '''snapshot'', pg_current_snapshot()::text, ''streams'', COALESCE((SELECT json_agg(s ORDER BY s.first) '
               || 'FROM (SELECT e."decider" AS d, e."decider_id" AS i, '
               || '(array_agg(e."offset" ORDER BY e."stream_position" DESC))[1] AS u, '
               || 'MAX(e."stream_position") AS up, MIN(e."stream_position") AS fp, '
               || 'MIN(e."node_xid"::text::numeric) AS first '
               || 'FROM (' || array_to_string(v_parts, ' UNION ALL ') || ') e '
               || 'GROUP BY e."decider", e."decider_id") s), ''[]''::json))';
END;
$$;

-- Discovers the view's new events on every node that holds shards of events, and leaves a marker for each partition
-- it saw. Returns the number of markers it left, or NULL when another consumer is discovering for this view right now
-- (it does the work). v_max is checked but not used: a snapshot difference is read whole. A node that cannot be reached is passed over (its events wait for the next discovery).
-- Called by stream_events and stream_event_batches; callable on its own. Writes only INSERTs (and deletes its own
-- obsolete cursor records): it never waits for another transaction.
CREATE OR REPLACE FUNCTION discover_events(v_view TEXT, v_max INT DEFAULT 10000) RETURNS BIGINT
    LANGUAGE plpgsql
    SET jit = off AS
$$
DECLARE
    v_row     views%ROWTYPE := registered_view(v_view);
    v_node    RECORD;
    v_cursor  view_node_cursors%ROWTYPE;
    v_query   TEXT;
    v_result  RECORD;
    v_found   JSON;
    v_markers BIGINT := 0;
    v_count   BIGINT;
    v_id      BIGINT;
    v_latest  TIMESTAMP WITH TIME ZONE;
BEGIN
    PERFORM require_range('max', v_max, 1, 100000);
    -- One discoverer at a time per view, as in 002 (a discovery older than 250 ms does not hold the others back).
    IF NOT pg_try_advisory_xact_lock(hashtextextended('fmodel discover ' || current_schema() || ' ' || v_view, 0)) THEN
        SELECT MAX(c."created_at") INTO v_latest
        FROM view_node_cursors c
        WHERE c."view" = v_view
          AND c."generation" = v_row.generation;
        IF v_latest > clock_timestamp() - INTERVAL '250 milliseconds' THEN
            RETURN NULL;
        END IF;
    END IF;

    FOR v_node IN SELECT n."nodeid", n."nodename", n."nodeport", array_agg(p."placementid" ORDER BY s."shardid") AS placements,
                         array_agg(shard_name(s."logicalrelid", s."shardid") ORDER BY s."shardid") AS names
                  FROM pg_dist_shard s
                           JOIN pg_dist_placement p ON p."shardid" = s."shardid" AND p."shardstate" = 1
                           JOIN pg_dist_node n ON n."groupid" = p."groupid" AND n."noderole" = 'primary'
                  WHERE s."logicalrelid" = 'events'::regclass
                  GROUP BY n."nodeid", n."nodename", n."nodeport"
                  ORDER BY n."nodeid"
        LOOP
            SELECT *
            INTO v_cursor
            FROM view_node_cursors c
            WHERE c."view" = v_view
              AND c."generation" = v_row.generation
              AND c."nodeid" = v_node.nodeid
            ORDER BY c."view", c."generation", c."nodeid", c."id" DESC
            LIMIT 1;
            FOR v_attempt IN 1 .. 2
                LOOP
                    v_query := node_discovery_query(
                            v_node.names,
                            ARRAY(SELECT v_cursor."id" IS NOT NULL AND pl = ANY (v_cursor.placements)
                                  FROM unnest(v_node.placements) WITH ORDINALITY u(pl, o)
                                  ORDER BY o),
                            COALESCE(v_cursor.snapshot, '1:1:'::pg_snapshot), v_row.start_at);
                    SELECT r."success", r."result"
                    INTO v_result
                    FROM master_run_on_worker(ARRAY [v_node.nodename], ARRAY [v_node.nodeport], ARRAY [v_query],
                                              FALSE) r;
                    EXIT WHEN NOT v_result.success;
                    v_found := v_result.result::json;
                    -- another server under this node id: its ids mean nothing to the cursor, read its shards in full
                    EXIT WHEN v_cursor."id" IS NULL OR v_cursor.sysid = (v_found ->> 'sysid');
                    v_cursor := NULL;
                END LOOP;
            IF NOT v_result.success THEN
                RAISE WARNING 'discover_events: node % (%:%) could not be read, its events wait: %', v_node.nodeid,
                    v_node.nodename, v_node.nodeport, v_result.result;
                CONTINUE;
            END IF;

            INSERT INTO view_markers ("view", "generation", "decider", "decider_id", "upto", "upto_position",
                                      "from_position")
            SELECT v_view, v_row.generation, s ->> 'd', s ->> 'i', (s ->> 'u')::bigint, (s ->> 'up')::bigint,
                   (s ->> 'fp')::bigint
            FROM json_array_elements(v_found -> 'streams') WITH ORDINALITY t(s, o)
            ORDER BY o;
            GET DIAGNOSTICS v_count = ROW_COUNT;
            v_markers := v_markers + v_count;
            IF v_count > 0 OR v_cursor."id" IS NULL OR v_cursor.placements IS DISTINCT FROM v_node.placements
                OR v_cursor.snapshot::text IS DISTINCT FROM (v_found ->> 'snapshot') THEN
                INSERT INTO view_node_cursors ("view", "generation", "nodeid", "sysid", "snapshot", "placements")
                VALUES (v_view, v_row.generation, v_node.nodeid, v_found ->> 'sysid',
                        (v_found ->> 'snapshot')::pg_snapshot, v_node.placements)
                RETURNING "id" INTO v_id;
                DELETE
                FROM view_node_cursors
                WHERE "id" IN (SELECT c."id"
                               FROM view_node_cursors c
                               WHERE c."view" = v_view
                                 AND c."nodeid" = v_node.nodeid
                                 AND c."id" < v_id
                               LIMIT 100 FOR UPDATE SKIP LOCKED);
            END IF;
        END LOOP;
    -- records and markers of an older generation left after reset_view (rare: none to find, one index probe)
    DELETE
    FROM view_node_cursors
    WHERE "id" IN (SELECT c."id"
                   FROM view_node_cursors c
                   WHERE c."view" = v_view
                     AND c."generation" < v_row.generation
                   LIMIT 100 FOR UPDATE SKIP LOCKED);
    DELETE
    FROM view_markers
    WHERE "id" IN (SELECT m."id"
                   FROM view_markers m
                   WHERE m."view" = v_view
                     AND m."generation" < v_row.generation
                   LIMIT 1000 FOR UPDATE SKIP LOCKED);
    RETURN v_markers;
END;
$$;

-- #####################################################################################################################
-- 002's API, where it compared offsets of one stream: stream positions instead (offsets are ids on Citus)
-- #####################################################################################################################

-- API: lease up to v_partitions pending partitions of the view, with up to v_events_per_partition consecutive events
-- of each, oldest work first (a hot stream is drained in a few calls, not one call per event). Each returned row is
-- an event (the columns of events, in the same order) plus its lease: the token to pass to ack_event / nack_event,
-- the attempt number (1 for a first delivery) and the lease's expiry. The lease lasts v_seconds, by default the
-- view's lock_timeout_s; v_consumer names the holder (release_leases gives back what a consumer held). Partitions
-- held by another consumer, parked or scheduled for later are skipped (FOR UPDATE SKIP LOCKED: concurrent consumers
-- never wait for each other). Acknowledge a batch with the offset of its last event.
-- Rows come partition by partition, each partition's events in stream order.
-- Example: SELECT * FROM stream_event_batches('view1', 10, 100);
CREATE OR REPLACE FUNCTION stream_event_batches(v_view TEXT, v_partitions INT DEFAULT 1,
                                                v_events_per_partition INT DEFAULT 100, v_seconds INT DEFAULT NULL,
                                                v_consumer TEXT DEFAULT NULL)
    RETURNS TABLE
            (
                "event"           TEXT,
                "event_id"        UUID,
                "event_version"   BIGINT,
                "decider"         TEXT,
                "decider_id"      TEXT,
                "data"            JSONB,
                "command_id"      UUID,
                "previous_id"     UUID,
                "final"           BOOLEAN,
                "created_at"      TIMESTAMP WITH TIME ZONE,
                "offset"          BIGINT,
                "lease"           BIGINT,
                "attempt"         INT,
                "locked_until"    TIMESTAMP WITH TIME ZONE,
                "stream_position" BIGINT
            )
    LANGUAGE plpgsql
    SET enable_seqscan = off
    SET jit = off AS
$$
#variable_conflict use_column
DECLARE
    v_row       views%ROWTYPE;
    v_timeout   INTERVAL;
    v_marker    RECORD;
    v_position  view_positions%ROWTYPE;
    v_head      RECORD;
    v_tried     TEXT[] := '{}';
    v_key       TEXT;
    v_leased    INT    := 0;
    v_events    events[];
    v_count     INT;
    v_last      events;
BEGIN
    PERFORM require_range('partitions', v_partitions, 1, 1000);
    PERFORM require_range('events_per_partition', v_events_per_partition, 1, 10000);
    PERFORM require_range('seconds', v_seconds, 1, 86400, TRUE);
    v_row := registered_view(v_view);
    v_timeout := make_interval(secs => COALESCE(v_seconds, v_row.lock_timeout_s));
    PERFORM discover_events(v_view);

    -- Oldest work first. Partitions held by another consumer or waiting for a retry are passed over by the join;
    -- parked ones are not, so that their markers go (see below).
    FOR v_marker IN SELECT m."decider", m."decider_id", p."view" IS NULL AS fresh
                    FROM view_markers m
                             LEFT JOIN view_positions p
                                       ON p."view" = m."view" AND p."decider" = m."decider"
                                           AND p."decider_id" = m."decider_id"
                    WHERE m."view" = v_view
                      AND m."generation" = v_row.generation
                      AND (p."view" IS NULL OR p."generation" <> v_row.generation
                        OR p."locked_until" <= clock_timestamp())
                    ORDER BY m."view", m."generation", m."id"
                    LIMIT 10000
        LOOP
            EXIT WHEN v_leased >= v_partitions;
            v_key := v_marker.decider || chr(1) || v_marker.decider_id;
            CONTINUE WHEN v_key = ANY (v_tried);
            v_tried := v_tried || v_key;

            -- the partition's pending work: from its first marker (where a new partition starts) to its latest
            SELECT MIN(m."from_position") AS from_position,
                   (array_agg(m."upto" ORDER BY m."upto_position" DESC))[1] AS upto,
                   MAX(m."upto_position") AS upto_position
            INTO v_head
            FROM view_markers m
            WHERE m."view" = v_view
              AND m."decider" = v_marker.decider
              AND m."decider_id" = v_marker.decider_id
              AND m."generation" = v_row.generation;
            CONTINUE WHEN v_head.upto IS NULL;

            v_position := NULL;
            IF NOT v_marker.fresh THEN
                SELECT *
                INTO v_position
                FROM view_positions p
                WHERE p."view" = v_view
                  AND p."decider" = v_marker.decider
                  AND p."decider_id" = v_marker.decider_id
                    FOR UPDATE SKIP LOCKED;
                -- held by another consumer (or gone with a reset); or leased since the markers were read, or waiting
                -- for a retry
                CONTINUE WHEN NOT FOUND OR v_position.locked_until > clock_timestamp();
            END IF;
            IF v_position."view" IS NULL OR v_position.generation <> v_row.generation THEN
                -- a new partition (or a row a reset view's old generation left): it starts before its first marker
                v_position.acked_position := v_head.from_position - 1;
                v_position.position := v_row.start_offset;
            ELSIF v_position.parked_at IS NOT NULL OR v_head.upto_position <= v_position.acked_position THEN
                -- parked (the row keeps the work, release_partition brings it back), or nothing new: the markers go
                UPDATE view_positions p
                SET "head"          = v_head.upto,
                    "head_position" = v_head.upto_position
                WHERE p."view" = v_view
                  AND p."decider" = v_marker.decider
                  AND p."decider_id" = v_marker.decider_id
                  AND p."head_position" < v_head.upto_position;
                DELETE
                FROM view_markers m
                WHERE m."view" = v_view
                  AND m."decider" = v_marker.decider
                  AND m."decider_id" = v_marker.decider_id
                  AND m."generation" = v_row.generation
                  AND m."upto_position" <= v_head.upto_position;
                CONTINUE;
            END IF;

            -- whole rows of the table's type (a router query cannot return an anonymous record)
            EXECUTE 'SELECT ARRAY(SELECT e FROM events e WHERE e."decider_id" = $1 AND e."decider" = $2 '
                        || 'AND e."stream_position" > $3 AND e."stream_position" <= $4 '
                        || 'ORDER BY e."decider_id", e."decider", e."stream_position" LIMIT $5)'
                INTO v_events
                USING v_marker.decider_id::text, v_marker.decider::text, v_position.acked_position::bigint,
                    v_head.upto_position::bigint, v_events_per_partition::int;
            v_count := COALESCE(cardinality(v_events), 0);
            CONTINUE WHEN v_count = 0;
            v_last := v_events[v_count];

            IF v_position."view" IS NULL THEN
                -- created leased, in one write; another consumer creating it at the same time holds this lock until
                -- its transaction ends (an INSERT would wait for it)
                CONTINUE WHEN NOT pg_try_advisory_xact_lock(hashtextextended(
                        'fmodel partition ' || current_schema() || ' ' || v_view || chr(1) || v_key, 0));
                INSERT INTO view_positions AS p ("view", "decider", "decider_id", "position", "acked_position",
                                                 "head", "head_position", "delivered_to", "delivered_position",
                                                 "lease", "locked_until", "leased_by", "attempts", "generation")
                VALUES (v_view, v_marker.decider, v_marker.decider_id, v_row.start_offset,
                        v_position.acked_position, v_head.upto, v_head.upto_position, v_last."offset",
                        v_last."stream_position", nextval('view_leases_seq'), clock_timestamp() + v_timeout,
                        v_consumer, 1, v_row.generation)
                ON CONFLICT DO NOTHING
                RETURNING * INTO v_position;
                -- created by another consumer since the markers were read: the next call takes it if it is free
                CONTINUE WHEN NOT FOUND;
            ELSE
                UPDATE view_positions p
                SET "position"           = CASE WHEN p."generation" = v_row.generation THEN p."position"
                                                ELSE v_row.start_offset END,
                    "acked_position"     = v_position.acked_position,
                    "locked_until"       = clock_timestamp() + v_timeout,
                    "lease"              = nextval('view_leases_seq'),
                    "leased_by"          = v_consumer,
                    "attempts"           = CASE WHEN p."generation" = v_row.generation THEN p."attempts" ELSE 0 END
                                               + 1,
                    "last_error"         = CASE WHEN p."generation" = v_row.generation THEN p."last_error" END,
                    "parked_at"          = CASE WHEN p."generation" = v_row.generation THEN p."parked_at" END,
                    "delivered_to"       = v_last."offset",
                    "delivered_position" = v_last."stream_position",
                    "head"               = CASE WHEN p."generation" = v_row.generation
                                                    AND p."head_position" >= v_head.upto_position THEN p."head"
                                                ELSE v_head.upto END,
                    "head_position"      = CASE WHEN p."generation" = v_row.generation
                                                    THEN GREATEST(p."head_position", v_head.upto_position)
                                                ELSE v_head.upto_position END,
                    "generation"         = v_row.generation,
                    "updated_at"         = NOW()
                WHERE p."view" = v_view
                  AND p."decider" = v_marker.decider
                  AND p."decider_id" = v_marker.decider_id
                RETURNING * INTO v_position;
            END IF;
            v_leased := v_leased + 1;
            RETURN QUERY SELECT e."event",
                                e."event_id",
                                e."event_version",
                                e."decider",
                                e."decider_id",
                                e."data",
                                e."command_id",
                                e."previous_id",
                                e."final",
                                e."created_at",
                                e."offset",
                                v_position.lease,
                                v_position.attempts,
                                v_position.locked_until,
                                e."stream_position"
                         FROM unnest(v_events) e
                         ORDER BY e."stream_position";
        END LOOP;
END;
$$;


-- The partition an ack or nack addresses, locked. Without v_decider: the decider of the event at v_offset (acks), or
-- the only decider with that decider_id the caller holds (nacks).
CREATE OR REPLACE FUNCTION held_position(v_view TEXT, v_decider_id TEXT, v_decider TEXT, v_offset BIGINT,
                                         v_lease BIGINT, v_operation TEXT)
    RETURNS view_positions
    LANGUAGE plpgsql
    SET enable_seqscan = off
    SET jit = off AS
$$
DECLARE
    v_row      views%ROWTYPE;
    v_position view_positions%ROWTYPE;
    v_count    INT;
BEGIN
    IF v_view IS NULL OR v_decider_id IS NULL THEN
        RAISE EXCEPTION '%: view and decider_id are required (got %, %)', v_operation, v_view, v_decider_id
            USING ERRCODE = 'VS005';
    END IF;
    SELECT * INTO v_row FROM views WHERE "view" = v_view;
    IF NOT FOUND THEN
        RAISE EXCEPTION '%: view % is not registered', v_operation, v_view USING ERRCODE = 'VS001';
    END IF;
    IF v_decider IS NULL AND v_offset IS NOT NULL THEN
        SELECT e."decider" INTO v_decider FROM events e WHERE e."offset" = v_offset AND e."decider_id" = v_decider_id;
        IF v_decider IS NULL THEN
            RAISE EXCEPTION '%: offset % is not an event of decider_id %', v_operation, v_offset, v_decider_id
                USING ERRCODE = 'VS003';
        END IF;
    END IF;
    IF v_decider IS NULL THEN
        SELECT count(*), MIN(p."decider")
        INTO v_count, v_decider
        FROM view_positions p
        WHERE p."view" = v_view
          AND p."decider_id" = v_decider_id
          AND p."generation" = v_row.generation
          AND p."delivered_position" > p."acked_position"
          AND (p."lease" = v_lease OR (v_lease IS NULL AND p."locked_until" > clock_timestamp()));
        IF v_count > 1 THEN
            RAISE EXCEPTION '%: several deciders share decider_id % in view %', v_operation, v_decider_id, v_view
                USING ERRCODE = 'VS006', HINT = 'pass the decider';
        ELSIF v_count = 0 THEN
            RAISE EXCEPTION '%: no partition with decider_id % is held in view %', v_operation, v_decider_id, v_view
                USING ERRCODE = 'VS002';
        END IF;
    END IF;
    SELECT *
    INTO v_position
    FROM view_positions p
    WHERE p."view" = v_view
      AND p."decider" = v_decider
      AND p."decider_id" = v_decider_id
        FOR UPDATE;
    IF NOT FOUND OR v_position.generation <> v_row.generation THEN
        IF EXISTS (SELECT FROM events e WHERE e."decider_id" = v_decider_id AND e."decider" = v_decider) THEN
            -- a stream of the log whose events were never leased (or not since the view was reset)
            RAISE EXCEPTION '%: partition (%, %) of view % is not held (never delivered, or the view was reset)',
                v_operation, v_decider, v_decider_id, v_view USING ERRCODE = 'VS002',
                HINT = 'roll back and fetch again';
        END IF;
        RAISE EXCEPTION '%: view % has no partition (%, %)', v_operation, v_view, v_decider, v_decider_id
            USING ERRCODE = 'VS004', HINT = 'no such stream in the log';
    END IF;
    IF v_lease IS NOT NULL AND v_lease <> v_position.lease THEN
        RAISE EXCEPTION '%: lease % on partition (%, %) of view % is lost: it was leased again (lease %)', v_operation,
            v_lease, v_decider, v_decider_id, v_view, v_position.lease USING ERRCODE = 'VS002',
            HINT = 'another consumer took the partition over after the lease expired: roll back and fetch again';
    END IF;
    IF v_position.delivered_position <= v_position.acked_position
        OR (v_lease IS NULL AND v_position.locked_until <= clock_timestamp()) THEN
        RAISE EXCEPTION '%: partition (%, %) of view % is not held (lease expired or already acknowledged)',
            v_operation, v_decider, v_decider_id, v_view USING ERRCODE = 'VS002',
            HINT = 'roll back and fetch again';
    END IF;
    RETURN v_position;
END;
$$;

-- API: acknowledge that the view processed its partition up to and including v_offset, and release the partition.
-- Fenced: with v_lease (the token stream_events returned), only that lease is accepted; without it, only while the
-- partition is held. v_offset must lie in the delivered range (position, delivered_to]: the position never moves
-- backwards and never skips an undelivered event. Anything else raises (VS002, VS003, VS004). Call it in the same
-- transaction as the view update for an exactly-once effect.
-- Example: SELECT * FROM ack_event('view1', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002', 1);
CREATE OR REPLACE FUNCTION ack_event(v_view TEXT, v_decider_id TEXT, v_offset BIGINT, v_decider TEXT DEFAULT NULL,
                                     v_lease BIGINT DEFAULT NULL)
    RETURNS SETOF view_positions
    LANGUAGE plpgsql
    SET enable_seqscan = off
    SET jit = off AS
$$
DECLARE
    v_position view_positions%ROWTYPE;
    v_acked    BIGINT;
BEGIN
    IF v_offset IS NULL THEN
        RAISE EXCEPTION 'ack_event: offset is required' USING ERRCODE = 'VS005';
    END IF;
    v_position := held_position(v_view, v_decider_id, v_decider, v_offset, v_lease, 'ack_event');
    SELECT e."stream_position"
    INTO v_acked
    FROM events e
    WHERE e."offset" = v_offset
      AND e."decider" = v_position.decider
      AND e."decider_id" = v_decider_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'ack_event: offset % is not an event of partition (%, %)', v_offset, v_position.decider,
            v_decider_id USING ERRCODE = 'VS003';
    END IF;
    IF v_acked <= v_position.acked_position OR v_acked > v_position.delivered_position THEN
        RAISE EXCEPTION 'ack_event: offset % (stream position %) is outside the delivered range (%, %] of partition '
                            '(%, %) in view %', v_offset, v_acked, v_position.acked_position,
            v_position.delivered_position, v_position.decider, v_decider_id, v_view USING ERRCODE = 'VS003';
    END IF;
    DELETE
    FROM view_markers m
    WHERE m."view" = v_view
      AND m."decider" = v_position.decider
      AND m."decider_id" = v_decider_id
      AND m."generation" = v_position.generation
      AND m."upto_position" <= v_acked;
    RETURN QUERY UPDATE view_positions
        SET "position"           = v_offset,
            "acked_position"     = v_acked,
            "delivered_to"       = v_offset,
            "delivered_position" = v_acked,
            "head"               = CASE WHEN "head_position" >= v_acked THEN "head" ELSE v_offset END,
            "head_position"      = GREATEST("head_position", v_acked),
            "locked_until"       = clock_timestamp(),
            "leased_by"          = NULL,
            "attempts"           = 0,
            "last_error"         = NULL,
            "updated_at"         = NOW()
        WHERE "view" = v_view
          AND "decider" = v_position.decider
          AND "decider_id" = v_decider_id
        RETURNING *;
END;
$$;

-- API: extend the leases consumer v_consumer holds to v_seconds from now: a consumer that works through a long batch
-- keeps its partitions while it works, with short leases that end soon after it stops. Deliveries only: an
-- acknowledged or released partition is not leased again by this. Never waits for a locked row. Returns the number
-- of leases extended.
-- Example: SELECT extend_leases('view1', 'billing-7f3a:0', 10);
CREATE OR REPLACE FUNCTION extend_leases(v_view TEXT, v_consumer TEXT, v_seconds INT) RETURNS INT
    LANGUAGE plpgsql
    SET enable_seqscan = off
    SET jit = off AS
$$
DECLARE
    v_count INT;
BEGIN
    PERFORM require_view_name(v_view);
    PERFORM require_range('seconds', v_seconds, 1, 86400);
    IF v_consumer IS NULL THEN
        RAISE EXCEPTION 'extend_leases: consumer is required' USING ERRCODE = 'VS005';
    END IF;
    UPDATE view_positions p
    SET "locked_until" = clock_timestamp() + make_interval(secs => v_seconds)
    WHERE (p."view", p."decider", p."decider_id") IN (SELECT h."view", h."decider", h."decider_id"
                                                      FROM view_positions h
                                                      WHERE h."view" = v_view
                                                        AND h."leased_by" = v_consumer
                                                        AND h."delivered_position" > h."acked_position"
                                                          FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;

-- API: on Citus, what a consumer waiting for work polls: the highest offset (drawn) and the highest node transaction
-- id (visible) of the events, one multi-shard query of two index probes per shard; no lock, nothing written. Either
-- changes when something may have been appended; an append that moves neither (its offset and its node's id below
-- those of another node) is seen at the processors' own poll interval. No NOTIFY: a NOTIFY on a worker never reaches
-- the coordinator's listeners, and one in a transaction of two workers cannot commit.
-- Example: SELECT * FROM last_offsets();
CREATE OR REPLACE FUNCTION last_offsets(OUT drawn BIGINT, OUT visible BIGINT)
    LANGUAGE plpgsql
    STABLE
    SET jit = off AS
$$
BEGIN
    SELECT COALESCE(MAX(e."offset"), 0), COALESCE(MAX(e."node_xid")::text::bigint, 0)
    INTO drawn, visible
    FROM events e;
END;
$$;

-- API: the lag of a view on Citus: the events discovered and not processed yet (pending in its partitions, parked
-- ones included). Events not discovered yet are not counted: discovery runs on every fetch (stream_event_batches),
-- and counting them would need a query per node.
-- Example: SELECT view_lag('view1');
CREATE OR REPLACE FUNCTION view_lag(v_view TEXT)
    RETURNS BIGINT
    LANGUAGE plpgsql
    STABLE
    SET jit = off AS
$$
DECLARE
    v_row views%ROWTYPE := registered_view(v_view);
BEGIN
    RETURN COALESCE((SELECT sum(GREATEST(0, GREATEST(m.upto_position, p."head_position")
                                               - COALESCE(p."acked_position", m.from_position - 1)))
                     FROM (SELECT mm."decider", mm."decider_id", MAX(mm."upto_position") AS upto_position,
                                  MIN(mm."from_position") AS from_position
                           FROM view_markers mm
                           WHERE mm."view" = v_view
                             AND mm."generation" = v_row.generation
                           GROUP BY mm."decider", mm."decider_id") m
                              LEFT JOIN view_positions p
                                        ON p."view" = v_view AND p."decider" = m."decider"
                                            AND p."decider_id" = m."decider_id"
                                            AND p."generation" = v_row.generation), 0)
        + COALESCE((SELECT sum(p."head_position" - p."acked_position")
                    FROM view_positions p
                    WHERE p."view" = v_view
                      AND p."parked_at" IS NOT NULL
                      AND p."generation" = v_row.generation
                      AND NOT EXISTS (SELECT
                                      FROM view_markers m
                                      WHERE m."view" = v_view
                                        AND m."decider" = p."decider"
                                        AND m."decider_id" = p."decider_id"
                                        AND m."generation" = v_row.generation)), 0);
END;
$$;

RESET citus.multi_shard_modify_mode;
RESET citus.enable_unsafe_triggers;

INSERT INTO schema_version ("file")
VALUES ('citus/002_event_streaming.sql')
ON CONFLICT DO NOTHING;
