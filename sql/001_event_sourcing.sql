-- #####################################################################################################################
-- 001_event_sourcing.sql: the event-sourcing half of the event store.
--
-- Applied in file-name order with the other sql/*.sql files, by psql
--     for f in sql/*.sql; do psql -v ON_ERROR_STOP=1 -f "$f"; done
-- or by the Java installer (io.fmodel.postgres.SchemaInstaller), which applies the very same files.
-- Safe to apply again on a running store: tables, indexes and triggers are created only when missing (a CREATE INDEX
-- or CREATE TRIGGER on an existing table would wait for every open writer, and every writer would queue behind it),
-- functions are replaced. Objects are created unqualified, in the first schema of the search_path.
--
-- The rules of a stream hold for every row that reaches the events table, whatever wrote it: the API below or a
-- direct INSERT (the seed's way to close a stream). One BEFORE INSERT trigger checks each row against the stream and
-- numbers it; a unique index on (stream, stream_position) makes a fork impossible by construction (docs/adr/0004).
-- The events table is the only state: commands are found by an index on it, streams' heads are its last rows.
--
-- Errors raised by this file carry their own SQLSTATEs (class 'ES'), so that clients map them by code:
--   ES001 concurrency conflict: previous_id is no longer the stream's last event (retry: re-read, decide again)
--   ES002 unregistered event type: (decider, event, event_version) is not in deciders
--   ES003 unknown previous event: previous_id is not an event of this stream
--   ES004 final stream: the stream was closed by a final event
--   ES005 required value is null
--   ES006 append-only: events and deciders cannot be updated, deleted or truncated
--   ES007 duplicate command: the command appended to this stream before, in another batch
--   ES008 invalid value: an identifier empty or too long, a number out of range, a column only the store assigns
-- Plus the ones PostgreSQL raises itself: 23505 on events_event_id_key (duplicate event_id), and on
-- events_stream_position_key for a direct INSERT that lost a race for the same position (a fork attempted).
--
-- Limits (bytes, octet_length): decider, event 1..128; decider_id 1..512; event_version 1..2^31-1. Well under the
-- 2,704-byte limit of a btree index entry, for every index that holds them (here and in sql/002).
-- See docs/event-store.md.
-- #####################################################################################################################

-- Which sql/ files were applied. Each file records itself as its last statement; the installer skips recorded files.
CREATE TABLE IF NOT EXISTS schema_version
(
    "file"       TEXT PRIMARY KEY,
    "applied_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

-- The registry of deciders and the event types each may publish. An event cannot be appended unless its
-- (decider, event, event_version) is registered here (checked by events_check). Append-only.
CREATE TABLE IF NOT EXISTS deciders
(
    -- decider name/type
    "decider"       TEXT                     NOT NULL,
    -- event name/type that this decider can publish
    "event"         TEXT                     NOT NULL,
    -- version of the event schema
    "event_version" BIGINT                   NOT NULL DEFAULT 1,
    -- description of the event schema
    "description"   TEXT                     NOT NULL DEFAULT '',
    "created_at"    TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    PRIMARY KEY ("decider", "event", "event_version"),
    CONSTRAINT deciders_decider_length CHECK (octet_length("decider") BETWEEN 1 AND 128),
    CONSTRAINT deciders_event_length CHECK (octet_length("event") BETWEEN 1 AND 128),
    CONSTRAINT deciders_event_version_range CHECK ("event_version" BETWEEN 1 AND 2147483647)
);

-- The offsets of the log. CACHE 1 (the default) matters: offsets are drawn in the order of time, which the streaming
-- cursor (sql/002, docs/adr/0011) relies on. Never setval it backwards.
CREATE SEQUENCE IF NOT EXISTS events_offset_seq AS BIGINT;

-- The append-only log of all events of all streams. A stream is (decider, decider_id).
-- The seed's columns, in the seed's order (decider_id is TEXT: docs/adr/0001), then stream_position.
CREATE TABLE IF NOT EXISTS events
(
    -- event name/type; registered in deciders with decider and event_version
    "event"           TEXT                     NOT NULL,
    -- event id, chosen by the client; the next event of the stream points to it with previous_id
    "event_id"        UUID                     NOT NULL,
    -- version of the event schema
    "event_version"   BIGINT                   NOT NULL DEFAULT 1,
    -- decider name/type
    "decider"         TEXT                     NOT NULL,
    -- business identifier of the decider (the stream key, with decider)
    "decider_id"      TEXT                     NOT NULL,
    -- event payload
    "data"            JSONB                    NOT NULL,
    -- the command whose decision produced this event
    "command_id"      UUID                     NOT NULL,
    -- the previous event of the same stream; NULL for the first event
    "previous_id"     UUID,
    -- true for the event that closes its stream
    "final"           BOOLEAN                  NOT NULL DEFAULT FALSE,
    "created_at"      TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    -- position in the log of all events, all streams; assigned by events_check, never by the writer
    "offset"          BIGINT                   NOT NULL,
    -- position in the stream: 1 for its first event, the previous event's plus one for the next; assigned by
    -- events_check. The order of a stream, on every engine.
    "stream_position" BIGINT                   NOT NULL,
    CONSTRAINT events_pkey PRIMARY KEY ("offset"),
    CONSTRAINT events_event_id_key UNIQUE ("event_id"),
    -- one event per position in a stream: a fork (two roots, two successors of one event) cannot exist, whatever
    -- wrote the rows; also the index get_events and the streaming reads walk
    CONSTRAINT events_stream_position_key UNIQUE ("decider_id", "decider", "stream_position"),
    CONSTRAINT events_decider_id_length CHECK (octet_length("decider_id") BETWEEN 1 AND 512)
);
-- The events of a command, for idempotency: read by the command alone, so that no plan can walk a stream instead.
DO
$$
    BEGIN
        IF to_regclass('events_command_idx') IS NULL THEN
            CREATE INDEX events_command_idx ON events ("command_id");
        END IF;
    END
$$;
DO
$$
    BEGIN
        IF NOT EXISTS (SELECT
                       FROM pg_depend
                       WHERE objid = 'events_offset_seq'::regclass
                         AND refobjid = 'events'::regclass
                         AND deptype = 'a') THEN
            ALTER SEQUENCE events_offset_seq OWNED BY events."offset";
        END IF;
    END
$$;

-- #####################################################################################################################
-- The rules, for every row (triggers)
-- #####################################################################################################################

-- ES008 unless v_value is 1..v_max bytes long (ES005 if it is null).
CREATE OR REPLACE FUNCTION require_identifier(v_what TEXT, v_value TEXT, v_max INT) RETURNS VOID
    LANGUAGE plpgsql
    IMMUTABLE AS
$$
BEGIN
    IF v_value IS NULL THEN
        RAISE EXCEPTION '% is required', v_what USING ERRCODE = 'ES005';
    ELSIF octet_length(v_value) NOT BETWEEN 1 AND v_max THEN
        RAISE EXCEPTION '% must be 1 to % bytes long, got %', v_what, v_max, octet_length(v_value)
            USING ERRCODE = 'ES008';
    END IF;
END;
$$;

-- Append-only: UPDATE, DELETE and TRUNCATE raise (the seed's rules silently did nothing, and missed TRUNCATE).
CREATE OR REPLACE FUNCTION reject_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'ES006', HINT = 'append new events instead of changing old ones';
END;
$$;

-- Every row that reaches events, by append_event, append_events, a direct INSERT or COPY: checked against its stream
-- and numbered. The rules are those of append_event: a registered type; one first event per stream (previous_id
-- NULL); previous_id is an event of the same stream that is not final; the row takes the position after it
-- (events_stream_position_key then refuses a second successor); a command appends to a stream in one batch (the next
-- event of a batch follows an event of the same command). Its offset is drawn here, after the transaction has an id:
-- the streaming cursor (sql/002, docs/adr/0011) relies on it. Writes nothing, so a row that an INSERT ... ON CONFLICT
-- DO NOTHING skips leaves no trace.
-- A reused command raises ES007; for the rows the API inserts the row is skipped instead, and the API returns what the
-- command appended then. The API asks for that by inserting stream_position -1 (-2 for the first event of an
-- append_events batch, which never continues a batch); the trigger replaces it. It chooses between refusing and
-- skipping a row, never more.
-- One statement reads everything the rules need; every read is by key (enable_seqscan = off: a plan cached while the
-- table had one page would scan it), each through one index only: the previous event by event_id, the command by
-- command_id (a condition naming the stream as well would let a plan walk the stream instead).
CREATE OR REPLACE FUNCTION events_check() RETURNS trigger
    LANGUAGE plpgsql
    SET enable_seqscan = off
    SET jit = off AS
$$
DECLARE
    -- -1: a row of the API; -2: the first row of an append_events batch; NULL: any other writer
    v_api   BIGINT := NEW."stream_position";
    v_check RECORD;
BEGIN
    IF NEW."offset" IS NOT NULL OR NEW."stream_position" NOT IN (-1, -2) THEN
        RAISE EXCEPTION 'offset and stream_position are assigned by the store (got %, %)', NEW."offset",
            NEW."stream_position" USING ERRCODE = 'ES008',
            HINT = 'leave them out of the INSERT: a chosen offset could lie below what a view has passed already';
    ELSIF NEW."event" IS NULL OR NEW."event_id" IS NULL OR NEW."decider" IS NULL OR NEW."decider_id" IS NULL
        OR NEW."data" IS NULL OR NEW."command_id" IS NULL OR NEW."event_version" IS NULL OR NEW."final" IS NULL
        OR NEW."created_at" IS NULL THEN
        RAISE EXCEPTION 'only previous_id may be null (event %, event_id %, decider %, decider_id %, data %, command_id %, event_version %, final %)',
            NEW."event", NEW."event_id", NEW."decider", NEW."decider_id",
            CASE WHEN NEW."data" IS NULL THEN 'NULL' ELSE '...' END, NEW."command_id", NEW."event_version",
            NEW."final" USING ERRCODE = 'ES005';
    ELSIF octet_length(NEW."decider_id") NOT BETWEEN 1 AND 512 THEN
        -- decider and event are bounded by the registration they must match
        PERFORM require_identifier('decider_id', NEW."decider_id", 512);
    END IF;

    SELECT EXISTS (SELECT
                   FROM deciders d
                   WHERE d."decider" = NEW."decider"
                     AND d."event" = NEW."event"
                     AND d."event_version" = NEW."event_version")                   AS registered,
           p."decider_id" = NEW."decider_id" AND p."decider" = NEW."decider"         AS in_stream,
           p."stream_position"                                                      AS position,
           p."final"                                                                AS final,
           -- a new batch of the command (not the next event of its batch, or an append_events batch's first
           -- event, which never continues one) ...
           (p."command_id" IS DISTINCT FROM NEW."command_id" OR v_api = -2)
               -- ... that appended to this stream before
               AND (SELECT bool_or(c."decider_id" = NEW."decider_id" AND c."decider" = NEW."decider")
                    FROM events c
                    WHERE c."command_id" = NEW."command_id")                        AS reused
    INTO v_check
    FROM (SELECT) one
             LEFT JOIN events p ON p."event_id" = NEW."previous_id";

    IF NOT v_check.registered THEN
        RAISE EXCEPTION 'event type (%, %, version %) is not registered', NEW."decider", NEW."event",
            NEW."event_version" USING ERRCODE = 'ES002', HINT = 'register it first with register_decider_event';
    ELSIF NEW."previous_id" IS NOT NULL AND v_check.in_stream IS NOT TRUE THEN
        RAISE EXCEPTION 'previous_id % is not an event of stream (%, %)', NEW."previous_id", NEW."decider",
            NEW."decider_id" USING ERRCODE = 'ES003';
    ELSIF v_check.final THEN
        RAISE EXCEPTION 'stream (%, %) is final: it was closed by event %', NEW."decider", NEW."decider_id",
            NEW."previous_id" USING ERRCODE = 'ES004';
    ELSIF v_check.reused AND v_api IS NOT NULL THEN
        -- through the API: a replay; it answers with the command's events
        RETURN NULL;
    ELSIF v_check.reused THEN
        RAISE EXCEPTION 'command % appended to stream (%, %) before, in another batch', NEW."command_id",
            NEW."decider", NEW."decider_id" USING ERRCODE = 'ES007',
            HINT = 'a command appends to a stream once: give each command its own id';
    END IF;
    NEW."stream_position" := COALESCE(v_check.position, 0) + 1;
    -- The transaction id first, then the offset: a transaction that holds an offset is always a running transaction
    -- in every snapshot taken after the offset was drawn (ADR 0011).
    NEW."offset" := CASE WHEN pg_current_xact_id() IS NOT NULL THEN nextval('events_offset_seq') END;
    RETURN NEW;
END;
$$;

DO
$$
    DECLARE
        v_trigger RECORD;
    BEGIN
        -- created only when missing: CREATE (OR REPLACE) TRIGGER locks its table against writers even when nothing
        -- changes, and every writer would queue behind it
        FOR v_trigger IN
            SELECT *
            FROM (VALUES ('events_check', 'events', 'BEFORE INSERT', 'ROW', 'events_check'),
                         ('events_append_only', 'events', 'BEFORE UPDATE OR DELETE', 'ROW', 'reject_change'),
                         ('events_no_truncate', 'events', 'BEFORE TRUNCATE', 'STATEMENT', 'reject_change'),
                         ('deciders_append_only', 'deciders', 'BEFORE UPDATE OR DELETE', 'ROW', 'reject_change'),
                         ('deciders_no_truncate', 'deciders', 'BEFORE TRUNCATE', 'STATEMENT', 'reject_change'))
                     t(name, tbl, timing, level, fn)
            LOOP
                IF NOT EXISTS (SELECT
                               FROM pg_trigger
                               WHERE tgrelid = to_regclass(v_trigger.tbl)
                                 AND tgname = v_trigger.name) THEN
                    EXECUTE format('CREATE TRIGGER %I %s ON %I FOR EACH %s EXECUTE FUNCTION %I()', v_trigger.name,
                                   v_trigger.timing, v_trigger.tbl, v_trigger.level, v_trigger.fn);
                END IF;
            END LOOP;
    END
$$;

-- #####################################################################################################################
-- API
-- #####################################################################################################################

-- API: register an event type a decider may publish. Idempotent: registering it again returns the registered row
-- (the first description wins). decider and event 1..128 bytes, event_version 1..2^31-1, else ES008.
-- Example: SELECT * FROM register_decider_event('decider1', 'event1', 'description1', 1);
CREATE OR REPLACE FUNCTION register_decider_event(v_decider TEXT, v_event TEXT, v_description TEXT DEFAULT '',
                                                  v_event_version BIGINT DEFAULT 1)
    RETURNS SETOF deciders
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM require_identifier('decider', v_decider, 128);
    PERFORM require_identifier('event', v_event, 128);
    IF v_event_version IS NULL THEN
        RAISE EXCEPTION 'register_decider_event: event_version is required' USING ERRCODE = 'ES005';
    ELSIF v_event_version NOT BETWEEN 1 AND 2147483647 THEN
        RAISE EXCEPTION 'event_version must be 1 to 2147483647, got %', v_event_version USING ERRCODE = 'ES008';
    END IF;
    INSERT INTO deciders ("decider", "event", "event_version", "description")
    VALUES (v_decider, v_event, v_event_version, COALESCE(v_description, ''))
    ON CONFLICT DO NOTHING;
    RETURN QUERY SELECT *
                 FROM deciders
                 WHERE "decider" = v_decider
                   AND "event" = v_event
                   AND "event_version" = v_event_version;
END;
$$;

-- Not an API function: whether command v_command_id appended to the stream. By events_command_idx alone: the
-- condition names only the command (the stream is checked on its rows), so that no plan walks the stream instead.
CREATE OR REPLACE FUNCTION command_appended(v_command_id UUID, v_decider_id TEXT, v_decider TEXT) RETURNS BOOLEAN
    LANGUAGE plpgsql
    STABLE
    SET enable_seqscan = off
    SET jit = off AS
$$
BEGIN
    RETURN COALESCE((SELECT bool_or(e."decider_id" = v_decider_id AND e."decider" = v_decider)
                     FROM events e
                     WHERE e."command_id" = v_command_id), FALSE);
END;
$$;

-- Not an API function: the events a command appended to a stream, in stream order (a replay); by
-- events_command_idx alone, like command_appended.
CREATE OR REPLACE FUNCTION command_events(v_command_id UUID, v_decider_id TEXT, v_decider TEXT)
    RETURNS SETOF events
    LANGUAGE plpgsql
    STABLE
    SET enable_seqscan = off
    SET jit = off AS
$$
BEGIN
    RETURN QUERY SELECT *
                 FROM (SELECT * FROM events e WHERE e."command_id" = v_command_id OFFSET 0) e
                 WHERE e."decider_id" = v_decider_id
                   AND e."decider" = v_decider
                 ORDER BY e."stream_position";
END;
$$;

-- Not an API function: the stream lost the race for the position after v_previous_id: ES001, or ES004 if it was
-- closed meanwhile (the failure path, planned per call).
CREATE OR REPLACE FUNCTION raise_conflict(v_decider TEXT, v_decider_id TEXT, v_previous_id UUID) RETURNS VOID
    LANGUAGE plpgsql AS
$$
DECLARE
    v_last events%ROWTYPE;
BEGIN
    EXECUTE 'SELECT * FROM events e WHERE e."decider_id" = $1 AND e."decider" = $2
             ORDER BY e."decider_id", e."decider", e."stream_position" DESC LIMIT 1'
        INTO v_last
        USING v_decider_id, v_decider;
    IF v_last."final" THEN
        RAISE EXCEPTION 'stream (%, %) is final: it was closed by event %', v_decider, v_decider_id,
            v_last."event_id" USING ERRCODE = 'ES004';
    ELSIF v_previous_id IS NULL THEN
        RAISE EXCEPTION 'concurrency conflict on stream (%, %): previous_id is NULL but the stream already has events (last event %)',
            v_decider, v_decider_id, v_last."event_id" USING ERRCODE = 'ES001';
    ELSE
        RAISE EXCEPTION 'concurrency conflict on stream (%, %): previous_id % is no longer the last event (now %)',
            v_decider, v_decider_id, v_previous_id, v_last."event_id" USING ERRCODE = 'ES001';
    END IF;
END;
$$;

-- API: append one event to the stream (v_decider, v_decider_id), under optimistic locking.
--   v_previous_id: NULL for the first event of a stream, else the stream's last event id.
--   v_final: true closes the stream: later appends raise ES004 (optional trailing parameter; the seed's argument
--   order and defaults are kept). The documented way to close a stream.
-- One statement: INSERT ... ON CONFLICT on the stream's next position. Lost to a concurrent writer of that position
-- (or the position was taken already): ES001, ES004 if the stream was closed meanwhile.
-- Idempotent commands: if v_command_id already appended to this stream and v_previous_id is not one of its events
-- (this call starts a new batch), nothing is inserted and the events that command appended are returned instead.
-- The caller tells a replay from an append by the returned event_id. (A call whose previous_id is an event of the
-- same command continues that command's batch, as in the fstore-sql README: clients that may retry a decision
-- whose last event is the stream's head should use append_events, which decides per batch.)
-- Example: SELECT * FROM append_event('event1', '21e19516-9bda-11ed-a8fc-0242ac120002', 'decider1',
--                                     'f156a3c4-9bd8-11ed-a8fc-0242ac120002', '{}',
--                                     'f156a3c4-9bd8-11ed-a8fc-0242ac120002', NULL, 1);
CREATE OR REPLACE FUNCTION append_event(v_event TEXT, v_event_id UUID, v_decider TEXT, v_decider_id TEXT, v_data JSONB,
                                        v_command_id UUID, v_previous_id UUID, v_event_version BIGINT DEFAULT 1,
                                        v_final BOOLEAN DEFAULT FALSE)
    RETURNS SETOF events
    LANGUAGE plpgsql AS
$$
BEGIN
    -- stream_position -1: events_check skips, not refuses, the row of a replayed command, and numbers it
    RETURN QUERY INSERT INTO events ("event", "event_id", "event_version", "decider", "decider_id", "data",
                                     "command_id", "previous_id", "final", "stream_position")
        VALUES (v_event, v_event_id, v_event_version, v_decider, v_decider_id, v_data, v_command_id, v_previous_id,
                v_final, -1)
        ON CONFLICT ("decider_id", "decider", "stream_position") DO NOTHING
        RETURNING *;
    IF FOUND THEN
        RETURN;
    ELSIF command_appended(v_command_id, v_decider_id, v_decider) THEN
        -- a replay (the row was skipped), or a race lost to this very command's first append, now committed
        RETURN QUERY SELECT * FROM command_events(v_command_id, v_decider_id, v_decider);
    ELSE
        PERFORM raise_conflict(v_decider, v_decider_id, v_previous_id);
    END IF;
END;
$$;

-- API: append the events of one decision (one command) in one call, one round trip, one transaction: the first
-- event follows v_previous_id, each next one the one before. Arrays are parallel, one element per event; v_final
-- closes the stream with the last event. Same checks and errors as append_event.
-- Idempotent per batch: if v_command_id already appended to this stream, nothing is appended and the events it
-- appended then are returned (whatever v_previous_id is: a retried decision is recognised even when its last event
-- is still the stream's head).
-- Example: SELECT * FROM append_events(ARRAY['event1', 'event2'], ARRAY[gen_random_uuid(), gen_random_uuid()],
--                                      'decider1', 'id1', ARRAY['{}'::jsonb, '{}'::jsonb], gen_random_uuid(), NULL,
--                                      ARRAY[1, 1]::bigint[]);
CREATE OR REPLACE FUNCTION append_events(v_events TEXT[], v_event_ids UUID[], v_decider TEXT, v_decider_id TEXT,
                                         v_data JSONB[], v_command_id UUID, v_previous_id UUID,
                                         v_event_versions BIGINT[], v_final BOOLEAN DEFAULT FALSE)
    RETURNS SETOF events
    LANGUAGE plpgsql AS
$$
DECLARE
    v_n        INT  := cardinality(v_event_ids);
    v_previous UUID := v_previous_id;
BEGIN
    IF v_events IS NULL OR v_event_ids IS NULL OR v_data IS NULL OR v_event_versions IS NULL
        OR cardinality(v_events) <> v_n OR cardinality(v_data) <> v_n OR cardinality(v_event_versions) <> v_n THEN
        RAISE EXCEPTION 'append_events: events, event_ids, data and event_versions must be non-null arrays of one length'
            USING ERRCODE = 'ES005';
    ELSIF v_n = 0 THEN
        RETURN;
    END IF;
    FOR i IN 1 .. v_n
        LOOP
            -- stream_position -2 for the first event: events_check treats it as a new batch whatever v_previous_id
            -- is (a replay is skipped); -1 for the next ones, which continue it
            RETURN QUERY INSERT INTO events ("event", "event_id", "event_version", "decider", "decider_id", "data",
                                             "command_id", "previous_id", "final", "stream_position")
                VALUES (v_events[i], v_event_ids[i], v_event_versions[i], v_decider, v_decider_id, v_data[i],
                        v_command_id, v_previous, v_final AND i = v_n, CASE WHEN i = 1 THEN -2 ELSE -1 END)
                ON CONFLICT ("decider_id", "decider", "stream_position") DO NOTHING
                RETURNING *;
            IF NOT FOUND THEN
                IF i = 1 AND command_appended(v_command_id, v_decider_id, v_decider) THEN
                    RETURN QUERY SELECT * FROM command_events(v_command_id, v_decider_id, v_decider);
                    RETURN;
                END IF;
                PERFORM raise_conflict(v_decider, v_decider_id, v_previous);
            END IF;
            v_previous := v_event_ids[i];
        END LOOP;
END;
$$;

-- API: the events of a stream, in stream order. Without v_decider: the events of every decider with that id, in
-- log order. Reads walk events_stream_position_key (enable_seqscan = off: whatever plan a session cached, ADR 0050).
-- Example: SELECT * FROM get_events('f156a3c4-9bd8-11ed-a8fc-0242ac120002', 'decider1');
CREATE OR REPLACE FUNCTION get_events(v_decider_id TEXT, v_decider TEXT DEFAULT NULL)
    RETURNS SETOF events
    LANGUAGE plpgsql
    STABLE
    SET enable_seqscan = off
    SET jit = off AS
$$
BEGIN
    IF v_decider IS NULL THEN
        RETURN QUERY SELECT *
                     FROM (SELECT *
                           FROM events e
                           WHERE e."decider_id" = v_decider_id
                           ORDER BY e."decider_id", e."decider", e."stream_position") s
                     ORDER BY s."offset";
    ELSE
        RETURN QUERY SELECT *
                     FROM events e
                     WHERE e."decider_id" = v_decider_id
                       AND e."decider" = v_decider
                     ORDER BY e."decider_id", e."decider", e."stream_position";
    END IF;
END;
$$;

-- API: the last event of a stream (one probe of events_stream_position_key). Honours v_decider (the seed ignored it).
-- Without v_decider: the latest event, by offset, of the deciders with that id.
-- Example: SELECT * FROM get_last_event('f156a3c4-9bd8-11ed-a8fc-0242ac120002', 'decider1');
CREATE OR REPLACE FUNCTION get_last_event(v_decider_id TEXT, v_decider TEXT DEFAULT NULL)
    RETURNS SETOF events
    LANGUAGE plpgsql
    STABLE
    SET enable_seqscan = off
    SET jit = off AS
$$
BEGIN
    RETURN QUERY SELECT last.*
                 FROM (SELECT DISTINCT d."decider" FROM deciders d WHERE v_decider IS NULL OR d."decider" = v_decider) d
                          CROSS JOIN LATERAL (SELECT *
                                              FROM events e
                                              WHERE e."decider_id" = v_decider_id
                                                AND e."decider" = d."decider"
                                              ORDER BY e."decider_id" DESC, e."decider" DESC, e."stream_position" DESC
                                              LIMIT 1) last
                 ORDER BY last."offset" DESC
                 LIMIT 1;
END;
$$;

INSERT INTO schema_version ("file")
VALUES ('001_event_sourcing.sql')
ON CONFLICT DO NOTHING;
