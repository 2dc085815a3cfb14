-- #####################################################################################################################
-- sql/optional/least_privilege.sql: an application role that can use the event store's API but not tamper with it.
--
-- NOT installed by default (SchemaInstaller and the codegen apply the top-level sql/*.sql files only). Apply it by
-- hand, after sql/*.sql, as the role that installed (and owns) the store, with the store's schema first in the
-- search_path:
--     psql -v ON_ERROR_STOP=1 -c 'SET search_path = my_schema' -f sql/optional/least_privilege.sql
-- Re-apply it after every upgrade: CREATE OR REPLACE FUNCTION (as in sql/*.sql) resets SECURITY DEFINER and SET
-- search_path. Idempotent. See docs/security.md and docs/adr/0031.
--
-- What it does, in the schema where the store lives (current_schema()):
--   * creates the group role fmodel_app (NOLOGIN) if missing; grant it to the application's login users:
--         CREATE ROLE billing_service LOGIN PASSWORD '...' IN ROLE fmodel_app;
--   * fmodel_app may USE the schema, SELECT every table, EXECUTE the API functions; nothing else. In particular it
--     cannot INSERT, UPDATE, DELETE or TRUNCATE events, deciders, views, view_cursors, view_markers or
--     view_positions,
--     cannot call the internal helpers (raise_conflict, held_position, ...), and cannot use the sequences of offsets and
--     lease tokens.
--   * the API functions become SECURITY DEFINER (they run as their owner, who can write the tables) with a FIXED
--     search_path = <schema>, pg_temp: pg_temp last, so a caller's temporary table or function cannot stand in for
--     one of the store (a plain function would resolve events to pg_temp.events first).
--   * revokes CREATE on the schema from PUBLIC, so that no one but its owner can add objects next to the store's.
--   * EXECUTE on functions is granted to PUBLIC by default in PostgreSQL: it is revoked for the store's functions,
--     so other roles that used the API must be granted fmodel_app (or EXECUTE) too.
-- The application keeps its own tables (view states, ...) in a schema of its own, or is granted more by the owner.
-- #####################################################################################################################

DO
$least_privilege$
    DECLARE
        v_schema   TEXT := current_schema();
        v_object   RECORD;
        -- the API of sql/001 to sql/004 (docs/event-store.md, docs/streaming.md, docs/snapshots.md)
        v_api      TEXT[] := ARRAY [
            'register_decider_event', 'append_event', 'append_events', 'get_events', 'get_last_event',
            'register_view', 'reset_view', 'discover_events', 'stream_event_batches', 'stream_events',
            'ack_event', 'schedule_nack_event', 'nack_event', 'park_partition', 'release_partition',
            'parked_partitions', 'view_lag', 'last_offsets', 'release_leases', 'extend_leases', 'save_snapshot',
            'get_snapshot', 'get_events_after', 'append_events_with_metadata',
            'stream_event_batches_with_metadata'];
        -- internal: called only by the API functions (as their owner) and by triggers
        v_internal TEXT[] := ARRAY ['command_appended', 'command_events', 'raise_conflict', 'raise_if_duplicate_event',
            'held_position', 'view_start_offset', 'reject_change', 'require_identifier', 'events_check', 'require_view_name',
            'require_range', 'registered_view', 'fresh_xid_bound', 'views_deleted'];
        -- snapshots too: the application saves them through save_snapshot; deleting them is the owner's job
        v_tables   TEXT[] := ARRAY ['schema_version', 'deciders', 'events', 'views',
            'view_cursors', 'view_markers', 'view_positions', 'view_xid_probe', 'locks', 'snapshots'];
    BEGIN
        IF v_schema IS NULL OR to_regclass(format('%I.events', v_schema)) IS NULL
            OR to_regclass(format('%I.view_positions', v_schema)) IS NULL
            OR to_regclass(format('%I.snapshots', v_schema)) IS NULL THEN
            RAISE EXCEPTION 'least_privilege.sql: the event store is not installed in schema % (apply sql/*.sql first, with that schema first in the search_path)',
                v_schema;
        END IF;
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fmodel_app') THEN
            CREATE ROLE fmodel_app NOLOGIN;
        END IF;

        EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC', v_schema);
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO fmodel_app', v_schema);

        -- the store's tables: read only
        FOR v_object IN SELECT unnest(v_tables) AS name
            LOOP
                EXECUTE format('REVOKE ALL ON TABLE %I.%I FROM PUBLIC, fmodel_app', v_schema, v_object.name);
                EXECUTE format('GRANT SELECT ON TABLE %I.%I TO fmodel_app', v_schema, v_object.name);
            END LOOP;
        -- the offsets (only events_check draws them) and the lease tokens
        EXECUTE format('REVOKE ALL ON SEQUENCE %I.events_offset_seq, %I.view_leases_seq FROM PUBLIC, fmodel_app',
                       v_schema, v_schema);

        -- the store's functions: a search_path no caller can change; the API, and only the API, for fmodel_app, run
        -- as its owner (EXECUTE is granted to PUBLIC by default in PostgreSQL: revoked here)
        FOR v_object IN SELECT p.proname AS name,
                               format('%I.%I(%s)', v_schema, p.proname,
                                      pg_get_function_identity_arguments(p.oid)) AS signature
                        FROM pg_proc p
                        WHERE p.pronamespace = v_schema::regnamespace
                          AND p.prokind = 'f'
                          AND p.proname = ANY (v_api || v_internal)
            LOOP
                EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', v_object.signature, v_schema);
                EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC, fmodel_app', v_object.signature);
                IF v_object.name = ANY (v_api) THEN
                    EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER', v_object.signature);
                    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO fmodel_app', v_object.signature);
                END IF;
            END LOOP;
    END;
$least_privilege$;
