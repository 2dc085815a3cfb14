-- #####################################################################################################################
-- 001_event_sourcing.sql: the event-sourcing half of the event store.
--
-- Applied in file-name order with the other sql/*.sql files to an empty database, by psql
--     for f in sql/*.sql; do psql -v ON_ERROR_STOP=1 -f "$f"; done
-- or by the Java installer (io.fmodel.postgres.SchemaInstaller), which applies the very same files.
-- Idempotent: every statement is CREATE ... IF NOT EXISTS, CREATE OR REPLACE, or guarded; applying it twice is harmless.
-- Objects are created unqualified, in the first schema of the search_path.
--
-- Errors raised by this file carry their own SQLSTATEs (class 'ES'), so that clients map them by code:
--   ES001 concurrency conflict: previous_id is no longer the stream's last event (retry: re-read, decide again)
--   ES002 unregistered event type: (decider, event, event_version) is not in deciders
--   ES003 unknown previous event: previous_id is not an event of this stream
--   ES004 final stream: the stream was closed by a final event
--   ES005 required value is null
--   ES006 append-only: events and deciders cannot be updated, deleted or truncated
-- Plus the ones PostgreSQL raises itself: 23505 on events_event_id_key (duplicate event_id).
-- See docs/event-store.md.
-- #####################################################################################################################

-- Which sql/ files were applied. Each file records itself as its last statement; the installer skips recorded files.
CREATE TABLE IF NOT EXISTS schema_version
(
    "file"       TEXT PRIMARY KEY,
    "applied_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

-- The registry of deciders and the event types each may publish. An event cannot be appended unless its
-- (decider, event, event_version) is registered here (composite foreign key from events).
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
    PRIMARY KEY ("decider", "event", "event_version")
);

-- The append-only log of all events of all streams. A stream is (decider, decider_id).
-- Same columns, in the same order, as the fstore-sql seed, except decider_id, which is TEXT (docs/adr/0001).
CREATE TABLE IF NOT EXISTS events
(
    -- event name/type; part of the composite foreign key to deciders
    "event"         TEXT                     NOT NULL,
    -- event id, chosen by the client; the next event of the stream points to it with previous_id
    "event_id"      UUID                     NOT NULL,
    -- version of the event schema
    "event_version" BIGINT                   NOT NULL DEFAULT 1,
    -- decider name/type; part of the composite foreign key to deciders
    "decider"       TEXT                     NOT NULL,
    -- business identifier of the decider (the stream key, with decider)
    "decider_id"    TEXT                     NOT NULL,
    -- event payload
    "data"          JSONB                    NOT NULL,
    -- the command whose decision produced this event
    "command_id"    UUID                     NOT NULL,
    -- the previous event of the same stream; NULL for the first event
    "previous_id"   UUID,
    -- true for the event that closes its stream
    "final"         BOOLEAN                  NOT NULL DEFAULT FALSE,
    "created_at"    TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    -- position in the log of all events, all streams
    "offset"        BIGSERIAL PRIMARY KEY,
    CONSTRAINT events_event_id_key UNIQUE ("event_id"),
    -- belt and braces: the stream head already serialises writers, this makes a fork impossible even for direct INSERTs
    CONSTRAINT events_previous_id_key UNIQUE ("previous_id"),
    CONSTRAINT events_decider_event_event_version_fkey
        FOREIGN KEY ("decider", "event", "event_version") REFERENCES deciders ("decider", "event", "event_version")
);
-- get_events: one stream in log order (decider filters the few rows of one decider_id)
CREATE INDEX IF NOT EXISTS events_stream_idx ON events ("decider_id", "offset");

-- One row per stream: its head. Written only by the append path (insert_event), in the appending transaction.
-- Optimistic locking is a conditional write of this row (O(1), independent of the stream's length), and the
-- final flag lives here so that no append scans its stream. Consumers keep their positions elsewhere, so that
-- a consumer never holds a row a writer needs.
CREATE TABLE IF NOT EXISTS streams
(
    "decider_id"      TEXT                     NOT NULL,
    "decider"         TEXT                     NOT NULL,
    -- the last event of the stream: the only valid previous_id for the next append
    "last_event_id"   UUID                     NOT NULL,
    -- the offset of that event
    "last_offset"     BIGINT                   NOT NULL,
    -- the command that produced that event (a batch of one command continues without the idempotency lookup)
    "last_command_id" UUID                     NOT NULL,
    -- number of events in the stream
    "length"          BIGINT                   NOT NULL DEFAULT 1,
    -- true once a final event was appended: the stream is closed
    "final"           BOOLEAN                  NOT NULL DEFAULT FALSE,
    "created_at"      TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    "updated_at"      TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    PRIMARY KEY ("decider_id", "decider")
);

-- One row per (command, stream) that appended events: idempotent commands. The append path inserts the command's row
-- first (INSERT ... ON CONFLICT DO NOTHING): inserted means a new command, not inserted means a replay. That check goes
-- through the primary key's index by construction, whatever plan a cached statement would have chosen (docs/adr/0006).
-- A replay reads the command's events back by the offsets recorded here. Written only by the append path, in the
-- appending transaction.
CREATE TABLE IF NOT EXISTS stream_commands
(
    "command_id"   UUID   NOT NULL,
    "decider_id"   TEXT   NOT NULL,
    "decider"      TEXT   NOT NULL,
    -- offsets of the first and the last event the command appended to the stream (NULL only inside the appending
    -- transaction, before its first event)
    "first_offset" BIGINT,
    "last_offset"  BIGINT,
    PRIMARY KEY ("command_id", "decider_id", "decider")
);

-- Append-only: UPDATE, DELETE and TRUNCATE raise (the seed's rules silently did nothing, and missed TRUNCATE).
CREATE OR REPLACE FUNCTION reject_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'ES006', HINT = 'append new events instead of changing old ones';
END;
$$;

CREATE OR REPLACE TRIGGER events_append_only
    BEFORE UPDATE OR DELETE
    ON events
    FOR EACH ROW
EXECUTE FUNCTION reject_change();
CREATE OR REPLACE TRIGGER events_no_truncate
    BEFORE TRUNCATE
    ON events
    FOR EACH STATEMENT
EXECUTE FUNCTION reject_change();
CREATE OR REPLACE TRIGGER deciders_append_only
    BEFORE UPDATE OR DELETE
    ON deciders
    FOR EACH ROW
EXECUTE FUNCTION reject_change();
CREATE OR REPLACE TRIGGER deciders_no_truncate
    BEFORE TRUNCATE
    ON deciders
    FOR EACH STATEMENT
EXECUTE FUNCTION reject_change();

-- #####################################################################################################################
-- API
-- #####################################################################################################################

-- API: register an event type a decider may publish. Idempotent: registering it again returns the registered row
-- (the first description wins).
-- Example: SELECT * FROM register_decider_event('decider1', 'event1', 'description1', 1);
CREATE OR REPLACE FUNCTION register_decider_event(v_decider TEXT, v_event TEXT, v_description TEXT DEFAULT '',
                                                  v_event_version BIGINT DEFAULT 1)
    RETURNS SETOF deciders
    LANGUAGE plpgsql AS
$$
BEGIN
    IF v_decider IS NULL OR v_event IS NULL OR v_event_version IS NULL THEN
        RAISE EXCEPTION 'register_decider_event: decider, event and event_version are required (got %, %, %)',
            v_decider, v_event, v_event_version USING ERRCODE = 'ES005';
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

-- Not an API function (no idempotency check; called by append_event and append_events): checks and appends one
-- event under optimistic locking, moves the stream head and records the event's offset in its command's row. Its cost
-- does not depend on the stream's length: one lookup in deciders, one conditional upsert of the head row, one INSERT
-- into events, one upsert of the command's row.
CREATE OR REPLACE FUNCTION insert_event(v_event TEXT, v_event_id UUID, v_decider TEXT, v_decider_id TEXT,
                                        v_data JSONB, v_command_id UUID, v_previous_id UUID, v_event_version BIGINT,
                                        v_final BOOLEAN)
    RETURNS SETOF events
    LANGUAGE plpgsql AS
$$
DECLARE
    v_offset         BIGINT;
    v_length         BIGINT;
    v_head_event_id  UUID;
    v_head_final     BOOLEAN;
    v_previous_known BOOLEAN;
BEGIN
    IF v_event IS NULL OR v_event_id IS NULL OR v_decider IS NULL OR v_decider_id IS NULL OR v_data IS NULL
        OR v_command_id IS NULL OR v_event_version IS NULL OR v_final IS NULL THEN
        RAISE EXCEPTION 'append_event: only previous_id may be null (event %, event_id %, decider %, decider_id %, data %, command_id %, event_version %, final %)',
            v_event, v_event_id, v_decider, v_decider_id, CASE WHEN v_data IS NULL THEN 'NULL' ELSE '...' END,
            v_command_id, v_event_version, v_final
            USING ERRCODE = 'ES005';
    END IF;

    PERFORM
    FROM deciders
    WHERE "decider" = v_decider
      AND "event" = v_event
      AND "event_version" = v_event_version;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'event type (%, %, version %) is not registered', v_decider, v_event, v_event_version
            USING ERRCODE = 'ES002', HINT = 'register it first with register_decider_event';
    END IF;

    -- Take a transaction id before the offset, so that a transaction holding an offset is always visible in
    -- pg_current_snapshot(): event streaming (002) relies on it to tell a hole that may still commit from one that
    -- never will.
    PERFORM pg_current_xact_id();
    v_offset := nextval('events_offset_seq');

    -- The head moves only if it is still where the client saw it (previous_id; NULL: the stream must not exist). One
    -- upsert of the head row serves both cases and, unlike an UPDATE ... WHERE, reaches the row through its primary
    -- key's index by construction: a cached generic plan cannot turn it into a scan of streams. A concurrent writer
    -- holding the row makes it wait; once that writer commits, the condition is checked against its new head and
    -- fails. Of two concurrent first appends, exactly one inserts the head (the seed let both commit).
    INSERT INTO streams ("decider_id", "decider", "last_event_id", "last_offset", "last_command_id", "final")
    VALUES (v_decider_id, v_decider, v_event_id, v_offset, v_command_id, v_final)
    ON CONFLICT ("decider_id", "decider") DO UPDATE
        SET "last_event_id"   = excluded."last_event_id",
            "last_offset"     = excluded."last_offset",
            "last_command_id" = excluded."last_command_id",
            "length"          = streams."length" + 1,
            "final"           = excluded."final",
            "updated_at"      = NOW()
    WHERE streams."last_event_id" = v_previous_id
      AND NOT streams."final"
    RETURNING "length" INTO v_length;
    IF NOT FOUND THEN
        -- Not moved: say why (the failure path, planned per call).
        EXECUTE 'SELECT s."last_event_id", s."final",
                        EXISTS (SELECT FROM events e WHERE e."event_id" = $3 AND e."decider_id" = $1 AND e."decider" = $2)
                 FROM streams s
                 WHERE s."decider_id" = $1 AND s."decider" = $2'
            INTO v_head_event_id, v_head_final, v_previous_known
            USING v_decider_id, v_decider, v_previous_id;
        IF v_head_final THEN
            RAISE EXCEPTION 'stream (%, %) is final: it was closed by event %', v_decider, v_decider_id,
                v_head_event_id USING ERRCODE = 'ES004';
        ELSIF v_previous_id IS NULL THEN
            RAISE EXCEPTION 'concurrency conflict on stream (%, %): previous_id is NULL but the stream already has events (last event %)',
                v_decider, v_decider_id, v_head_event_id USING ERRCODE = 'ES001';
        ELSIF v_previous_known THEN
            RAISE EXCEPTION 'concurrency conflict on stream (%, %): previous_id % is no longer the last event (now %)',
                v_decider, v_decider_id, v_previous_id, v_head_event_id USING ERRCODE = 'ES001';
        ELSE
            RAISE EXCEPTION 'previous_id % is not an event of stream (%, %)', v_previous_id, v_decider,
                v_decider_id USING ERRCODE = 'ES003';
        END IF;
    ELSIF v_previous_id IS NOT NULL AND v_length = 1 THEN
        -- Inserted, so the stream had no head: previous_id cannot be one of its events (the insert is rolled back).
        RAISE EXCEPTION 'previous_id % is not an event of stream (%, %): the stream is empty', v_previous_id,
            v_decider, v_decider_id USING ERRCODE = 'ES003';
    END IF;

    RETURN QUERY INSERT INTO events ("event", "event_id", "event_version", "decider", "decider_id", "data",
                                     "command_id", "previous_id", "final", "offset")
        VALUES (v_event, v_event_id, v_event_version, v_decider, v_decider_id, v_data, v_command_id, v_previous_id,
                v_final, v_offset)
        RETURNING *;
    -- The command's row (inserted by the caller, or here by a direct call): its first and last offsets.
    INSERT INTO stream_commands ("command_id", "decider_id", "decider", "first_offset", "last_offset")
    VALUES (v_command_id, v_decider_id, v_decider, v_offset, v_offset)
    ON CONFLICT ("command_id", "decider_id", "decider") DO UPDATE
        SET "first_offset" = COALESCE(stream_commands."first_offset", excluded."first_offset"),
            "last_offset"  = excluded."last_offset";
END;
$$;

-- Not an API function: the events a command appended to a stream, oldest first (the replay of an idempotent
-- command), read by offset range from the stream's index. Planned per call: replays are rare, and a cached generic
-- plan could scan instead.
CREATE OR REPLACE FUNCTION command_events(v_command_id UUID, v_decider_id TEXT, v_decider TEXT)
    RETURNS SETOF events
    LANGUAGE plpgsql
    STABLE AS
$$
BEGIN
    RETURN QUERY EXECUTE 'SELECT e.*
                          FROM stream_commands c
                                   JOIN events e ON e."decider_id" = c."decider_id" AND e."decider" = c."decider"
                              AND e."offset" BETWEEN c."first_offset" AND c."last_offset"
                              AND e."command_id" = c."command_id"
                          WHERE c."command_id" = $1 AND c."decider_id" = $2 AND c."decider" = $3
                          ORDER BY e."offset"'
        USING v_command_id, v_decider_id, v_decider;
END;
$$;

-- Not an API function: ES005 unless the stream and the command are given (before anything is written).
CREATE OR REPLACE FUNCTION require_stream_and_command(v_decider TEXT, v_decider_id TEXT, v_command_id UUID)
    RETURNS VOID
    LANGUAGE plpgsql
    IMMUTABLE AS
$$
BEGIN
    IF v_decider IS NULL OR v_decider_id IS NULL OR v_command_id IS NULL THEN
        RAISE EXCEPTION 'append: decider, decider_id and command_id are required (got %, %, %)', v_decider,
            v_decider_id, v_command_id USING ERRCODE = 'ES005';
    END IF;
END;
$$;

-- API: append one event to the stream (v_decider, v_decider_id), under optimistic locking.
--   v_previous_id: NULL for the first event of a stream, else the stream's last event id.
--   v_final: true closes the stream (optional trailing parameter; the seed's argument order and defaults are kept).
-- Idempotent commands: if v_command_id already produced events in this stream and v_previous_id is not one of them
-- (this call starts a new batch), nothing is inserted and the events that command produced are returned instead.
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
DECLARE
    v_continues BOOLEAN;
BEGIN
    PERFORM require_stream_and_command(v_decider, v_decider_id, v_command_id);
    -- A new command in this stream inserts its row; an existing row means the command appended here before: either
    -- this call continues its batch (previous_id is one of its events), or it is a replay.
    INSERT INTO stream_commands ("command_id", "decider_id", "decider")
    VALUES (v_command_id, v_decider_id, v_decider)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        EXECUTE 'SELECT EXISTS (SELECT FROM events WHERE "event_id" = $1 AND "command_id" = $2 AND "decider_id" = $3
                                                   AND "decider" = $4)'
            INTO v_continues
            USING v_previous_id, v_command_id, v_decider_id, v_decider;
        IF NOT v_continues THEN
            RETURN QUERY SELECT * FROM command_events(v_command_id, v_decider_id, v_decider);
            RETURN;
        END IF;
    END IF;
    RETURN QUERY SELECT *
                 FROM insert_event(v_event, v_event_id, v_decider, v_decider_id, v_data, v_command_id, v_previous_id,
                                   v_event_version, v_final);
END;
$$;

-- API: append the events of one decision (one command) in one call, one round trip, one transaction: the first
-- event follows v_previous_id, each next one the one before. Arrays are parallel, one element per event; v_final
-- closes the stream with the last event. Same checks and errors as append_event.
-- Idempotent per batch: if v_command_id already produced events in this stream, nothing is appended and the events
-- it produced then are returned (whatever v_previous_id is: a retried decision is recognised even when its last
-- event is still the stream's head).
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
    v_n        INT := cardinality(v_event_ids);
    v_previous UUID := v_previous_id;
BEGIN
    IF v_events IS NULL OR v_event_ids IS NULL OR v_data IS NULL OR v_event_versions IS NULL
        OR cardinality(v_events) <> v_n OR cardinality(v_data) <> v_n OR cardinality(v_event_versions) <> v_n THEN
        RAISE EXCEPTION 'append_events: events, event_ids, data and event_versions must be non-null arrays of one length'
            USING ERRCODE = 'ES005';
    END IF;
    PERFORM require_stream_and_command(v_decider, v_decider_id, v_command_id);
    IF v_n = 0 THEN
        RETURN;
    END IF;
    -- A new command in this stream inserts its row; an existing row means a replay (see append_event).
    INSERT INTO stream_commands ("command_id", "decider_id", "decider")
    VALUES (v_command_id, v_decider_id, v_decider)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN QUERY SELECT * FROM command_events(v_command_id, v_decider_id, v_decider);
        RETURN;
    END IF;
    FOR i IN 1 .. v_n
        LOOP
            RETURN QUERY SELECT *
                         FROM insert_event(v_events[i], v_event_ids[i], v_decider, v_decider_id, v_data[i],
                                           v_command_id, v_previous, v_event_versions[i], v_final AND i = v_n);
            v_previous := v_event_ids[i];
        END LOOP;
END;
$$;

-- Reads are planned per call (EXECUTE): a caller's prepared statement, or a cached plan of an inlined SQL function,
-- may keep a generic plan made while the store was small, and that plan scans every event of every stream until an
-- ANALYZE invalidates it (CachedPlansIT). Planning costs tens of microseconds; a scan of a grown store costs
-- milliseconds per call.

-- API: the events of a stream, oldest first. Without v_decider: the events of every decider with that id.
-- Example: SELECT * FROM get_events('f156a3c4-9bd8-11ed-a8fc-0242ac120002', 'decider1');
CREATE OR REPLACE FUNCTION get_events(v_decider_id TEXT, v_decider TEXT DEFAULT NULL)
    RETURNS SETOF events
    LANGUAGE plpgsql
    STABLE AS
$$
BEGIN
    IF v_decider IS NULL THEN
        RETURN QUERY EXECUTE 'SELECT * FROM events WHERE "decider_id" = $1 ORDER BY "offset"'
            USING v_decider_id;
    ELSE
        RETURN QUERY EXECUTE 'SELECT * FROM events WHERE "decider_id" = $1 AND "decider" = $2 ORDER BY "offset"'
            USING v_decider_id, v_decider;
    END IF;
END;
$$;

-- API: the last event of a stream, from its head (O(1)). Honours v_decider (the seed ignored it). Without
-- v_decider: the latest event of every decider with that id.
-- Example: SELECT * FROM get_last_event('f156a3c4-9bd8-11ed-a8fc-0242ac120002', 'decider1');
CREATE OR REPLACE FUNCTION get_last_event(v_decider_id TEXT, v_decider TEXT DEFAULT NULL)
    RETURNS SETOF events
    LANGUAGE plpgsql
    STABLE AS
$$
BEGIN
    RETURN QUERY EXECUTE 'SELECT e.*
                          FROM streams s
                                   JOIN events e ON e."offset" = s."last_offset"
                          WHERE s."decider_id" = $1
                            AND ($2::text IS NULL OR s."decider" = $2)
                          ORDER BY s."last_offset" DESC
                          LIMIT 1'
        USING v_decider_id, v_decider;
END;
$$;

INSERT INTO schema_version ("file")
VALUES ('001_event_sourcing.sql')
ON CONFLICT DO NOTHING;
