-- #####################################################################################################################
-- OPTIONAL: push delivery from inside the database, for PostgreSQL with the pg_cron and pg_net extensions (Supabase).
--
-- NOT part of the default install: SchemaInstaller applies sql/*.sql only, never sql/optional/. Apply it yourself,
-- after sql/001 and sql/002, into the same schema:
--     CREATE EXTENSION IF NOT EXISTS pg_cron; CREATE EXTENSION IF NOT EXISTS pg_net;
--     psql -v ON_ERROR_STOP=1 -f sql/optional/push_pg_cron_pg_net.sql
-- On a database without pg_net use io.fmodel.postgres.HttpDeliveryProcessor instead (same request format, same
-- signature, same guarantees). See docs/push-delivery.md.
--
-- What it does. schedule_push(view, secret) creates a pg_cron job 'fmodel-push-<view>' that runs push_events(view)
-- every few seconds. Each run, in one transaction:
--   1. responses: for every request of an earlier run whose response pg_net has stored in net._http_response:
--        2xx                          -> ack_event(view, decider_id, offset, decider, lease)     (fenced by the lease)
--        timeout, error, 5xx, 408, 429 -> schedule_nack_event with backoff 1 s doubling up to 5 min, or
--                                       park_partition once max_attempts is reached
--        any other status (4xx, 3xx)  -> park_partition with 'HTTP <status>: <start of the body>'
--      A request with no response yet waits for the next run; once its lease has expired it is forgotten (the event
--      is streamed and sent again).
--   2. sends: stream_events(view, partitions) leases the next event of up to `partitions` partitions (one per
--      partition, so per-partition order holds: a partition stays leased until its response is handled) and
--      net.http_post sends each one, signed, recording the request id in push_requests.
--
-- Limits (read before using it):
--   - pg_net is fire-and-forget: http_post only queues the request; it is sent after the run's transaction commits,
--     by pg_net's background worker, and the response is read one run later. So each partition advances by at most
--     one event per run (per schedule interval): this suits low-volume views. Use HttpDeliveryProcessor for volume.
--   - At least once: the ack commits in a later run than the request. A response lost by pg_net (its TTL,
--     pg_net.ttl, default 6 hours, removes old responses), a crash, or a lease that expires before the response is
--     checked sends the event again. Receivers must dedupe by event_id (header Idempotency-Key).
--   - The view's lock_timeout_s (register_view) is the lease: it must exceed the schedule interval plus timeout_ms,
--     or a slow response is handled after another run re-sent the event.
--   - The secret is stored in push_settings (readable by the owner only, REVOKE'd from PUBLIC); on Supabase you may
--     prefer Vault and a small change to push_events. It is never written into events.
--   - The signature covers body::text, which is what pg_net sends (convert_to(body::text, 'UTF8')): the JSON is the
--     jsonb rendering (keys ordered by jsonb, ", " and ": " separators), not the Java processor's key order. Verify
--     over the raw bytes you received, as WebhookSignature does.
-- #####################################################################################################################

-- One row per pushed view: the signing secret and the delivery settings.
CREATE TABLE IF NOT EXISTS push_settings
(
    "view"         TEXT PRIMARY KEY REFERENCES views ("view") ON DELETE CASCADE,
    "secret"       TEXT NOT NULL CHECK ("secret" <> ''),
    "max_attempts" INT  NOT NULL DEFAULT 10 CHECK ("max_attempts" > 0),
    "timeout_ms"   INT  NOT NULL DEFAULT 5000 CHECK ("timeout_ms" > 0),
    "partitions"   INT  NOT NULL DEFAULT 100 CHECK ("partitions" > 0)
);
REVOKE ALL ON push_settings FROM PUBLIC;

-- Requests sent and not answered yet: what to ack, retry or park once pg_net has the response.
CREATE TABLE IF NOT EXISTS push_requests
(
    "request_id"   BIGINT PRIMARY KEY,
    "view"         TEXT                     NOT NULL,
    "decider"      TEXT                     NOT NULL,
    "decider_id"   TEXT                     NOT NULL,
    "offset"       BIGINT                   NOT NULL,
    "event_id"     UUID                     NOT NULL,
    "lease"        BIGINT                   NOT NULL,
    "attempt"      INT                      NOT NULL,
    "locked_until" TIMESTAMP WITH TIME ZONE NOT NULL,
    "sent_at"      TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS push_requests_view_idx ON push_requests ("view");

-- HMAC-SHA256 (RFC 2104) with the built-in sha256(): no pgcrypto needed.
CREATE OR REPLACE FUNCTION push_hmac_sha256(v_key BYTEA, v_message BYTEA) RETURNS BYTEA
    LANGUAGE plpgsql
    IMMUTABLE STRICT AS
$$
DECLARE
    v_block BYTEA := CASE WHEN length(v_key) > 64 THEN sha256(v_key) ELSE v_key END;
    v_inner BYTEA;
    v_outer BYTEA;
BEGIN
    v_block := v_block || decode(repeat('00', 64 - length(v_block)), 'hex');
    v_inner := v_block;
    v_outer := v_block;
    FOR i IN 0..63
        LOOP
            v_inner := set_byte(v_inner, i, get_byte(v_block, i) # 54); -- 0x36
            v_outer := set_byte(v_outer, i, get_byte(v_block, i) # 92); -- 0x5c
        END LOOP;
    RETURN sha256(v_outer || sha256(v_inner || v_message));
END;
$$;

-- The X-Fmodel-Signature header: 't=<unix seconds>,v1=<hex of HMAC-SHA256(secret, t || '.' || body)>'.
CREATE OR REPLACE FUNCTION push_signature(v_secret TEXT, v_timestamp BIGINT, v_body TEXT) RETURNS TEXT
    LANGUAGE sql
    IMMUTABLE STRICT AS
$$
SELECT 't=' || v_timestamp || ',v1=' ||
       encode(push_hmac_sha256(convert_to(v_secret, 'UTF8'), convert_to(v_timestamp || '.' || v_body, 'UTF8')),
              'hex');
$$;

-- API: one delivery run for a view (what the cron job calls): handle the responses that arrived, then send the next
-- event of each pending partition. Returns what it did. Runs of the same view never overlap (advisory lock).
-- Example: SELECT * FROM push_events('view1');
CREATE OR REPLACE FUNCTION push_events(v_view TEXT)
    RETURNS TABLE
            (
                "acked"   INT,
                "retried" INT,
                "parked"  INT,
                "sent"    INT
            )
    LANGUAGE plpgsql AS
$$
#variable_conflict use_column
DECLARE
    v_url      TEXT;
    v_settings push_settings%ROWTYPE;
    v_request  RECORD;
    v_event    RECORD;
    v_body     JSONB;
    v_now      BIGINT;
    v_id       BIGINT;
    v_error    TEXT;
    v_acked    INT := 0;
    v_retried  INT := 0;
    v_parked   INT := 0;
    v_sent     INT := 0;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('fmodel-push:' || v_view)) THEN
        RETURN QUERY SELECT 0, 0, 0, 0; -- the previous run is still going
        RETURN;
    END IF;
    SELECT vw.edge_function_url INTO v_url FROM views vw WHERE vw.view = v_view;
    SELECT * INTO v_settings FROM push_settings s WHERE s.view = v_view;
    IF v_url IS NULL OR v_settings.view IS NULL THEN
        RETURN QUERY SELECT 0, 0, 0, 0; -- no URL (any more) or not scheduled with schedule_push
        RETURN;
    END IF;

    -- 1. responses
    FOR v_request IN SELECT q.*, r.id AS response_id, r.status_code, r.timed_out, r.error_msg, r.content
                     FROM push_requests q
                              LEFT JOIN net._http_response r ON r.id = q.request_id
                     WHERE q.view = v_view
                     ORDER BY q.request_id
        LOOP
            IF v_request.response_id IS NULL THEN
                IF v_request.locked_until < clock_timestamp() THEN
                    DELETE FROM push_requests WHERE request_id = v_request.request_id; -- re-streamed, sent again
                END IF;
                CONTINUE;
            END IF;
            BEGIN
                IF v_request.status_code BETWEEN 200 AND 299 THEN
                    PERFORM ack_event(v_view, v_request.decider_id, v_request.offset, v_request.decider,
                                      v_request.lease);
                    v_acked := v_acked + 1;
                ELSE
                    v_error := CASE
                                   WHEN v_request.status_code IS NOT NULL
                                       THEN 'HTTP ' || v_request.status_code || ': ' || left(COALESCE(v_request.content, ''), 2000)
                                   WHEN v_request.timed_out THEN 'timed out after ' || v_settings.timeout_ms || ' ms'
                                   ELSE COALESCE(v_request.error_msg, 'no response') END;
                    IF (v_request.status_code IS NOT NULL AND v_request.status_code < 500
                        AND v_request.status_code NOT IN (408, 429))
                        OR v_request.attempt >= v_settings.max_attempts THEN
                        PERFORM park_partition(v_view, v_request.decider_id, v_request.decider, v_error,
                                               v_request.lease);
                        v_parked := v_parked + 1;
                    ELSE
                        PERFORM schedule_nack_event(v_view, v_request.decider_id,
                                                    LEAST(1000 * power(2, LEAST(v_request.attempt - 1, 20)), 300000)::BIGINT,
                                                    v_request.decider, v_request.lease, v_error);
                        v_retried := v_retried + 1;
                    END IF;
                END IF;
            EXCEPTION
                WHEN SQLSTATE 'VS002' OR SQLSTATE 'VS004' THEN
                    NULL; -- the lease was lost (expired and taken over): the new holder sends the event again
            END;
            DELETE FROM push_requests WHERE request_id = v_request.request_id;
        END LOOP;

    -- 2. sends: the body is built exactly like HttpDeliveryProcessor's (as jsonb here: pg_net takes jsonb)
    v_now := extract(EPOCH FROM clock_timestamp())::BIGINT;
    FOR v_event IN SELECT * FROM stream_events(v_view, v_settings.partitions)
        LOOP
            v_body := jsonb_build_object('event', v_event.event, 'event_id', v_event.event_id,
                                         'event_version', v_event.event_version, 'decider', v_event.decider,
                                         'decider_id', v_event.decider_id, 'offset', v_event.offset,
                                         'data', v_event.data, 'created_at', v_event.created_at);
            v_id := net.http_post(
                    url := v_url,
                    body := v_body,
                    headers := jsonb_build_object(
                            'Content-Type', 'application/json',
                            'User-Agent', 'fmodel-postgres (pg_net)',
                            'Idempotency-Key', v_event.event_id::TEXT,
                            'X-Fmodel-Event-Id', v_event.event_id::TEXT,
                            'X-Fmodel-View', v_view,
                            'X-Fmodel-Attempt', v_event.attempt::TEXT,
                            'X-Fmodel-Signature', push_signature(v_settings.secret, v_now, v_body::TEXT)),
                    timeout_milliseconds := v_settings.timeout_ms);
            INSERT INTO push_requests (request_id, view, decider, decider_id, "offset", event_id, lease, attempt,
                                       locked_until)
            VALUES (v_id, v_view, v_event.decider, v_event.decider_id, v_event.offset, v_event.event_id,
                    v_event.lease, v_event.attempt, v_event.locked_until);
            v_sent := v_sent + 1;
        END LOOP;
    RETURN QUERY SELECT v_acked, v_retried, v_parked, v_sent;
END;
$$;

-- API: push the events of a view registered with an edge_function_url: store its secret and settings, and schedule
-- the pg_cron job 'fmodel-push-<view>' (again: updates both). v_schedule is a pg_cron schedule: '5 seconds' needs
-- pg_cron 1.5 or later; a cron expression ('* * * * *') works everywhere.
-- Example: SELECT schedule_push('view1', 'whsec_...', '5 seconds');
CREATE OR REPLACE FUNCTION schedule_push(v_view TEXT, v_secret TEXT, v_schedule TEXT DEFAULT '5 seconds',
                                         v_max_attempts INT DEFAULT 10, v_timeout_ms INT DEFAULT 5000,
                                         v_partitions INT DEFAULT 100)
    RETURNS BIGINT
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM FROM views vw WHERE vw.view = v_view AND vw.edge_function_url IS NOT NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'schedule_push: view % is not registered with an edge_function_url', v_view
            USING ERRCODE = 'VS005', HINT = 'register_view(view, start_at, lock_timeout_s, pooling_delay_s, url)';
    END IF;
    INSERT INTO push_settings (view, secret, max_attempts, timeout_ms, partitions)
    VALUES (v_view, v_secret, v_max_attempts, v_timeout_ms, v_partitions)
    ON CONFLICT (view) DO UPDATE SET secret       = excluded.secret,
                                     max_attempts = excluded.max_attempts,
                                     timeout_ms   = excluded.timeout_ms,
                                     partitions   = excluded.partitions;
    RETURN cron.schedule('fmodel-push-' || v_view, v_schedule,
                         format('SELECT * FROM %I.push_events(%L)', current_schema(), v_view));
END;
$$;

-- API: stop pushing a view: unschedule its job and forget its settings (its position is kept; requests in flight are
-- not acknowledged, so their events are sent again if pushing resumes).
-- Example: SELECT unschedule_push('view1');
CREATE OR REPLACE FUNCTION unschedule_push(v_view TEXT) RETURNS BOOLEAN
    LANGUAGE plpgsql AS
$$
BEGIN
    DELETE FROM push_settings WHERE view = v_view;
    DELETE FROM push_requests WHERE view = v_view;
    RETURN cron.unschedule('fmodel-push-' || v_view);
END;
$$;
