-- #####################################################################################################################
-- 002_event_streaming.sql: the event-streaming half of the event store (views, partitions, leases, acks).
--
-- Applied after 001_event_sourcing.sql, like it: by psql in file-name order or by io.fmodel.postgres.SchemaInstaller.
-- Idempotent (CREATE ... IF NOT EXISTS, CREATE OR REPLACE); records itself in schema_version as its last statement.
--
-- Model (docs/streaming.md, docs/adr/0010..0013):
--   * A view is a named consumer group. A partition is one stream, (decider, decider_id). Events of one partition
--     are delivered in offset order, to one consumer at a time; different partitions are processed concurrently.
--   * view_positions holds one row per (view, partition): the last acknowledged offset (position), the highest
--     discovered offset (head), and the lease (locked_until, lease token, delivered range, attempts, parking).
--     Writers (append_event) never touch it: a consumer holding a position row never blocks an append.
--   * Discovery: each stream_events call first moves the view's cursor (views.discovered_to) over the new part of the
--     log, creating or advancing the position rows of the streams it saw. The cursor never passes an offset that
--     may still commit (bigserial offsets commit out of order): a hole in the log is skipped only once every
--     transaction that was running when the hole was seen has ended (pg_snapshot_xmin).
--   * Fencing: every lease has a token (view_positions.lease, returned by stream_events as "lease"). An ack or nack
--     with a token is accepted only for that lease; without a token (seed-style calls) only while the lease is held.
--     An ack must name an offset inside the delivered range: the position never moves backwards or skips.
--   * Appends NOTIFY the channel 'fmodel_events' (once per transaction: identical notifications are merged), with the
--     schema name as payload, so idle consumers wake up at once; polling remains the fallback.
--
-- Errors raised by this file carry their own SQLSTATEs (class 'VS'):
--   VS001 unknown view: register it first with register_view
--   VS002 lease lost: the partition is not held by the caller (expired, re-leased to another consumer, or never
--         delivered); the caller must drop its work (roll back) and fetch again
--   VS003 invalid offset: the offset is not inside the delivered range (position, delivered_to] of the partition,
--         or is not an event of that partition
--   VS004 unknown partition: the view has no such partition (no event of it was ever discovered)
--   VS005 required value is null or invalid
--   VS006 ambiguous partition: several deciders share this decider_id in the view; pass the decider
-- #####################################################################################################################

-- The registry of views (consumer groups). Same leading columns as the seed; the cursor columns are ours.
CREATE TABLE IF NOT EXISTS views
(
    -- view identifier/name
    "view"              TEXT                     NOT NULL PRIMARY KEY,
    -- events created before start_at are not delivered to the view
    "start_at"          TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    -- how long a consumer holds a partition it fetched, unless it passes its own seconds to stream_events
    "lock_timeout_s"    BIGINT                   NOT NULL DEFAULT 300,
    -- polling interval for clients that poll (NULL: the client chooses); LISTEN/NOTIFY wakes them earlier
    "pooling_delay_s"   BIGINT                            DEFAULT NULL,
    -- kept for compatibility with the seed (push to an HTTP endpoint); not used by this file
    "edge_function_url" TEXT                              DEFAULT NULL,
    "created_at"        TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    "updated_at"        TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    -- discovery cursor: every event at or below this offset has been seen by the view
    "discovered_to"     BIGINT                   NOT NULL DEFAULT 0,
    -- the highest offset visible when a hole was last seen above discovered_to ...
    "gap_upto"          BIGINT                            DEFAULT NULL,
    -- ... and the first unassigned transaction id at that moment: once pg_snapshot_xmin passes it, every hole at or
    -- below gap_upto is permanent (a rolled-back append), because every transaction that held an offset has ended
    "gap_xmax"          xid8                              DEFAULT NULL,
    CONSTRAINT views_lock_timeout_positive CHECK ("lock_timeout_s" > 0)
);

-- One row per (view, partition): where the view is in that stream, and who holds it.
CREATE TABLE IF NOT EXISTS view_positions
(
    "view"         TEXT                     NOT NULL REFERENCES views ("view") ON DELETE CASCADE,
    "decider"      TEXT                     NOT NULL,
    "decider_id"   TEXT                     NOT NULL,
    -- the offset of the last acknowledged event of this stream (0 or an offset below the stream: nothing acked)
    "position"     BIGINT                   NOT NULL,
    -- the offset of the last discovered event of this stream: pending work is head > position
    "head"         BIGINT                   NOT NULL,
    -- the offset of the last event delivered under the current lease (delivered range: (position, delivered_to])
    "delivered_to" BIGINT                   NOT NULL,
    -- the lease token: incremented by every delivery, checked by acks and nacks that pass it
    "lease"        BIGINT                   NOT NULL DEFAULT 0,
    -- the partition is held by the lease until then
    "locked_until" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT '-infinity',
    -- deliveries since the position last moved (1 on the first delivery of an event)
    "attempts"     INT                      NOT NULL DEFAULT 0,
    -- the error of the last failed attempt, if the consumer said
    "last_error"   TEXT                              DEFAULT NULL,
    -- set when the partition is parked (dead letter): parked partitions are not delivered until released
    "parked_at"    TIMESTAMP WITH TIME ZONE          DEFAULT NULL,
    "updated_at"   TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    PRIMARY KEY ("view", "decider", "decider_id")
);
-- Pending partitions of a view, oldest position first. Idle partitions are not in this index at all, so an idle
-- stream_events call costs an index probe, not a scan of every stream.
CREATE INDEX IF NOT EXISTS view_positions_pending_idx ON view_positions ("view", "position")
    WHERE "head" > "position" AND "parked_at" IS NULL;
CREATE INDEX IF NOT EXISTS view_positions_parked_idx ON view_positions ("view")
    WHERE "parked_at" IS NOT NULL;

-- Appends wake listeners: one notification per transaction (PostgreSQL merges identical ones), whatever the number
-- of events or views.
CREATE OR REPLACE FUNCTION notify_events_appended() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_notify('fmodel_events', current_schema());
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER events_notify
    AFTER INSERT
    ON events
    FOR EACH STATEMENT
EXECUTE FUNCTION notify_events_appended();

-- #####################################################################################################################
-- API
-- #####################################################################################################################

-- The discovery cursor a view starts from: events created at or after v_start_at are delivered.
CREATE OR REPLACE FUNCTION view_start_offset(v_start_at TIMESTAMP WITH TIME ZONE) RETURNS BIGINT
    LANGUAGE sql
    STABLE AS
$$
SELECT CASE
           WHEN v_start_at = '-infinity' THEN 0
           -- "from now on": the end of the log, one index probe
           WHEN v_start_at >= NOW() THEN (SELECT COALESCE(MAX("offset"), 0) FROM events)
           -- from a point in time: the first event at or after it (created_at grows with offset, to within the
           -- length of a transaction)
           ELSE COALESCE((SELECT "offset" - 1 FROM events WHERE "created_at" >= v_start_at ORDER BY "offset" LIMIT 1),
                         (SELECT COALESCE(MAX("offset"), 0) FROM events))
           END;
$$;

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
BEGIN
    IF v_view IS NULL OR v_lock_timeout_s IS NULL OR v_lock_timeout_s <= 0 THEN
        RAISE EXCEPTION 'register_view: view is required and lock_timeout_s must be positive (got %, %)',
            v_view, v_lock_timeout_s USING ERRCODE = 'VS005';
    END IF;
    SELECT * INTO v_existing FROM views WHERE "view" = v_view FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO views ("view", "start_at", "lock_timeout_s", "pooling_delay_s", "edge_function_url",
                           "discovered_to")
        VALUES (v_view, COALESCE(v_start_at, NOW()), v_lock_timeout_s, v_pooling_delay_s, v_edge_function_url,
                view_start_offset(COALESCE(v_start_at, NOW())))
        ON CONFLICT DO NOTHING;
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

-- API: rebuild/replay a view from v_start_at (default: the beginning of the log). Forgets every position and
-- parking of the view; consumers still holding leases lose them (their acks fail with VS004/VS002).
-- Example: SELECT * FROM reset_view('view1');
CREATE OR REPLACE FUNCTION reset_view(v_view TEXT, v_start_at TIMESTAMP WITH TIME ZONE DEFAULT '-infinity')
    RETURNS SETOF views
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM FROM views WHERE "view" = v_view FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'view % is not registered', v_view USING ERRCODE = 'VS001';
    END IF;
    DELETE FROM view_positions WHERE "view" = v_view;
    RETURN QUERY UPDATE views
        SET "start_at"      = COALESCE(v_start_at, '-infinity'),
            "discovered_to" = view_start_offset(COALESCE(v_start_at, '-infinity')),
            "gap_upto"      = NULL,
            "gap_xmax"      = NULL,
            "updated_at"    = NOW()
        WHERE "view" = v_view
        RETURNING *;
END;
$$;

-- Moves the view's discovery cursor over up to v_max new events, creating or advancing their partitions' position
-- rows. Returns the new cursor, or NULL when another consumer is discovering for this view right now (it does the
-- work). Called by stream_events; callable on its own.
CREATE OR REPLACE FUNCTION discover_events(v_view TEXT, v_max INT DEFAULT 10000) RETURNS BIGINT
    LANGUAGE plpgsql AS
$$
DECLARE
    v_snapshot pg_snapshot := pg_current_snapshot();
    v_row      views%ROWTYPE;
    v_safe     BIGINT;
    v_to       BIGINT;
    v_hole     BOOLEAN := FALSE;
    v_resolved BOOLEAN;
    v_rows     BIGINT;
    v_offset   BIGINT;
BEGIN
    SELECT * INTO v_row FROM views WHERE "view" = v_view FOR NO KEY UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    v_to := v_row.discovered_to;
    -- holes at or below gap_upto are permanent once every transaction running when they were seen has ended
    v_resolved := v_row.gap_xmax IS NOT NULL AND pg_snapshot_xmin(v_snapshot) >= v_row.gap_xmax;
    v_safe := CASE WHEN v_resolved THEN v_row.gap_upto ELSE v_row.discovered_to END;
    FOR v_offset IN SELECT "offset" FROM events WHERE "offset" > v_row.discovered_to ORDER BY "offset" LIMIT v_max
        LOOP
            IF v_offset = v_to + 1 OR v_offset <= v_safe THEN
                v_to := v_offset;
            ELSE
                v_hole := TRUE;
                EXIT;
            END IF;
        END LOOP;
    IF v_to > v_row.discovered_to THEN
        INSERT INTO view_positions AS p ("view", "decider", "decider_id", "position", "head", "delivered_to")
        SELECT v_view,
               e."decider",
               e."decider_id",
               COALESCE(MIN(e."offset") FILTER (WHERE e."created_at" >= v_row.start_at) - 1, MAX(e."offset")),
               MAX(e."offset"),
               COALESCE(MIN(e."offset") FILTER (WHERE e."created_at" >= v_row.start_at) - 1, MAX(e."offset"))
        FROM events e
        WHERE e."offset" > v_row.discovered_to
          AND e."offset" <= v_to
        GROUP BY e."decider", e."decider_id"
        -- one order for every discoverer: no deadlock between them and consumers acking
        ORDER BY e."decider", e."decider_id"
        ON CONFLICT ("view", "decider", "decider_id") DO UPDATE SET "head" = EXCLUDED."head"
        WHERE p."head" < EXCLUDED."head";
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        -- A discovery that (at least) doubles the table makes its statistics wrong by orders of magnitude, and the
        -- planner would then scan every position of the view on each call; refresh them now rather than at the next
        -- autovacuum.
        IF v_rows > 1000 AND v_rows > (SELECT reltuples FROM pg_class WHERE oid = 'view_positions'::regclass) THEN
            ANALYZE view_positions;
        END IF;
    END IF;
    IF v_to > v_row.discovered_to OR v_hole IS DISTINCT FROM (v_row.gap_xmax IS NOT NULL) OR (v_hole AND v_resolved) THEN
        UPDATE views
        SET "discovered_to" = v_to,
            -- a new hole is recorded when none is pending; a pending record is kept until it resolves, so that
            -- steady traffic cannot postpone it forever
            "gap_upto"      = CASE
                                  WHEN NOT v_hole THEN NULL
                                  WHEN v_row.gap_xmax IS NULL OR v_resolved THEN (SELECT MAX("offset") FROM events)
                                  ELSE v_row.gap_upto END,
            "gap_xmax"      = CASE
                                  WHEN NOT v_hole THEN NULL
                                  WHEN v_row.gap_xmax IS NULL OR v_resolved THEN pg_snapshot_xmax(v_snapshot)
                                  ELSE v_row.gap_xmax END
        WHERE "view" = v_view;
    END IF;
    RETURN v_to;
END;
$$;

-- API: lease up to v_partitions pending partitions of the view, with up to v_events_per_partition consecutive events
-- of each, oldest first (a hot stream is drained in a few calls, not one call per event). Each returned row is an
-- event (the columns of events, in the same order) plus its lease: the token to pass to ack_event / nack_event, the
-- attempt number (1 for a first delivery) and the lease's expiry. The lease lasts v_seconds, by default the view's
-- lock_timeout_s. Partitions held by another consumer, parked or scheduled for later are skipped (FOR UPDATE SKIP
-- LOCKED: concurrent consumers never wait for each other). Acknowledge a batch with the offset of its last event.
-- Rows come partition by partition (oldest position first), each partition's events in offset order.
-- Example: SELECT * FROM stream_event_batches('view1', 10, 100);
CREATE OR REPLACE FUNCTION stream_event_batches(v_view TEXT, v_partitions INT DEFAULT 1,
                                                v_events_per_partition INT DEFAULT 100, v_seconds INT DEFAULT NULL)
    RETURNS TABLE
            (
                "event"         TEXT,
                "event_id"      UUID,
                "event_version" BIGINT,
                "decider"       TEXT,
                "decider_id"    TEXT,
                "data"          JSONB,
                "command_id"    UUID,
                "previous_id"   UUID,
                "final"         BOOLEAN,
                "created_at"    TIMESTAMP WITH TIME ZONE,
                "offset"        BIGINT,
                "lease"         BIGINT,
                "attempt"       INT,
                "locked_until"  TIMESTAMP WITH TIME ZONE
            )
    LANGUAGE plpgsql AS
$$
#variable_conflict use_column
DECLARE
    v_timeout   INTERVAL;
    v_candidate RECORD;
    v_last      BIGINT;
    v_count     INT;
    v_lease     BIGINT;
    v_attempt   INT;
    v_until     TIMESTAMP WITH TIME ZONE;
    v_events    events[];
BEGIN
    IF v_partitions IS NULL OR v_partitions < 1 OR v_events_per_partition IS NULL OR v_events_per_partition < 1
        OR v_seconds <= 0 THEN
        RAISE EXCEPTION 'stream_event_batches: partitions and events_per_partition must be positive, seconds positive or NULL (got %, %, %)',
            v_partitions, v_events_per_partition, v_seconds USING ERRCODE = 'VS005';
    END IF;
    SELECT make_interval(secs => COALESCE(v_seconds, vw.lock_timeout_s)) INTO v_timeout
    FROM views vw
    WHERE vw.view = v_view;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'view % is not registered', v_view USING ERRCODE = 'VS001',
            HINT = 'register it first with register_view';
    END IF;
    PERFORM discover_events(v_view);
    -- Lease row by row, by primary key: a plan that cannot go wrong whatever the statistics say (a set-based UPDATE
    -- joined to the candidates was planned as a scan of every position of the view when the statistics were stale).
    FOR v_candidate IN SELECT p.decider, p.decider_id, p.position
                       FROM view_positions p
                       WHERE p.view = v_view
                         AND p.head > p.position
                         AND p.parked_at IS NULL
                         AND p.locked_until < clock_timestamp()
                       ORDER BY p.position
                       LIMIT v_partitions FOR UPDATE SKIP LOCKED
        LOOP
            -- The partition's next events, read once and planned per call: a plan cached while the store was small
            -- scans every event for each partition once it has grown (ADR 0050, CachedStreamingPlansIT).
            -- (decider_id, offset): the order of events_stream_idx, so no plan walks the log in offset order.
            EXECUTE 'SELECT array_agg(e ORDER BY e."offset")
                     FROM (SELECT *
                           FROM events e
                           WHERE e."decider_id" = $1
                             AND e."decider" = $2
                             AND e."offset" > $3
                           ORDER BY e."decider_id", e."offset"
                           LIMIT $4) e'
                INTO v_events
                USING v_candidate.decider_id, v_candidate.decider, v_candidate.position, v_events_per_partition;
            v_count := COALESCE(cardinality(v_events), 0);
            CONTINUE WHEN v_count = 0;
            v_last := (v_events[v_count])."offset";
            UPDATE view_positions p
            SET locked_until = clock_timestamp() + v_timeout,
                lease        = p.lease + 1,
                attempts     = p.attempts + 1,
                delivered_to = v_last,
                updated_at   = NOW()
            WHERE p.view = v_view
              AND p.decider = v_candidate.decider
              AND p.decider_id = v_candidate.decider_id
            RETURNING p.lease, p.attempts, p.locked_until INTO v_lease, v_attempt, v_until;
            RETURN QUERY SELECT e.event,
                                e.event_id,
                                e.event_version,
                                e.decider,
                                e.decider_id,
                                e.data,
                                e.command_id,
                                e.previous_id,
                                e.final,
                                e.created_at,
                                e.offset,
                                v_lease,
                                v_attempt,
                                v_until
                         FROM unnest(v_events) e
                         ORDER BY e.offset;
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
                "event"         TEXT,
                "event_id"      UUID,
                "event_version" BIGINT,
                "decider"       TEXT,
                "decider_id"    TEXT,
                "data"          JSONB,
                "command_id"    UUID,
                "previous_id"   UUID,
                "final"         BOOLEAN,
                "created_at"    TIMESTAMP WITH TIME ZONE,
                "offset"        BIGINT,
                "lease"         BIGINT,
                "attempt"       INT,
                "locked_until"  TIMESTAMP WITH TIME ZONE
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
    LANGUAGE plpgsql AS
$$
DECLARE
    v_position view_positions%ROWTYPE;
    v_count    INT;
BEGIN
    IF v_view IS NULL OR v_decider_id IS NULL THEN
        RAISE EXCEPTION '%: view and decider_id are required (got %, %)', v_operation, v_view, v_decider_id
            USING ERRCODE = 'VS005';
    END IF;
    PERFORM FROM views WHERE "view" = v_view;
    IF NOT FOUND THEN
        RAISE EXCEPTION '%: view % is not registered', v_operation, v_view USING ERRCODE = 'VS001';
    END IF;
    IF v_decider IS NULL AND v_offset IS NOT NULL THEN
        EXECUTE 'SELECT e."decider" FROM events e WHERE e."offset" = $1 AND e."decider_id" = $2'
            INTO v_decider
            USING v_offset, v_decider_id;
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
    IF NOT FOUND THEN
        RAISE EXCEPTION '%: view % has no partition (%, %)', v_operation, v_view, v_decider, v_decider_id
            USING ERRCODE = 'VS004';
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
    LANGUAGE plpgsql AS
$$
DECLARE
    v_position view_positions%ROWTYPE;
    v_known    BOOLEAN;
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
    -- by primary key, planned per call (ADR 0050)
    EXECUTE 'SELECT EXISTS (SELECT FROM events e WHERE e."offset" = $1 AND e."decider" = $2 AND e."decider_id" = $3)'
        INTO v_known
        USING v_offset, v_position.decider, v_decider_id;
    IF NOT v_known THEN
        RAISE EXCEPTION 'ack_event: offset % is not an event of partition (%, %)', v_offset, v_position.decider,
            v_decider_id USING ERRCODE = 'VS003';
    END IF;
    RETURN QUERY UPDATE view_positions
        SET "position"     = v_offset,
            "delivered_to" = v_offset,
            "locked_until" = clock_timestamp(),
            "attempts"     = 0,
            "last_error"   = NULL,
            "updated_at"   = NOW()
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
    IF v_milliseconds IS NULL OR v_milliseconds < 0 THEN
        RAISE EXCEPTION 'schedule_nack_event: milliseconds must be zero or positive (got %)', v_milliseconds
            USING ERRCODE = 'VS005';
    END IF;
    v_position := held_position(v_view, v_decider_id, v_decider, NULL, v_lease, 'nack_event');
    RETURN QUERY UPDATE view_positions
        SET "delivered_to" = "position",
            "locked_until" = clock_timestamp() + make_interval(secs => v_milliseconds / 1000.0),
            "last_error"   = COALESCE(v_error, "last_error"),
            "updated_at"   = NOW()
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
        SET "delivered_to" = "position",
            "locked_until" = clock_timestamp(),
            "parked_at"    = NOW(),
            "last_error"   = COALESCE(v_error, "last_error"),
            "updated_at"   = NOW()
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
BEGIN
    RETURN QUERY UPDATE view_positions
        SET "parked_at"    = NULL,
            "attempts"     = 0,
            "locked_until" = clock_timestamp(),
            "updated_at"   = NOW()
        WHERE "view" = v_view
          AND "decider" = v_decider
          AND "decider_id" = v_decider_id
        RETURNING *;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'release_partition: view % has no partition (%, %)', v_view, v_decider, v_decider_id
            USING ERRCODE = 'VS004';
    END IF;
END;
$$;

-- API: the parked partitions of a view (of every view when v_view is NULL), oldest first.
-- Example: SELECT * FROM parked_partitions('view1');
CREATE OR REPLACE FUNCTION parked_partitions(v_view TEXT DEFAULT NULL)
    RETURNS SETOF view_positions
    LANGUAGE sql
    STABLE AS
$$
SELECT *
FROM view_positions
WHERE "parked_at" IS NOT NULL
  AND (v_view IS NULL OR "view" = v_view)
ORDER BY "parked_at";
$$;

-- API: the lag of a view: the number of events not processed yet (pending in its partitions, parked ones included,
-- plus events not discovered yet). Costs one index range per pending partition.
-- Example: SELECT view_lag('view1');
CREATE OR REPLACE FUNCTION view_lag(v_view TEXT)
    RETURNS BIGINT
    LANGUAGE sql
    STABLE AS
$$
SELECT (SELECT count(*)
        FROM events e
        WHERE e."offset" > v."discovered_to"
          AND e."created_at" >= v."start_at")
           + COALESCE((SELECT sum((SELECT count(*)
                                   FROM events e
                                   WHERE e."decider_id" = p."decider_id"
                                     AND e."decider" = p."decider"
                                     AND e."offset" > p."position"
                                     AND e."offset" <= p."head"))
                       FROM view_positions p
                       WHERE p."view" = v_view
                         AND p."head" > p."position"), 0)::BIGINT
FROM views v
WHERE v."view" = v_view;
$$;

INSERT INTO schema_version ("file")
VALUES ('002_event_streaming.sql')
ON CONFLICT DO NOTHING;
