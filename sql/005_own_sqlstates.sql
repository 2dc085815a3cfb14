-- #####################################################################################################################
-- 005_own_sqlstates.sql: the append functions raise the store's own SQLSTATE for a duplicate event_id (ES009), so
-- that a client maps every failure of the API by SQLSTATE alone, never by a constraint's name (docs/adr/0070).
--
-- Applied after 001-004, like them (psql in file-name order, or io.fmodel.postgres.SchemaInstaller, Flyway, Liquibase).
-- Safe to apply again, also on a running store: CREATE OR REPLACE FUNCTION only, no table is touched (ADR 0019).
-- The layout of sql/001-004 is unchanged; on Citus, sql/citus/001 and sql/citus/004 have these bodies from the start
-- and sql/citus/005 only records itself.
--
-- What changes: append_event, append_events and append_events_with_metadata insert with ON CONFLICT DO NOTHING on
-- any unique key (was: on events_stream_position_key only). A row a key refuses is skipped, and the function tells
-- why, by key: the command appended before (a replay: its events are returned, as before), the event_id is stored
-- already (ES009, was 23505 on events_event_id_key), or the stream moved on (ES001, or ES004 if it was closed).
--   ES009 duplicate event: an event with this event_id is stored already (in any stream here; on Citus, in a stream
--         of the same decider_id, the scope of events_event_id_key there)
-- A direct INSERT into events still raises PostgreSQL's 23505 (events_event_id_key, events_stream_position_key).
-- #####################################################################################################################

-- Not an API function: ES009 if event v_event_id is stored already (events_event_id_key: one index probe).
CREATE OR REPLACE FUNCTION raise_if_duplicate_event(v_event_id UUID, v_decider TEXT, v_decider_id TEXT) RETURNS VOID
    LANGUAGE plpgsql
    STABLE
    SET enable_seqscan = off
    SET jit = off AS
$$
BEGIN
    IF EXISTS (SELECT FROM events e WHERE e."event_id" = v_event_id) THEN
        RAISE EXCEPTION 'event % is stored already (appending to stream (%, %))', v_event_id, v_decider, v_decider_id
            USING ERRCODE = 'ES009', HINT = 'give each event its own id';
    END IF;
END;
$$;

-- API: as in sql/001, with the failure path above.
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
        ON CONFLICT DO NOTHING
        RETURNING *;
    IF FOUND THEN
        RETURN;
    ELSIF command_appended(v_command_id, v_decider_id, v_decider) THEN
        -- a replay (the row was skipped), or a race lost to this very command's first append, now committed
        RETURN QUERY SELECT * FROM command_events(v_command_id, v_decider_id, v_decider);
    ELSE
        PERFORM raise_if_duplicate_event(v_event_id, v_decider, v_decider_id);
        PERFORM raise_conflict(v_decider, v_decider_id, v_previous_id);
    END IF;
END;
$$;

-- API: as in sql/001, with the failure path above.
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

-- API: as in sql/004, with the failure path above.
CREATE OR REPLACE FUNCTION append_events_with_metadata(v_events TEXT[], v_event_ids UUID[], v_decider TEXT,
                                                       v_decider_id TEXT, v_data JSONB[], v_command_id UUID,
                                                       v_previous_id UUID, v_event_versions BIGINT[],
                                                       v_metadata JSONB, v_final BOOLEAN DEFAULT FALSE)
    RETURNS SETOF events
    LANGUAGE plpgsql AS
$$
DECLARE
    v_n        INT  := cardinality(v_event_ids);
    v_previous UUID := v_previous_id;
BEGIN
    IF v_events IS NULL OR v_event_ids IS NULL OR v_data IS NULL OR v_event_versions IS NULL
        OR cardinality(v_events) <> v_n OR cardinality(v_data) <> v_n OR cardinality(v_event_versions) <> v_n THEN
        RAISE EXCEPTION 'append_events_with_metadata: events, event_ids, data and event_versions must be non-null arrays of one length'
            USING ERRCODE = 'ES005';
    ELSIF v_metadata IS NOT NULL AND jsonb_typeof(v_metadata) <> 'object' THEN
        RAISE EXCEPTION 'metadata must be a JSON object or NULL, got %', jsonb_typeof(v_metadata)
            USING ERRCODE = 'ES008';
    ELSIF v_n = 0 THEN
        RETURN;
    END IF;
    FOR i IN 1 .. v_n
        LOOP
            -- as append_events: -2 for the first event (a new batch), -1 for the next ones
            RETURN QUERY INSERT INTO events ("event", "event_id", "event_version", "decider", "decider_id", "data",
                                             "command_id", "previous_id", "final", "stream_position", "metadata")
                VALUES (v_events[i], v_event_ids[i], v_event_versions[i], v_decider, v_decider_id, v_data[i],
                        v_command_id, v_previous, v_final AND i = v_n, CASE WHEN i = 1 THEN -2 ELSE -1 END,
                        v_metadata)
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

INSERT INTO schema_version ("file")
VALUES ('005_own_sqlstates.sql')
ON CONFLICT DO NOTHING;
