-- The events table of the Citus variant, reduced to what streaming reads (CitusStreamingIT): the columns of
-- sql/001_event_sourcing.sql, keys that include decider_id, distributed by decider_id. The tests insert the rows
-- themselves (offset and stream_position chosen by the test), so that each transaction's timing is theirs.
CREATE TABLE IF NOT EXISTS schema_version
(
    "file"       TEXT PRIMARY KEY,
    "applied_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);
CREATE SEQUENCE IF NOT EXISTS events_offset_seq AS BIGINT;
CREATE TABLE events
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
    "offset"          BIGINT                   NOT NULL,
    "stream_position" BIGINT                   NOT NULL,
    PRIMARY KEY ("decider_id", "offset"),
    UNIQUE ("decider_id", "decider", "stream_position")
);
SELECT create_distributed_table('events', 'decider_id');
