-- #####################################################################################################################
-- 005_view_lag_time.sql: how far behind a view is in time, for monitoring (docs/spring-boot.md#metrics).
--
-- Applied after 001-004, like them (psql in file-name order, or io.fmodel.postgres.SchemaInstaller, Flyway, Liquibase).
-- Safe to apply again: one CREATE OR REPLACE FUNCTION. Reads only; adds nothing to the write path.
-- #####################################################################################################################

-- API: the lag of a view in time: seconds since the oldest event the view has not processed yet was appended (its
-- created_at), 0 when it has processed every event. The candidates are those view_lag counts: the next event of each
-- partition with pending markers, of each parked partition, and the first event the discovery has not reached. For
-- that last one "first" is by offset: created_at is its transaction's start, so a transaction that drew a higher
-- offset earlier can be a few milliseconds older. Costs one index probe per partition with pending events.
-- Example: SELECT view_lag_seconds('view1');
CREATE OR REPLACE FUNCTION view_lag_seconds(v_view TEXT)
    RETURNS DOUBLE PRECISION
    LANGUAGE plpgsql
    STABLE
    SET enable_seqscan = off
    SET jit = off AS
$$
DECLARE
    v_row    views%ROWTYPE := registered_view(v_view);
    v_cursor BIGINT;
    v_oldest TIMESTAMP WITH TIME ZONE;
BEGIN
    SELECT c."discovered_to"
    INTO v_cursor
    FROM view_cursors c
    WHERE c."view" = v_view
      AND c."generation" = v_row.generation
    ORDER BY c."view", c."generation", c."discovered_to" DESC, c."id" DESC
    LIMIT 1;
    SELECT min(t)
    INTO v_oldest
    FROM (SELECT (SELECT e."created_at"
                  FROM events e
                  WHERE e."offset" > COALESCE(v_cursor, v_row.start_offset)
                  ORDER BY e."offset"
                  LIMIT 1) AS t
          UNION ALL
          -- the next event of each partition that has events to deliver, parked ones included
          SELECT (SELECT e."created_at"
                  FROM events e
                  WHERE e."decider_id" = n."decider_id"
                    AND e."decider" = n."decider"
                    AND e."stream_position" = n."next_position")
          FROM (SELECT m."decider", m."decider_id", COALESCE(p."acked_position", m.from_position - 1) + 1 AS next_position
                FROM (SELECT mm."decider", mm."decider_id", MAX(mm."upto_position") AS upto_position,
                             MIN(mm."from_position") AS from_position
                      FROM view_markers mm
                      WHERE mm."view" = v_view
                        AND mm."generation" = v_row.generation
                      GROUP BY mm."decider", mm."decider_id") m
                         LEFT JOIN view_positions p
                                   ON p."view" = v_view AND p."decider" = m."decider"
                                       AND p."decider_id" = m."decider_id"
                                       AND p."generation" = v_row.generation
                WHERE GREATEST(m.upto_position, p."head_position") > COALESCE(p."acked_position", m.from_position - 1)
                UNION ALL
                SELECT p."decider", p."decider_id", p."acked_position" + 1
                FROM view_positions p
                WHERE p."view" = v_view
                  AND p."parked_at" IS NOT NULL
                  AND p."generation" = v_row.generation
                  AND p."head_position" > p."acked_position") n) candidates;
    RETURN COALESCE(GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp() - v_oldest)), 0)::DOUBLE PRECISION;
END;
$$;

INSERT INTO schema_version ("file")
VALUES ('005_view_lag_time.sql')
ON CONFLICT DO NOTHING;
