-- #####################################################################################################################
-- citus/003_snapshots.sql: snapshots on Citus, the variant of sql/003_snapshots.sql applied in its place after
-- citus/001 (docs/scaling.md). Records itself as 003_snapshots.sql.
--
-- As sql/003, with: snapshots distributed by decider_id, colocated with events (a stream's snapshot on the node of
-- its events); the upsert sets updated_at from the inserted row (Citus refuses NOW() there: "functions used in the DO
-- UPDATE SET clause of INSERTs on distributed tables must be marked IMMUTABLE"); get_events_after reads the command's
-- events itself (a query on a shard may only read that shard); the functions distributed by v_decider_id, colocated
-- with events.
-- #####################################################################################################################

SET LOCAL citus.multi_shard_modify_mode TO 'sequential';

-- At most one snapshot per stream: the state folded up to and including the event event_id.
CREATE TABLE IF NOT EXISTS snapshots
(
    "decider_id" TEXT                     NOT NULL,
    "decider"    TEXT                     NOT NULL,
    -- the shape of the state, chosen by the application: a snapshot of another revision is not loaded, so a changed
    -- state class never decodes an old shape
    "revision"   TEXT                     NOT NULL,
    -- the state, as JSON
    "state"      JSONB                    NOT NULL,
    -- the last event folded into the state: the version the next append of the stream expects if none is newer
    "event_id"   UUID                     NOT NULL,
    -- that event's offset: a snapshot only ever moves forward
    "offset"     BIGINT                   NOT NULL,
    "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    PRIMARY KEY ("decider_id", "decider")
);

DO
$$
    BEGIN
        IF NOT EXISTS (SELECT FROM pg_dist_partition WHERE logicalrelid = 'snapshots'::regclass) THEN
            PERFORM create_distributed_table('snapshots', 'decider_id', colocate_with := 'events');
        END IF;
    END
$$;

-- API: save the snapshot of a stream, unless a newer one is stored: an upsert that only moves forward by offset (a
-- snapshot of another revision at the same offset is replaced). Returns true if this state was stored.
-- v_event_id must be an event of the stream (ES003 otherwise: a snapshot of another stream is never stored).
-- Example: SELECT save_snapshot('f156a3c4-9bd8-11ed-a8fc-0242ac120002', 'decider1', 'v1', '{"count": 3}',
--                               '21e19516-9bda-11ed-a8fc-0242ac120002');
CREATE OR REPLACE FUNCTION save_snapshot(v_decider_id TEXT, v_decider TEXT, v_revision TEXT, v_state JSONB,
                                         v_event_id UUID)
    RETURNS BOOLEAN
    LANGUAGE plpgsql
    SET enable_seqscan = off
    SET jit = off AS
$$
DECLARE
    v_offset BIGINT;
BEGIN
    IF v_decider_id IS NULL OR v_decider IS NULL OR v_revision IS NULL OR v_state IS NULL OR v_event_id IS NULL THEN
        RAISE EXCEPTION 'save_snapshot: decider_id, decider, revision, state and event_id are required'
            USING ERRCODE = 'ES005';
    END IF;
    PERFORM require_identifier('revision', v_revision, 128);
    -- events_event_id_key: one index lookup whatever the stream's length (enable_seqscan = off: ADR 0050)
    SELECT e."offset"
    INTO v_offset
    FROM events e
    WHERE e."event_id" = v_event_id
      AND e."decider_id" = v_decider_id
      AND e."decider" = v_decider;
    IF v_offset IS NULL THEN
        RAISE EXCEPTION 'snapshot version % is not an event of stream (%, %)', v_event_id, v_decider, v_decider_id
            USING ERRCODE = 'ES003';
    END IF;
    INSERT INTO snapshots AS s ("decider_id", "decider", "revision", "state", "event_id", "offset")
    VALUES (v_decider_id, v_decider, v_revision, v_state, v_event_id, v_offset)
    ON CONFLICT ("decider_id", "decider") DO UPDATE
        SET "revision"   = excluded."revision",
            "state"      = excluded."state",
            "event_id"   = excluded."event_id",
            "offset"     = excluded."offset",
            "updated_at" = excluded."updated_at"
    WHERE s."offset" < excluded."offset"
       OR (s."offset" = excluded."offset" AND s."revision" <> excluded."revision");
    RETURN FOUND;
END;
$$;

-- API: the snapshot of a stream in revision v_revision; no row when there is none (or only one of another revision).
-- Example: SELECT * FROM get_snapshot('f156a3c4-9bd8-11ed-a8fc-0242ac120002', 'decider1', 'v1');
CREATE OR REPLACE FUNCTION get_snapshot(v_decider_id TEXT, v_decider TEXT, v_revision TEXT)
    RETURNS SETOF snapshots
    LANGUAGE plpgsql
    STABLE
    SET enable_seqscan = off
    SET jit = off AS
$$
BEGIN
    RETURN QUERY SELECT *
                 FROM snapshots s
                 WHERE s."decider_id" = v_decider_id
                   AND s."decider" = v_decider
                   AND s."revision" = v_revision;
END;
$$;

-- API: what an aggregate folds onto a snapshot of event v_after: the event v_after itself first (so that no row at
-- all means v_after is not an event of this stream), then in stream order the events of the stream after it and the
-- earlier events of command v_command_id (to recognise a retried command older than the snapshot).
-- Its cost depends on the number of events returned, not on the stream's length nor on other streams: the events
-- after v_after are a range of events_stream_position_key from its position, the command's events are found by
-- events_command_idx (command_events).
-- Example: SELECT * FROM get_events_after('f156a3c4-9bd8-11ed-a8fc-0242ac120002', 'decider1',
--                                         '21e19516-9bda-11ed-a8fc-0242ac120002', gen_random_uuid());
CREATE OR REPLACE FUNCTION get_events_after(v_decider_id TEXT, v_decider TEXT, v_after UUID, v_command_id UUID)
    RETURNS SETOF events
    LANGUAGE plpgsql
    STABLE
    SET enable_seqscan = off
    SET jit = off AS
$$
DECLARE
    v_position BIGINT;
BEGIN
    SELECT e."stream_position"
    INTO v_position
    FROM events e
    WHERE e."event_id" = v_after
      AND e."decider_id" = v_decider_id
      AND e."decider" = v_decider;
    IF v_position IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY SELECT *
                 FROM (SELECT *
                       FROM events e
                       WHERE e."decider_id" = v_decider_id
                         AND e."decider" = v_decider
                         AND e."stream_position" >= v_position
                       UNION ALL
                       -- the command's events read here, not through command_events: Citus runs a query on a shard
                       -- only when each of its parts is a read of that shard
                       SELECT *
                       FROM events c
                       WHERE c."command_id" = v_command_id
                         AND c."decider_id" = v_decider_id
                         AND c."decider" = v_decider
                         AND c."stream_position" < v_position) s
                 ORDER BY s."stream_position";
END;
$$;

-- The functions of a stream run on the node of its shard.
DO
$$
    DECLARE
        v_function TEXT;
    BEGIN
        FOREACH v_function IN ARRAY ARRAY ['save_snapshot(text,text,text,jsonb,uuid)', 'get_snapshot(text,text,text)',
            'get_events_after(text,text,uuid,uuid)']
            LOOP
                IF NOT EXISTS (SELECT
                               FROM pg_dist_object
                               WHERE classid = 'pg_proc'::regclass
                                 AND objid = v_function::regprocedure
                                 AND distribution_argument_index IS NOT NULL) THEN
                    PERFORM create_distributed_function(v_function::regprocedure, 'v_decider_id',
                                                        colocate_with := 'events');
                END IF;
            END LOOP;
    END
$$;

INSERT INTO schema_version ("file")
VALUES ('003_snapshots.sql')
ON CONFLICT DO NOTHING;
