-- #####################################################################################################################
-- citus/distribute/1_keys.sql: the first step of distributing a plain store on Citus (docs/scaling.md, "Distributing
-- an existing store"), run on the server that becomes the coordinator, writers and processors stopped. Then the
-- variants of sql/citus/ in file-name order (they distribute the tables, copying their rows to the workers, and
-- replace the functions), then 2_triggers.sql. io.fmodel.postgres.SchemaInstaller.distribute runs the three in one
-- transaction.
--
-- The keys of the Citus layout: every unique key includes decider_id (the primary key (decider_id, offset);
-- event_id unique per decider_id). events_check is disabled while the rows are copied to the shards: they were
-- checked and numbered when they were written, and the trigger would refuse their offsets (ES008).
-- #####################################################################################################################

ALTER TABLE events
    DROP CONSTRAINT events_pkey,
    ADD CONSTRAINT events_pkey PRIMARY KEY ("decider_id", "offset");
ALTER TABLE events
    DROP CONSTRAINT events_event_id_key,
    ADD CONSTRAINT events_event_id_key UNIQUE ("decider_id", "event_id");
DROP INDEX events_command_idx;
CREATE INDEX events_command_idx ON events ("command_id", "decider_id");
ALTER TABLE events
    DISABLE TRIGGER events_check;
