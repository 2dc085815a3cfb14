-- #####################################################################################################################
-- 002_event_streaming.sql: the event-streaming half of the event store (views, partitions, leases, acks).
--
-- Applied after 001_event_sourcing.sql, like it: by psql in file-name order or by io.fmodel.postgres.SchemaInstaller.
-- Safe to apply again on a running store (tables, indexes and triggers only when missing; functions replaced);
-- records itself in schema_version as its last statement.
--
-- Model (docs/streaming.md, docs/adr/0010..0013):
--   * A view is a named consumer group. A partition is one stream, (decider, decider_id). Events of one partition
--     are delivered in stream order, to one consumer at a time; different partitions are processed concurrently.
--   * Discovery moves the view's cursor over the log and leaves, for each stream it saw, a marker: "this stream has
--     events up to offset u". It only ever INSERTs (cursor records in view_cursors, markers in view_markers): it never
--     waits for a consumer, and holds nothing another consumer needs, whatever transaction it runs in.
--   * The cursor passes an offset only once the transaction that drew it has ended (docs/adr/0011): a visible offset
--     has committed; at a hole, the view records the highest visible offset and a transaction id assigned after it
--     was read, and passes the holes below once every transaction older than that id has ended.
--   * view_positions holds one row per (view, partition) that was ever leased: the last acknowledged event
--     (position), the lease (token, delivered range, expiry, holder), attempts and parking. Leasing takes the oldest
--     marker's partition, locks its row (FOR UPDATE SKIP LOCKED: consumers never wait for each other) and delivers the
--     events after its position; acknowledging moves the position and deletes the markers it covers.
--   * Fencing: every lease has a token, unique for the database (view_leases_seq). An ack or nack with a token is
--     accepted only for that lease; without a token (seed-style calls) only while the lease is held. An ack names an
--     event inside the delivered range: the position never moves backwards or skips.
--   * Writers never touch any of this, and send nothing: consumers that wait for work poll last_offsets() (two index
--     probes, no lock), one poller per application process (docs/adr/0014).
--
-- Errors raised by this file carry their own SQLSTATEs (class 'VS'):
--   VS001 unknown view: register it first with register_view
--   VS002 lease lost: the partition is not held by the caller (expired, re-leased to another consumer, or never
--         delivered); the caller must drop its work (roll back) and fetch again
--   VS003 invalid offset: the offset is not inside the delivered range (position, delivered_to] of the partition,
--         or is not an event of that partition
--   VS004 unknown partition: the view has no such partition (none of its events was leased yet, or the view was reset)
--   VS005 required value is null or invalid: an empty or too long view name (1..128 bytes), a number out of range
--   VS006 ambiguous partition: several deciders share this decider_id in the view; pass the decider
--
-- Ranges: lock_timeout_s and lease seconds 1..86400; pooling_delay_s NULL or 0..86400; stream_events' limit and
-- stream_event_batches' partitions 1..1000; events per partition 1..10000; nack delay 0..86400000 ms.
-- #####################################################################################################################

-- The registry of views (consumer groups). The seed's columns first; start_offset and generation are ours.
CREATE TABLE IF NOT EXISTS views
(
    -- view identifier/name
    "view"              TEXT                     NOT NULL PRIMARY KEY,
    -- the point in time the view starts at: it delivers the events after start_offset
    "start_at"          TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    -- how long a consumer holds a partition it fetched, unless it passes its own seconds to stream_events
    "lock_timeout_s"    BIGINT                   NOT NULL DEFAULT 300,
    -- polling interval for clients that poll (NULL: the client chooses)
    "pooling_delay_s"   BIGINT                            DEFAULT NULL,
    -- the endpoint push delivery POSTs the events to (HttpDeliveryProcessor, sql/optional/push_pg_cron_pg_net.sql)
    "edge_function_url" TEXT                              DEFAULT NULL,
    "created_at"        TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    "updated_at"        TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    -- the events at or below this offset are not delivered: the last offset before the first event created at or
    -- after start_at, when the view was registered (or reset)
    "start_offset"      BIGINT                   NOT NULL DEFAULT 0,
    -- incremented by reset_view: cursor records, markers and positions of an older generation count for nothing
    "generation"        BIGINT                   NOT NULL DEFAULT 1,
    CONSTRAINT views_view_length CHECK (octet_length("view") BETWEEN 1 AND 128),
    CONSTRAINT views_lock_timeout_range CHECK ("lock_timeout_s" BETWEEN 1 AND 86400),
    CONSTRAINT views_pooling_delay_range CHECK ("pooling_delay_s" BETWEEN 0 AND 86400)
);

-- The discovery cursor of each view, as records that are only ever inserted: the latest one (highest
-- discovered_to) is the cursor. Concurrent discoveries each insert their own, so none waits for another's
-- transaction; each prunes the records its own makes obsolete.
CREATE TABLE IF NOT EXISTS view_cursors
(
    "id"            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    "view"          TEXT                     NOT NULL,
    "generation"    BIGINT                   NOT NULL,
    -- every event at or below this offset has a marker, was delivered, or is a hole that can no longer commit
    "discovered_to" BIGINT                   NOT NULL,
    -- a hole was seen above discovered_to: the highest offset visible then ...
    "gap_upto"      BIGINT,
    -- ... and a transaction id assigned after it was read: once every transaction below it has ended
    -- (pg_snapshot_xmin reaches it), no offset at or below gap_upto can commit any more
    "gap_bound"     xid8,
    "created_at"    TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp()
);

-- Work for the view: "partition (decider, decider_id) has events up to upto", one row per partition per discovery.
-- Inserted by discovery, deleted by the partition's holder when it acknowledges past them. Idempotent: several
-- markers of one partition mean the same thing as the highest.
CREATE TABLE IF NOT EXISTS view_markers
(
    "id"            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    "view"          TEXT   NOT NULL,
    "generation"    BIGINT NOT NULL,
    "decider"       TEXT   NOT NULL,
    "decider_id"    TEXT   NOT NULL,
    -- the offset and stream position of the partition's last event the discovery saw
    "upto"          BIGINT NOT NULL,
    "upto_position" BIGINT NOT NULL,
    -- the stream position of its first event the discovery saw (where a new partition starts)
    "from_position" BIGINT NOT NULL
);

-- One row per (view, partition) that was ever leased: where the view is in that stream, and who holds it.
CREATE TABLE IF NOT EXISTS view_positions
(
    "view"               TEXT                     NOT NULL REFERENCES views ("view") ON DELETE CASCADE,
    "decider"            TEXT                     NOT NULL,
    "decider_id"         TEXT                     NOT NULL,
    -- the offset of the last acknowledged event of this stream (the view's start_offset when none was)
    "position"           BIGINT                   NOT NULL,
    -- its stream position (0, or the position before the first event the view delivers: nothing acknowledged)
    "acked_position"     BIGINT                   NOT NULL,
    -- the offset and stream position of the last event known to be pending (kept while the partition is parked)
    "head"               BIGINT                   NOT NULL,
    "head_position"      BIGINT                   NOT NULL,
    -- the last event delivered under the current lease (delivered range: (position, delivered_to])
    "delivered_to"       BIGINT                   NOT NULL,
    "delivered_position" BIGINT                   NOT NULL,
    -- the lease token: a new one for every delivery, checked by acks and nacks that pass it
    "lease"              BIGINT                   NOT NULL DEFAULT 0,
    -- the partition is held by the lease until then
    "locked_until"       TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT '-infinity',
    -- who holds the lease, if the consumer said (stream_event_batches' v_consumer)
    "leased_by"          TEXT                              DEFAULT NULL,
    -- deliveries since the position last moved (1 on the first delivery of an event)
    "attempts"           INT                      NOT NULL DEFAULT 0,
    -- the error of the last failed attempt, if the consumer said
    "last_error"         TEXT                              DEFAULT NULL,
    -- set when the partition is parked (dead letter): parked partitions are not delivered until released
    "parked_at"          TIMESTAMP WITH TIME ZONE          DEFAULT NULL,
    -- the view's generation this row belongs to; a row of an older one is started afresh by the next lease
    "generation"         BIGINT                   NOT NULL,
    "created_at"         TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    "updated_at"         TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    PRIMARY KEY ("view", "decider", "decider_id")
)
    -- room on each page for the next version of a row: leases and acks update rows in place (HOT)
    WITH (fillfactor = 70);

-- Lease tokens, unique in the database: a token of a reset view's old row can never match a new one.
CREATE SEQUENCE IF NOT EXISTS view_leases_seq AS BIGINT;

-- Never holds a row: discovery inserts into it in a subtransaction that it rolls back, for a fresh transaction id.
CREATE UNLOGGED TABLE IF NOT EXISTS view_xid_probe
(
    "probe" BOOLEAN
);

DO
$$
    DECLARE
        v_index RECORD;
    BEGIN
        -- created only when missing: CREATE INDEX IF NOT EXISTS takes its lock before it looks
        FOR v_index IN
            SELECT *
            FROM (VALUES ('view_cursors_latest_idx',
                          'view_cursors ("view", "generation", "discovered_to" DESC, "id" DESC)', ''),
                         ('view_markers_queue_idx', 'view_markers ("view", "generation", "id")', ''),
                         ('view_markers_partition_idx',
                          'view_markers ("view", "decider", "decider_id", "generation", "upto")', ''),
                         ('view_positions_parked_idx', 'view_positions ("view")', 'WHERE "parked_at" IS NOT NULL'),
                         ('view_positions_leased_idx', 'view_positions ("view", "leased_by")',
                          'WHERE "leased_by" IS NOT NULL'))
                     t(name, def, predicate)
            LOOP
                IF to_regclass(v_index.name) IS NULL THEN
                    EXECUTE format('CREATE INDEX %I ON %s %s', v_index.name, v_index.def, v_index.predicate);
                END IF;
            END LOOP;
    END
$$;

-- A view deleted by hand takes its cursor records and markers with it (its positions go by the foreign key).
CREATE OR REPLACE FUNCTION views_deleted() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    DELETE FROM view_cursors WHERE "view" = OLD."view";
    DELETE FROM view_markers WHERE "view" = OLD."view";
    RETURN NULL;
END;
$$;

DO
$$
    BEGIN
        IF NOT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = to_regclass('views') AND tgname = 'views_deleted') THEN
            CREATE TRIGGER views_deleted
                AFTER DELETE
                ON views
                FOR EACH ROW
            EXECUTE FUNCTION views_deleted();
        END IF;
    END
$$;

-- The seed's locks table, as a read-only view: one row per partition of each view, with the seed's columns.
--   offset: the stream's last offset; last_offset: the last acknowledged one; offset_final: the stream is closed.
-- Partitions discovered but never leased show the view's start_offset as last_offset.
DO
$$
    BEGIN
        IF to_regclass('locks') IS NULL THEN
            CREATE VIEW locks AS
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
                     CROSS JOIN LATERAL (SELECT e."offset", e."final"
                                         FROM events e
                                         WHERE e."decider_id" = p."decider_id"
                                           AND e."decider" = p."decider"
                                         ORDER BY e."decider_id" DESC, e."decider" DESC, e."stream_position" DESC
                                         LIMIT 1) last;
        END IF;
    END
$$;

-- #####################################################################################################################
-- Helpers (not API functions)
-- #####################################################################################################################

-- VS005 unless v_view is a view name of 1..128 bytes.
CREATE OR REPLACE FUNCTION require_view_name(v_view TEXT) RETURNS VOID
    LANGUAGE plpgsql
    IMMUTABLE AS
$$
BEGIN
    IF v_view IS NULL OR octet_length(v_view) NOT BETWEEN 1 AND 128 THEN
        RAISE EXCEPTION 'view must be a name of 1 to 128 bytes, got %',
            CASE WHEN v_view IS NULL THEN 'NULL' ELSE octet_length(v_view) || ' bytes' END USING ERRCODE = 'VS005';
    END IF;
END;
$$;

-- VS005 unless v_value is NULL (when allowed) or within [v_min, v_max].
CREATE OR REPLACE FUNCTION require_range(v_what TEXT, v_value BIGINT, v_min BIGINT, v_max BIGINT,
                                         v_nullable BOOLEAN DEFAULT FALSE) RETURNS VOID
    LANGUAGE plpgsql
    IMMUTABLE AS
$$
BEGIN
    IF (v_value IS NULL AND NOT v_nullable) OR v_value NOT BETWEEN v_min AND v_max THEN
        RAISE EXCEPTION '% must be % to %, got %', v_what, v_min, v_max, COALESCE(v_value::text, 'NULL')
            USING ERRCODE = 'VS005';
    END IF;
END;
$$;

-- The view's row, or VS001.
CREATE OR REPLACE FUNCTION registered_view(v_view TEXT) RETURNS views
    LANGUAGE plpgsql
    STABLE AS
$$
DECLARE
    v_row views%ROWTYPE;
BEGIN
    SELECT * INTO v_row FROM views WHERE "view" = v_view;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'view % is not registered', v_view USING ERRCODE = 'VS001',
            HINT = 'register it first with register_view';
    END IF;
    RETURN v_row;
END;
$$;

-- The offset a view starts after: the events created at or after v_start_at are delivered.
CREATE OR REPLACE FUNCTION view_start_offset(v_start_at TIMESTAMP WITH TIME ZONE) RETURNS BIGINT
    LANGUAGE plpgsql
    STABLE
    SET enable_seqscan = off
    SET jit = off AS
$$
BEGIN
    IF v_start_at = '-infinity' THEN
        RETURN 0;
    ELSIF v_start_at >= NOW() THEN
        -- "from now on": the end of the log, one index probe
        RETURN (SELECT COALESCE(MAX("offset"), 0) FROM events);
    END IF;
    -- from a point in time: the first event at or after it (created_at grows with offset, to within the length of a
    -- transaction); planned per call, the rare path
    RETURN COALESCE((SELECT "offset" - 1 FROM events WHERE "created_at" >= v_start_at ORDER BY "offset" LIMIT 1),
                    (SELECT COALESCE(MAX("offset"), 0) FROM events));
END;
$$;

-- A transaction id greater than every id assigned before the call. Discovery pairs it with the highest offset it
-- read just before: every transaction that drew an offset up to that one had its id then (001 draws offsets after
-- the id), so once pg_snapshot_xmin reaches this bound, all of them have ended.
-- Not pg_snapshot_xmax: that is the highest completed id plus one, and a transaction with a higher id may be running.
CREATE OR REPLACE FUNCTION fresh_xid_bound() RETURNS xid8
    LANGUAGE plpgsql AS
$$
DECLARE
    v_top BIGINT;
    v_sub BIGINT;
BEGIN
    IF pg_current_xact_id_if_assigned() IS NULL THEN
        -- assigned now
        RETURN pg_current_xact_id();
    END IF;
    -- The transaction has had its id for a while: a subtransaction gets one now. Its id is read from a row it
    -- inserts, and the subtransaction is rolled back.
    BEGIN
        INSERT INTO view_xid_probe VALUES (TRUE) RETURNING xmin::text::bigint INTO v_sub;
        RAISE SQLSTATE 'VSXID';
    EXCEPTION
        WHEN SQLSTATE 'VSXID' THEN NULL;
    END;
    v_top := pg_current_xact_id()::text::bigint;
    -- the subtransaction's 32-bit id, in the epoch of the top transaction's (it was assigned later, and the two are
    -- never 2^31 apart: wraparound protection)
    RETURN (v_top + (v_sub - v_top % 4294967296 + 4294967296) % 4294967296)::text::xid8;
END;
$$;

-- #####################################################################################################################
-- API
-- #####################################################################################################################

-- API: register a view, or update the settings of a registered one.
-- A new view starts at v_start_at (default: now). Registering an existing view again keeps its positions and pending
-- events (the seed dropped them) and updates its settings; only an explicit v_start_at that differs from the
-- registered one moves it (see reset_view).
-- Example: SELECT * FROM register_view('view1', '2023-01-28 12:17:17.078384', 300, 1, 'https://localhost:3000/functions/v1/event-handler');
CREATE OR REPLACE FUNCTION register_view(v_view TEXT,
                                         v_start_at TIMESTAMP WITH TIME ZONE DEFAULT NULL,
                                         v_lock_timeout_s BIGINT DEFAULT 300,
                                         v_pooling_delay_s BIGINT DEFAULT NULL,
                                         v_edge_function_url TEXT DEFAULT NULL)
    RETURNS SETOF views
    LANGUAGE plpgsql AS
$$
DECLARE
    v_existing views%ROWTYPE;
    v_start    BIGINT;
BEGIN
    PERFORM require_view_name(v_view);
    PERFORM require_range('lock_timeout_s', v_lock_timeout_s, 1, 86400);
    PERFORM require_range('pooling_delay_s', v_pooling_delay_s, 0, 86400, TRUE);
    SELECT * INTO v_existing FROM views WHERE "view" = v_view FOR UPDATE;
    IF NOT FOUND THEN
        v_start := view_start_offset(COALESCE(v_start_at, NOW()));
        INSERT INTO views ("view", "start_at", "lock_timeout_s", "pooling_delay_s", "edge_function_url",
                           "start_offset")
        VALUES (v_view, COALESCE(v_start_at, NOW()), v_lock_timeout_s, v_pooling_delay_s, v_edge_function_url,
                v_start)
        ON CONFLICT DO NOTHING;
        IF FOUND THEN
            INSERT INTO view_cursors ("view", "generation", "discovered_to") VALUES (v_view, 1, v_start);
        END IF;
    ELSE
        UPDATE views
        SET "lock_timeout_s"    = v_lock_timeout_s,
            "pooling_delay_s"   = v_pooling_delay_s,
            "edge_function_url" = v_edge_function_url,
            "updated_at"        = NOW()
        WHERE "view" = v_view;
        IF v_start_at IS NOT NULL AND v_start_at IS DISTINCT FROM v_existing.start_at THEN
            PERFORM reset_view(v_view, v_start_at);
        END IF;
    END IF;
    RETURN QUERY SELECT * FROM views WHERE "view" = v_view;
END;
$$;

-- API: rebuild/replay a view from v_start_at (default: the beginning of the log). Forgets every position, marker and
-- parking of the view (a new generation); consumers still holding leases lose them (their acks fail with VS004 or
-- VS002).
-- Example: SELECT * FROM reset_view('view1');
CREATE OR REPLACE FUNCTION reset_view(v_view TEXT, v_start_at TIMESTAMP WITH TIME ZONE DEFAULT '-infinity')
    RETURNS SETOF views
    LANGUAGE plpgsql AS
$$
DECLARE
    v_row views%ROWTYPE;
BEGIN
    PERFORM require_view_name(v_view);
    PERFORM FROM views WHERE "view" = v_view FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'view % is not registered', v_view USING ERRCODE = 'VS001';
    END IF;
    UPDATE views
    SET "start_at"     = COALESCE(v_start_at, '-infinity'),
        "start_offset" = view_start_offset(COALESCE(v_start_at, '-infinity')),
        "generation"   = "generation" + 1,
        "updated_at"   = NOW()
    WHERE "view" = v_view
    RETURNING * INTO v_row;
    DELETE FROM view_positions WHERE "view" = v_view;
    DELETE FROM view_markers WHERE "view" = v_view;
    DELETE FROM view_cursors WHERE "view" = v_view;
    INSERT INTO view_cursors ("view", "generation", "discovered_to")
    VALUES (v_view, v_row.generation, v_row.start_offset);
    RETURN NEXT v_row;
END;
$$;

-- Moves the view's discovery cursor over up to v_max new events and leaves a marker for each partition it saw.
-- Returns the new cursor, or NULL when another consumer is discovering for this view right now (it does the work).
-- Called by stream_events and stream_event_batches; callable on its own. Writes only INSERTs (and deletes its own
-- obsolete cursor records): it never waits for another transaction.
CREATE OR REPLACE FUNCTION discover_events(v_view TEXT, v_max INT DEFAULT 10000) RETURNS BIGINT
    LANGUAGE plpgsql
    SET enable_seqscan = off
    SET jit = off AS
$$
DECLARE
    v_row       views%ROWTYPE := registered_view(v_view);
    v_cursor    view_cursors%ROWTYPE;
    v_snapshot  pg_snapshot;
    v_resolved  BOOLEAN;
    v_safe      BIGINT;
    v_to        BIGINT;
    v_hole      BOOLEAN := FALSE;
    v_gap_upto  BIGINT;
    v_gap_bound xid8;
    v_offset    BIGINT;
    v_id        BIGINT;
BEGIN
    PERFORM require_range('max', v_max, 1, 100000);
    SELECT *
    INTO v_cursor
    FROM view_cursors c
    WHERE c."view" = v_view
      AND c."generation" = v_row.generation
    ORDER BY c."view", c."generation", c."discovered_to" DESC, c."id" DESC
    LIMIT 1;
    IF NOT FOUND THEN
        v_cursor.discovered_to := v_row.start_offset;
    END IF;
    -- One discoverer at a time per view (the lock ends with its transaction). A consumer that streams inside a long
    -- transaction of its own keeps it, though: when the latest cursor record is older than 250 ms, discover anyway.
    -- Two discoveries of the same events leave the same markers twice, which is harmless.
    IF NOT pg_try_advisory_xact_lock(hashtextextended('fmodel discover ' || current_schema() || ' ' || v_view, 0))
        AND v_cursor.created_at > clock_timestamp() - INTERVAL '250 milliseconds' THEN
        RETURN NULL;
    END IF;

    -- Holes at or below gap_upto can no longer commit once every transaction below gap_bound has ended. The snapshot
    -- is taken before the events are read, so an event that committed meanwhile is seen by the read below.
    v_snapshot := pg_current_snapshot();
    v_resolved := v_cursor.gap_bound IS NOT NULL AND pg_snapshot_xmin(v_snapshot) >= v_cursor.gap_bound;
    v_safe := CASE WHEN v_resolved THEN v_cursor.gap_upto ELSE v_cursor.discovered_to END;
    v_to := v_cursor.discovered_to;
    FOR v_offset IN SELECT e."offset"
                    FROM events e
                    WHERE e."offset" > v_cursor.discovered_to
                    ORDER BY e."offset"
                    LIMIT v_max
        LOOP
            IF v_offset = v_to + 1 OR v_offset <= v_safe THEN
                v_to := v_offset;
            ELSE
                v_hole := TRUE;
                EXIT;
            END IF;
        END LOOP;

    IF v_hole AND (v_cursor.gap_bound IS NULL OR v_resolved) THEN
        -- a new hole record: the highest offset visible now, then an id assigned after it was read
        v_gap_upto := (SELECT MAX(e."offset") FROM events e);
        v_gap_bound := fresh_xid_bound();
    ELSIF v_hole THEN
        -- the pending record, kept until it resolves (steady traffic cannot postpone it)
        v_gap_upto := v_cursor.gap_upto;
        v_gap_bound := v_cursor.gap_bound;
    END IF;

    IF v_to > v_cursor.discovered_to THEN
        INSERT INTO view_markers ("view", "generation", "decider", "decider_id", "upto", "upto_position",
                                  "from_position")
        SELECT v_view, v_row.generation, e."decider", e."decider_id", MAX(e."offset"), MAX(e."stream_position"),
               MIN(e."stream_position")
        FROM events e
        WHERE e."offset" > v_cursor.discovered_to
          AND e."offset" <= v_to
        GROUP BY e."decider", e."decider_id"
        ORDER BY MIN(e."offset");
    END IF;
    IF v_to > v_cursor.discovered_to OR v_gap_bound IS DISTINCT FROM v_cursor.gap_bound THEN
        INSERT INTO view_cursors ("view", "generation", "discovered_to", "gap_upto", "gap_bound")
        VALUES (v_view, v_row.generation, v_to, v_gap_upto, v_gap_bound)
        RETURNING "id" INTO v_id;
        -- markers a discovery of an older generation left after reset_view (rare: none to find, one index probe)
        DELETE
        FROM view_markers
        WHERE "id" IN (SELECT m."id"
                       FROM view_markers m
                       WHERE m."view" = v_view
                         AND m."generation" < v_row.generation
                       LIMIT 1000 FOR UPDATE SKIP LOCKED);
        -- the records this one makes obsolete (never waiting for another discovery that deletes them too)
        DELETE
        FROM view_cursors
        WHERE "id" IN (SELECT c."id"
                       FROM view_cursors c
                       WHERE c."view" = v_view
                         AND c."id" < v_id
                         AND (c."generation" < v_row.generation OR c."discovered_to" <= v_to)
                       ORDER BY c."view", c."generation", c."discovered_to" DESC, c."id" DESC
                       LIMIT 100 FOR UPDATE SKIP LOCKED);
    END IF;
    RETURN v_to;
END;
$$;

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
            SELECT MIN(m."from_position") AS from_position, MAX(m."upto") AS upto,
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
                SET "head"          = GREATEST(p."head", v_head.upto),
                    "head_position" = GREATEST(p."head_position", v_head.upto_position)
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
                  AND m."upto" <= v_head.upto;
                CONTINUE;
            END IF;

            SELECT array_agg(e ORDER BY e."stream_position")
            INTO v_events
            FROM (SELECT *
                  FROM events e
                  WHERE e."decider_id" = v_marker.decider_id
                    AND e."decider" = v_marker.decider
                    AND e."stream_position" > v_position.acked_position
                    AND e."stream_position" <= v_head.upto_position
                  ORDER BY e."decider_id", e."decider", e."stream_position"
                  LIMIT v_events_per_partition) e;
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
                                                    THEN GREATEST(p."head", v_head.upto)
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

-- API: the seed's stream_events: the next event of up to v_limit pending partitions, at most one per partition, each
-- leased for v_seconds (default: the view's lock_timeout_s; the seed always used 300). Same extra columns as
-- stream_event_batches.
-- Example: SELECT * FROM stream_events('view1', 100);
CREATE OR REPLACE FUNCTION stream_events(v_view_name TEXT, v_limit INT DEFAULT 1, v_seconds INT DEFAULT NULL)
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
    LANGUAGE sql AS
$$
SELECT *
FROM stream_event_batches(v_view_name, v_limit, 1, v_seconds)
ORDER BY "offset";
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
          AND p."delivered_to" > p."position"
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
    IF v_position.delivered_to <= v_position.position
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
    IF v_offset <= v_position.position OR v_offset > v_position.delivered_to THEN
        RAISE EXCEPTION 'ack_event: offset % is outside the delivered range (%, %] of partition (%, %) in view %',
            v_offset, v_position.position, v_position.delivered_to, v_position.decider, v_decider_id, v_view
            USING ERRCODE = 'VS003';
    END IF;
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
    DELETE
    FROM view_markers m
    WHERE m."view" = v_view
      AND m."decider" = v_position.decider
      AND m."decider_id" = v_decider_id
      AND m."generation" = v_position.generation
      AND m."upto" <= v_offset;
    RETURN QUERY UPDATE view_positions
        SET "position"           = v_offset,
            "acked_position"     = v_acked,
            "delivered_to"       = v_offset,
            "delivered_position" = v_acked,
            "head"               = GREATEST("head", v_offset),
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

-- API: the view could not process the delivered events: release the partition after v_milliseconds (redelivery then).
-- Same fencing as ack_event; the position does not move. v_error is kept in last_error.
-- Example: SELECT * FROM schedule_nack_event('view1', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002', 1000);
CREATE OR REPLACE FUNCTION schedule_nack_event(v_view TEXT, v_decider_id TEXT, v_milliseconds BIGINT,
                                               v_decider TEXT DEFAULT NULL, v_lease BIGINT DEFAULT NULL,
                                               v_error TEXT DEFAULT NULL)
    RETURNS SETOF view_positions
    LANGUAGE plpgsql AS
$$
DECLARE
    v_position view_positions%ROWTYPE;
BEGIN
    IF v_milliseconds IS NULL OR v_milliseconds NOT BETWEEN 0 AND 86400000 THEN
        RAISE EXCEPTION 'schedule_nack_event: milliseconds must be 0 to 86400000 (one day), got %', v_milliseconds
            USING ERRCODE = 'VS005';
    END IF;
    v_position := held_position(v_view, v_decider_id, v_decider, NULL, v_lease, 'nack_event');
    RETURN QUERY UPDATE view_positions
        SET "delivered_to"       = "position",
            "delivered_position" = "acked_position",
            "locked_until"       = clock_timestamp() + make_interval(secs => v_milliseconds / 1000.0),
            "leased_by"          = NULL,
            "last_error"         = COALESCE(v_error, "last_error"),
            "updated_at"         = NOW()
        WHERE "view" = v_view
          AND "decider" = v_position.decider
          AND "decider_id" = v_decider_id
        RETURNING *;
END;
$$;

-- API: the view could not process the delivered events: release the partition now (redelivery on the next fetch).
-- Example: SELECT * FROM nack_event('view1', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002');
CREATE OR REPLACE FUNCTION nack_event(v_view TEXT, v_decider_id TEXT, v_decider TEXT DEFAULT NULL,
                                      v_lease BIGINT DEFAULT NULL, v_error TEXT DEFAULT NULL)
    RETURNS SETOF view_positions
    LANGUAGE sql AS
$$
SELECT *
FROM schedule_nack_event(v_view, v_decider_id, 0, v_decider, v_lease, v_error);
$$;

-- API: park (dead-letter) a partition the caller holds: it is not delivered again until release_partition.
-- Example: SELECT * FROM park_partition('view1', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002', 'decider1', 'bad json');
CREATE OR REPLACE FUNCTION park_partition(v_view TEXT, v_decider_id TEXT, v_decider TEXT, v_error TEXT,
                                          v_lease BIGINT DEFAULT NULL)
    RETURNS SETOF view_positions
    LANGUAGE plpgsql AS
$$
DECLARE
    v_position view_positions%ROWTYPE;
BEGIN
    v_position := held_position(v_view, v_decider_id, v_decider, NULL, v_lease, 'park_partition');
    RETURN QUERY UPDATE view_positions
        SET "delivered_to"       = "position",
            "delivered_position" = "acked_position",
            "locked_until"       = clock_timestamp(),
            "leased_by"          = NULL,
            "parked_at"          = NOW(),
            "last_error"         = COALESCE(v_error, "last_error"),
            "updated_at"         = NOW()
        WHERE "view" = v_view
          AND "decider" = v_position.decider
          AND "decider_id" = v_decider_id
        RETURNING *;
END;
$$;

-- API: release a parked partition for replay: it is delivered again from its position, attempts start over.
-- Example: SELECT * FROM release_partition('view1', 'f156a3c4-9bd8-11ed-a8fc-0242ac120002', 'decider1');
CREATE OR REPLACE FUNCTION release_partition(v_view TEXT, v_decider_id TEXT, v_decider TEXT)
    RETURNS SETOF view_positions
    LANGUAGE plpgsql AS
$$
DECLARE
    v_position view_positions%ROWTYPE;
BEGIN
    UPDATE view_positions
    SET "parked_at"    = NULL,
        "attempts"     = 0,
        "locked_until" = clock_timestamp(),
        "updated_at"   = NOW()
    WHERE "view" = v_view
      AND "decider" = v_decider
      AND "decider_id" = v_decider_id
    RETURNING * INTO v_position;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'release_partition: view % has no partition (%, %)', v_view, v_decider, v_decider_id
            USING ERRCODE = 'VS004';
    END IF;
    IF v_position.head_position > v_position.acked_position THEN
        -- its pending work, as a marker again
        INSERT INTO view_markers ("view", "generation", "decider", "decider_id", "upto", "upto_position",
                                  "from_position")
        VALUES (v_view, v_position.generation, v_decider, v_decider_id, v_position.head, v_position.head_position,
                v_position.acked_position + 1);
    END IF;
    RETURN NEXT v_position;
END;
$$;

-- API: the parked partitions of a view (of every view when v_view is NULL), oldest first.
-- Example: SELECT * FROM parked_partitions('view1');
CREATE OR REPLACE FUNCTION parked_partitions(v_view TEXT DEFAULT NULL)
    RETURNS SETOF view_positions
    LANGUAGE sql
    STABLE AS
$$
SELECT p.*
FROM view_positions p
         JOIN views v ON v."view" = p."view" AND v."generation" = p."generation"
WHERE p."parked_at" IS NOT NULL
  AND (v_view IS NULL OR p."view" = v_view)
ORDER BY p."parked_at";
$$;

-- API: give back the partitions consumer v_consumer holds (its connection broke: its transactions are gone), so that
-- they can be leased again at once rather than when their leases expire. The positions do not move; the deliveries
-- in hand are forgotten (an ack of them fails with VS003, as for a nack). A row some transaction still locks is left
-- as it is (SKIP LOCKED: never waits; its lease expires). Returns the number of partitions given back.
-- Example: SELECT release_leases('view1', 'billing-7f3a:0');
CREATE OR REPLACE FUNCTION release_leases(v_view TEXT, v_consumer TEXT) RETURNS INT
    LANGUAGE plpgsql
    SET enable_seqscan = off
    SET jit = off AS
$$
DECLARE
    v_count INT;
BEGIN
    PERFORM require_view_name(v_view);
    IF v_consumer IS NULL THEN
        RAISE EXCEPTION 'release_leases: consumer is required' USING ERRCODE = 'VS005';
    END IF;
    UPDATE view_positions p
    SET "delivered_to"       = p."position",
        "delivered_position" = p."acked_position",
        "locked_until"       = clock_timestamp(),
        "leased_by"          = NULL,
        "updated_at"         = NOW()
    WHERE (p."view", p."decider", p."decider_id") IN (SELECT h."view", h."decider", h."decider_id"
                                                      FROM view_positions h
                                                      WHERE h."view" = v_view
                                                        AND h."leased_by" = v_consumer
                                                          FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
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
                                                        AND h."delivered_to" > h."position"
                                                          FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;

-- API: the highest offset drawn so far (by any transaction, committed, running or rolled back) and the highest visible
-- one: what a consumer waiting for work polls (two probes of the sequence and of the log's primary key; no lock,
-- nothing written). Either changes when something may have been appended; "drawn" above "visible" means a
-- transaction holding an offset may still commit.
-- Example: SELECT * FROM last_offsets();
CREATE OR REPLACE FUNCTION last_offsets(OUT drawn BIGINT, OUT visible BIGINT)
    LANGUAGE plpgsql
    STABLE
    SET enable_seqscan = off
    SET jit = off AS
$$
BEGIN
    SELECT CASE WHEN s.is_called THEN s.last_value ELSE 0 END INTO drawn FROM events_offset_seq s;
    SELECT COALESCE(MAX(e."offset"), 0) INTO visible FROM events e;
END;
$$;

-- API: the lag of a view: the number of events not processed yet (pending in its partitions, parked ones included,
-- plus events not discovered yet). Costs one index range over the view's markers, its parked partitions and the
-- undiscovered part of the log.
-- Example: SELECT view_lag('view1');
CREATE OR REPLACE FUNCTION view_lag(v_view TEXT)
    RETURNS BIGINT
    LANGUAGE plpgsql
    STABLE
    SET enable_seqscan = off
    SET jit = off AS
$$
DECLARE
    v_row    views%ROWTYPE := registered_view(v_view);
    v_cursor BIGINT;
BEGIN
    SELECT c."discovered_to"
    INTO v_cursor
    FROM view_cursors c
    WHERE c."view" = v_view
      AND c."generation" = v_row.generation
    ORDER BY c."view", c."generation", c."discovered_to" DESC, c."id" DESC
    LIMIT 1;
    RETURN (SELECT count(*) FROM events e WHERE e."offset" > COALESCE(v_cursor, v_row.start_offset))
        + COALESCE((SELECT sum(GREATEST(0, GREATEST(m.upto_position, p."head_position")
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

INSERT INTO schema_version ("file")
VALUES ('002_event_streaming.sql')
ON CONFLICT DO NOTHING;
