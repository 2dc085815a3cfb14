-- #####################################################################################################################
-- citus/distribute/2_triggers.sql: the last step of distributing a plain store on Citus (docs/scaling.md), after
-- 1_keys.sql and the variants of sql/citus/: events_check enabled again, on every shard.
-- #####################################################################################################################

SET LOCAL citus.enable_unsafe_triggers TO on;
ALTER TABLE events
    ENABLE TRIGGER events_check;
