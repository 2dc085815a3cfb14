-- #####################################################################################################################
-- citus/001_event_sourcing.sql: the event-sourcing half of the event store, distributed on Citus (docs/scaling.md).
--
-- The Citus variant of sql/001_event_sourcing.sql, applied in its place on a Citus coordinator by
-- io.fmodel.postgres.SchemaInstaller (SchemaLayout.CITUS, chosen by itself when the database has the citus extension),
-- or by psql on the coordinator, each file in one transaction (-1: the SET LOCAL below):
--     for f in sql/citus/00[1345]_*.sql; do psql -1 -v ON_ERROR_STOP=1 -f "$f"; done
-- It records itself as 001_event_sourcing.sql: the same step of the schema, in another layout. The SQL API (names,
-- arguments, the columns of events, the SQLSTATEs) is that of sql/001; what changes is below, and why.
--
-- The layout:
--   * events is distributed by decider_id (create_distributed_table): all the events of a stream, and of every
--     stream that shares its decider_id, live on one shard, so that an append touches one shard on one node.
--   * Every unique key includes decider_id, which Citus requires: the primary key is (decider_id, offset), event_id
--     is unique per decider_id (events_event_id_key on (decider_id, event_id)), previous_id is looked up within the
--     stream. Two streams of different decider_ids may hold the same event_id; within one, a duplicate raises ES009.
--   * deciders is a reference table (a copy on every node): events_check reads it on the node of the shard.
--   * The distribution runs between the tables and the functions: create_distributed_table on a table whose row type
--     functions already use would drop those functions with it (it re-creates the table), silently.
--   * The triggers run on the shards (citus.enable_unsafe_triggers, needed only to create them: their reads name
--     decider_id, so that they stay on the shard's node, as Citus requires of a trigger on a shard).
--   * Every read and write of a function names decider_id (the command's events, the previous event), so that Citus
--     routes it to one shard; the append and read functions are distributed by v_decider_id and colocated with
--     events (create_distributed_function): a call outside a transaction block runs on the node of the stream's
--     shard, in one round trip.
--   * Offsets: events_offset_seq is owned by events."offset", so Citus creates it on every node with a range of its
--     own (node group << 48): offsets stay unique in the whole store, and are drawn by the trigger on the shard's node.
--     They are not in the order of time across nodes: a stream's order is stream_position (as on every engine).
--
-- Errors: those of sql/001 (ES001-ES008), plus ES009 (an event_id already stored in this stream); a duplicate-key
-- error of Citus (23505 on a shard's constraint, named with a shard suffix) never reaches an API caller.
-- Limits: those of sql/001.
-- #####################################################################################################################

-- DDL in one transaction block over several nodes: one connection per node, so that each statement sees the objects
-- the previous ones created there.
SET LOCAL citus.multi_shard_modify_mode TO 'sequential';

-- Which sql/ files were applied; a local table of the coordinator, where the installer runs.
CREATE TABLE IF NOT EXISTS schema_version
(
    "file"       TEXT PRIMARY KEY,
    "applied_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

-- As in sql/001; a reference table (below).
CREATE TABLE IF NOT EXISTS deciders
(
    "decider"       TEXT                     NOT NULL,
    "event"         TEXT                     NOT NULL,
    "event_version" BIGINT                   NOT NULL DEFAULT 1,
    "description"   TEXT                     NOT NULL DEFAULT '',
    "created_at"    TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    PRIMARY KEY ("decider", "event", "event_version"),
    CONSTRAINT deciders_decider_length CHECK (octet_length("decider") BETWEEN 1 AND 128),
    CONSTRAINT deciders_event_length CHECK (octet_length("event") BETWEEN 1 AND 128),
    CONSTRAINT deciders_event_version_range CHECK ("event_version" BETWEEN 1 AND 2147483647)
);

CREATE SEQUENCE IF NOT EXISTS events_offset_seq AS BIGINT;

-- As in sql/001, the same columns in the same order; the keys include decider_id.
CREATE TABLE IF NOT EXISTS events
(
    "event"           TEXT                     NOT NULL,
    "event_id"        UUID                     NOT NULL,
    "event_version"   BIGINT                   NOT NULL DEFAULT 1,
    "decider"         TEXT                     NOT NULL,
    "decider_id"      TEXT                     NOT NULL,
    "data"            JSONB                    NOT NULL,
    "command_id"      UUID                     NOT NULL,
    "previous_id"     UUID,
    "final"           BOOLEAN                  NOT NULL DEFAULT FALSE,
    "created_at"      TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    -- unique in the store (each node draws from a range of its own), not ordered across nodes
    "offset"          BIGINT                   NOT NULL,
    -- the order of a stream
    "stream_position" BIGINT                   NOT NULL,
    CONSTRAINT events_pkey PRIMARY KEY ("decider_id", "offset"),
    -- event_id unique per decider_id: the previous event is found by (decider_id, event_id)
    CONSTRAINT events_event_id_key UNIQUE ("decider_id", "event_id"),
    CONSTRAINT events_stream_position_key UNIQUE ("decider_id", "decider", "stream_position"),
    CONSTRAINT events_decider_id_length CHECK (octet_length("decider_id") BETWEEN 1 AND 512)
);
-- The events of a command, for idempotency: by command and decider_id (both equal in every read: no plan walks the
-- stream instead, and the read stays on the shard).
DO
$$
    BEGIN
        IF to_regclass('events_command_idx') IS NULL THEN
            CREATE INDEX events_command_idx ON events ("command_id", "decider_id");
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
-- The rules, for every row (triggers, run on the shards)
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

-- Append-only: UPDATE, DELETE and TRUNCATE raise. TG_TABLE_NAME is a shard's name on a worker (events_102008): the
-- message names the table.
CREATE OR REPLACE FUNCTION reject_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', regexp_replace(TG_TABLE_NAME, '_[0-9]+$', ''), TG_OP
        USING ERRCODE = 'ES006', HINT = 'append new events instead of changing old ones';
END;
$$;

-- As events_check of sql/001 (see there), with every read of events by decider_id: the previous event by
-- (decider_id, event_id), the command by (command_id, decider_id). Runs on the node of the row's shard, which draws
-- the offset from its own range.
CREATE OR REPLACE FUNCTION events_check() RETURNS trigger
    LANGUAGE plpgsql
    SET enable_seqscan = off
    SET jit = off AS
$$
DECLARE
    v_api        BIGINT  := NEW."stream_position";
    v_registered BOOLEAN;
    v_reused     BOOLEAN := FALSE;
    v_check      RECORD;
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
        PERFORM require_identifier('decider_id', NEW."decider_id", 512);
    END IF;

    -- One query per table, each a single-table read by key: Citus runs a query from a trigger on a shard only when
    -- it stays on that shard's node (deciders is a copy on every node; events by decider_id).
    v_registered := EXISTS (SELECT
                            FROM deciders d
                            WHERE d."decider" = NEW."decider"
                              AND d."event" = NEW."event"
                              AND d."event_version" = NEW."event_version");
    SELECT p."decider" = NEW."decider" AS in_stream,
           p."stream_position"         AS position,
           p."final"                   AS final,
           p."command_id"              AS command_id
    INTO v_check
    FROM events p
    WHERE p."decider_id" = NEW."decider_id"
      AND p."event_id" = NEW."previous_id";
    -- a new batch of the command (not the next event of its batch, or an append_events batch's first event) ...
    IF v_check.command_id IS DISTINCT FROM NEW."command_id" OR v_api = -2 THEN
        -- ... that appended to this stream before
        SELECT bool_or(c."decider" = NEW."decider")
        INTO v_reused
        FROM events c
        WHERE c."command_id" = NEW."command_id"
          AND c."decider_id" = NEW."decider_id";
    END IF;

    IF NOT v_registered THEN
        RAISE EXCEPTION 'event type (%, %, version %) is not registered', NEW."decider", NEW."event",
            NEW."event_version" USING ERRCODE = 'ES002', HINT = 'register it first with register_decider_event';
    ELSIF NEW."previous_id" IS NOT NULL AND v_check.in_stream IS NOT TRUE THEN
        RAISE EXCEPTION 'previous_id % is not an event of stream (%, %)', NEW."previous_id", NEW."decider",
            NEW."decider_id" USING ERRCODE = 'ES003';
    ELSIF v_check.final THEN
        RAISE EXCEPTION 'stream (%, %) is final: it was closed by event %', NEW."decider", NEW."decider_id",
            NEW."previous_id" USING ERRCODE = 'ES004';
    ELSIF v_reused AND v_api IS NOT NULL THEN
        RETURN NULL;
    ELSIF v_reused THEN
        RAISE EXCEPTION 'command % appended to stream (%, %) before, in another batch', NEW."command_id",
            NEW."decider", NEW."decider_id" USING ERRCODE = 'ES007',
            HINT = 'a command appends to a stream once: give each command its own id';
    END IF;
    NEW."stream_position" := COALESCE(v_check.position, 0) + 1;
    NEW."offset" := CASE WHEN pg_current_xact_id() IS NOT NULL THEN nextval('events_offset_seq') END;
    RETURN NEW;
END;
$$;

DO
$$
    DECLARE
        v_trigger RECORD;
    BEGIN
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
                    SET LOCAL citus.enable_unsafe_triggers TO on;
                    EXECUTE format('CREATE TRIGGER %I %s ON %I FOR EACH %s EXECUTE FUNCTION %I()', v_trigger.name,
                                   v_trigger.timing, v_trigger.tbl, v_trigger.level, v_trigger.fn);
                END IF;
            END LOOP;
    END
$$;

-- #####################################################################################################################
-- The distribution: after the tables and their triggers, before every function that uses their row types
-- #####################################################################################################################

DO
$$
    BEGIN
        IF NOT EXISTS (SELECT FROM pg_dist_partition WHERE logicalrelid = 'deciders'::regclass) THEN
            SET LOCAL citus.enable_unsafe_triggers TO on;
            PERFORM create_reference_table('deciders');
        END IF;
        IF NOT EXISTS (SELECT FROM pg_dist_partition WHERE logicalrelid = 'events'::regclass) THEN
            SET LOCAL citus.enable_unsafe_triggers TO on;
            PERFORM create_distributed_table('events', 'decider_id');
        END IF;
    END
$$;

-- #####################################################################################################################
-- API (as in sql/001; every read names decider_id)
-- #####################################################################################################################

-- API: as in sql/001. Runs on the coordinator, which writes the reference table on every node.
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

-- Not an API function: whether command v_command_id appended to the stream (events_command_idx).
CREATE OR REPLACE FUNCTION command_appended(v_command_id UUID, v_decider_id TEXT, v_decider TEXT) RETURNS BOOLEAN
    LANGUAGE plpgsql
    STABLE
    SET enable_seqscan = off
    SET jit = off AS
$$
BEGIN
    RETURN COALESCE((SELECT bool_or(e."decider" = v_decider)
                     FROM events e
                     WHERE e."command_id" = v_command_id
                       AND e."decider_id" = v_decider_id), FALSE);
END;
$$;

-- Not an API function: the events a command appended to a stream, in stream order (events_command_idx).
CREATE OR REPLACE FUNCTION command_events(v_command_id UUID, v_decider_id TEXT, v_decider TEXT)
    RETURNS SETOF events
    LANGUAGE plpgsql
    STABLE
    SET enable_seqscan = off
    SET jit = off AS
$$
BEGIN
    RETURN QUERY SELECT *
                 FROM events e
                 WHERE e."command_id" = v_command_id
                   AND e."decider_id" = v_decider_id
                   AND e."decider" = v_decider
                 ORDER BY e."stream_position";
END;
$$;

-- Not an API function: the stream lost the race for the position after v_previous_id: ES001, or ES004 if it was
-- closed meanwhile.
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

-- Not an API function: ES009 if event v_event_id is stored already, in this layout within the decider_id (where
-- events_event_id_key holds).
CREATE OR REPLACE FUNCTION raise_if_duplicate_event(v_event_id UUID, v_decider TEXT, v_decider_id TEXT) RETURNS VOID
    LANGUAGE plpgsql
    STABLE
    SET enable_seqscan = off
    SET jit = off AS
$$
BEGIN
    IF EXISTS (SELECT FROM events e WHERE e."decider_id" = v_decider_id AND e."event_id" = v_event_id) THEN
        RAISE EXCEPTION 'event % is stored already (stream (%, %))', v_event_id, v_decider, v_decider_id
            USING ERRCODE = 'ES009', HINT = 'give each event its own id';
    END IF;
END;
$$;

-- API: as in sql/001. The INSERT skips a row that any unique key refuses (ON CONFLICT DO NOTHING): a replay, a lost
-- race for the position (ES001, ES004) and a duplicate event_id (ES009) are then told apart by key.
CREATE OR REPLACE FUNCTION append_event(v_event TEXT, v_event_id UUID, v_decider TEXT, v_decider_id TEXT, v_data JSONB,
                                        v_command_id UUID, v_previous_id UUID, v_event_version BIGINT DEFAULT 1,
                                        v_final BOOLEAN DEFAULT FALSE)
    RETURNS SETOF events
    LANGUAGE plpgsql AS
$$
BEGIN
    RETURN QUERY INSERT INTO events ("event", "event_id", "event_version", "decider", "decider_id", "data",
                                     "command_id", "previous_id", "final", "stream_position")
        VALUES (v_event, v_event_id, v_event_version, v_decider, v_decider_id, v_data, v_command_id, v_previous_id,
                v_final, -1)
        ON CONFLICT DO NOTHING
        RETURNING *;
    IF FOUND THEN
        RETURN;
    ELSIF command_appended(v_command_id, v_decider_id, v_decider) THEN
        RETURN QUERY SELECT * FROM command_events(v_command_id, v_decider_id, v_decider);
    ELSE
        PERFORM raise_if_duplicate_event(v_event_id, v_decider, v_decider_id);
        PERFORM raise_conflict(v_decider, v_decider_id, v_previous_id);
    END IF;
END;
$$;

-- API: as in sql/001 (one decision in one call), with the same failure path as append_event.
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
            RETURN QUERY INSERT INTO events ("event", "event_id", "event_version", "decider", "decider_id", "data",
                                             "command_id", "previous_id", "final", "stream_position")
                VALUES (v_events[i], v_event_ids[i], v_event_versions[i], v_decider, v_decider_id, v_data[i],
                        v_command_id, v_previous, v_final AND i = v_n, CASE WHEN i = 1 THEN -2 ELSE -1 END)
                ON CONFLICT DO NOTHING
                RETURNING *;
            IF NOT FOUND THEN
                IF i = 1 AND command_appended(v_command_id, v_decider_id, v_decider) THEN
                    RETURN QUERY SELECT * FROM command_events(v_command_id, v_decider_id, v_decider);
                    RETURN;
                END IF;
                PERFORM raise_if_duplicate_event(v_event_ids[i], v_decider, v_decider_id);
                PERFORM raise_conflict(v_decider, v_decider_id, v_previous);
            END IF;
            v_previous := v_event_ids[i];
        END LOOP;
END;
$$;

-- API: as in sql/001. Without v_decider, the events of every decider with that id by offset: all on one node, so in
-- the order that node drew them (until a shard move, docs/scaling.md).
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
                     FROM events e
                     WHERE e."decider_id" = v_decider_id
                     ORDER BY e."offset";
    ELSE
        RETURN QUERY SELECT *
                     FROM events e
                     WHERE e."decider_id" = v_decider_id
                       AND e."decider" = v_decider
                     ORDER BY e."decider_id", e."decider", e."stream_position";
    END IF;
END;
$$;

-- API: as in sql/001.
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

-- The functions of a stream run on the node of its shard: distributed by v_decider_id, colocated with events.
DO
$$
    DECLARE
        v_function TEXT;
    BEGIN
        FOREACH v_function IN ARRAY ARRAY ['command_appended(uuid,text,text)', 'command_events(uuid,text,text)',
            'raise_conflict(text,text,uuid)', 'raise_if_duplicate_event(uuid,text,text)',
            'append_event(text,uuid,text,text,jsonb,uuid,uuid,bigint,boolean)',
            'append_events(text[],uuid[],text,text,jsonb[],uuid,uuid,bigint[],boolean)', 'get_events(text,text)',
            'get_last_event(text,text)']
            LOOP
                IF NOT EXISTS (SELECT
                               FROM pg_dist_object
                               WHERE classid = 'pg_proc'::regclass
                                 AND objid = v_function::regprocedure
                                 AND distribution_argument_index IS NOT NULL) THEN
                    PERFORM create_distributed_function(v_function::regprocedure, 'v_decider_id', colocate_with := 'events');
                END IF;
            END LOOP;
    END
$$;

INSERT INTO schema_version ("file")
VALUES ('001_event_sourcing.sql')
ON CONFLICT DO NOTHING;
