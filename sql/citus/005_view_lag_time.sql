-- #####################################################################################################################
-- citus/005_view_lag_time.sql: the Citus variant of sql/005_view_lag_time.sql, applied in its place (with the
-- streaming amendment, sql/citus/002_event_streaming.sql, whose tables it reads) and recorded under the same name.
--
-- As on one server, the age of the oldest event the view has not processed yet, but of discovered work only, like
-- the Citus view_lag: offsets are not ordered across nodes, so "the first event past the cursor" means nothing here.
-- Each pending partition's next event is read by its own query, which Citus routes to the stream's shard (it plans
-- no join of the coordinator's view tables with the distributed events): one round trip per pending partition.
-- #####################################################################################################################

-- API: seconds since the oldest event of the view's pending partitions (parked ones included) was appended, 0 when
-- none is pending. Example: SELECT view_lag_seconds('view1');
CREATE OR REPLACE FUNCTION view_lag_seconds(v_view TEXT)
    RETURNS DOUBLE PRECISION
    LANGUAGE plpgsql
    STABLE
    SET jit = off AS
$$
DECLARE
    v_row     views%ROWTYPE := registered_view(v_view);
    v_next    RECORD;
    v_created TIMESTAMP WITH TIME ZONE;
    v_oldest  TIMESTAMP WITH TIME ZONE;
BEGIN
    FOR v_next IN SELECT m."decider", m."decider_id", COALESCE(p."acked_position", m.from_position - 1) + 1 AS position
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
                    AND p."head_position" > p."acked_position"
        LOOP
            EXECUTE 'SELECT e."created_at" FROM events e'
                        || ' WHERE e."decider_id" = $1 AND e."decider" = $2 AND e."stream_position" = $3'
                INTO v_created
                USING v_next."decider_id"::text, v_next."decider"::text, v_next.position::bigint;
            IF v_created IS NOT NULL AND (v_oldest IS NULL OR v_created < v_oldest) THEN
                v_oldest := v_created;
            END IF;
        END LOOP;
    RETURN COALESCE(GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp() - v_oldest)), 0)::DOUBLE PRECISION;
END;
$$;

INSERT INTO schema_version ("file")
VALUES ('005_view_lag_time.sql')
ON CONFLICT DO NOTHING;
