-- #####################################################################################################################
-- citus/004_event_metadata.sql: event metadata on Citus, the variant of sql/004_event_metadata.sql applied in its
-- place after citus/001 and citus/003 (docs/scaling.md). Records itself as 004_event_metadata.sql.
--
-- As sql/004, with: the column added through the coordinator (Citus adds it to every shard);
-- append_events_with_metadata skips a row any unique key refuses and tells a duplicate event_id (ES009) from a lost
-- race, as append_events of citus/001, and is distributed by v_decider_id, colocated with events;
-- stream_event_batches_with_metadata reads the metadata by primary key, (decider_id, offset).
-- #####################################################################################################################

SET LOCAL citus.multi_shard_modify_mode TO 'sequential';

-- The metadata of an event: a JSON object, NULL for the events written without one (every event written before this
-- file, and those of append_event and append_events). Nullable and without a default, so adding it rewrites nothing.
-- Keys the Java adapter writes and reads (io.fmodel.postgres.Metadata): correlation_id, causation_id (strings),
-- trace_context and entries (objects of strings); other keys are kept and ignored.
DO
$$
    BEGIN
        IF NOT EXISTS (SELECT
                       FROM pg_attribute
                       WHERE attrelid = 'events'::regclass
                         AND attname = 'metadata'
                         AND NOT attisdropped) THEN
            ALTER TABLE events
                ADD COLUMN "metadata" JSONB;
        END IF;
    END
$$;

-- API: append_events with a metadata document: every event of the call (one decision, one command) gets
-- v_metadata, a JSON object or NULL (ES008 for any other JSON). Otherwise exactly append_events: same checks, same
-- errors, the same idempotency per command (a replay returns the events the command appended then, with the
-- metadata they were stored with).
-- Example: SELECT * FROM append_events_with_metadata(ARRAY['event1'], ARRAY[gen_random_uuid()], 'decider1', 'id1',
--                                                    ARRAY['{}'::jsonb], gen_random_uuid(), NULL, ARRAY[1]::bigint[],
--                                                    '{"correlation_id": "c-1"}');
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

-- API: stream_event_batches with each event's metadata as a last column: the same leases, rows and order (partition
-- by partition, each in stream order), plus "metadata" read by offset (a probe of events_pkey per event; enable_seqscan
-- = off, so no plan cached while the log was small walks it instead, ADR 0050). stream_event_batches and stream_events
-- keep the seed's columns; processors that show metadata call this one.
-- Example: SELECT * FROM stream_event_batches_with_metadata('view1', 10, 100);
CREATE OR REPLACE FUNCTION stream_event_batches_with_metadata(v_view TEXT, v_partitions INT DEFAULT 1,
                                                              v_events_per_partition INT DEFAULT 100,
                                                              v_seconds INT DEFAULT NULL,
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
                "stream_position" BIGINT,
                "metadata"        JSONB
            )
    LANGUAGE plpgsql
    SET enable_seqscan = off
    SET jit = off AS
$$
#variable_conflict use_column
DECLARE
    b RECORD;
BEGIN
    -- row by row: Citus plans no correlated subquery beside a set-returning function
    FOR b IN SELECT *
             FROM stream_event_batches(v_view, v_partitions, v_events_per_partition, v_seconds, v_consumer)
                      WITH ORDINALITY x
             ORDER BY x."ordinality"
        LOOP
            "event" := b."event";
            "event_id" := b."event_id";
            "event_version" := b."event_version";
            "decider" := b."decider";
            "decider_id" := b."decider_id";
            "data" := b."data";
            "command_id" := b."command_id";
            "previous_id" := b."previous_id";
            "final" := b."final";
            "created_at" := b."created_at";
            "offset" := b."offset";
            "lease" := b."lease";
            "attempt" := b."attempt";
            "locked_until" := b."locked_until";
            "stream_position" := b."stream_position";
            EXECUTE 'SELECT e."metadata" FROM events e WHERE e."decider_id" = $1 AND e."offset" = $2'
                INTO "metadata"
                USING b."decider_id"::text, b."offset"::bigint;
            RETURN NEXT;
        END LOOP;
END;
$$;

DO
$$
    BEGIN
        IF NOT EXISTS (SELECT
                       FROM pg_dist_object
                       WHERE classid = 'pg_proc'::regclass
                         AND objid =
                             'append_events_with_metadata(text[],uuid[],text,text,jsonb[],uuid,uuid,bigint[],jsonb,boolean)'::regprocedure
                         AND distribution_argument_index IS NOT NULL) THEN
            PERFORM create_distributed_function(
                    'append_events_with_metadata(text[],uuid[],text,text,jsonb[],uuid,uuid,bigint[],jsonb,boolean)'::regprocedure,
                    'v_decider_id', colocate_with := 'events');
        END IF;
    END
$$;

INSERT INTO schema_version ("file")
VALUES ('004_event_metadata.sql')
ON CONFLICT DO NOTHING;
