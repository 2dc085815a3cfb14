-- #####################################################################################################################
-- citus/005_own_sqlstates.sql: the Citus variant of sql/005_own_sqlstates.sql. On Citus, sql/citus/001 and
-- sql/citus/004 create the append functions with the failure path of sql/005 (ES009 for a duplicate event_id) from
-- the start: nothing to replace; the file records itself, so that the two layouts go through the same steps.
-- #####################################################################################################################

INSERT INTO schema_version ("file")
VALUES ('005_own_sqlstates.sql')
ON CONFLICT DO NOTHING;
