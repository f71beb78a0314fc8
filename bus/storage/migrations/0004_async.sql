-- Asynchronous calls: one row per ticket, from acceptance to its result. The call itself travels in a
-- JetStream work queue; this row is what readers see and what makes a redelivery harmless: a ticket
-- already finished is not delivered again.
CREATE TABLE async_call (
  ticket               uuid PRIMARY KEY,
  request_id           text NOT NULL,
  ais_id               integer NOT NULL,
  service              text NOT NULL,
  service_major        integer NOT NULL,
  operation            text NOT NULL,
  protocol             text NOT NULL,
  status               text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  attempts             integer NOT NULL DEFAULT 0,
  created_at           timestamptz NOT NULL,
  started_at           timestamptz,
  completed_at         timestamptz,
  expires_at           timestamptz,
  error_code           text,
  error_detail         text,
  result_status        integer,
  result_content_type  text,
  result_headers       jsonb,
  result_body          bytea,
  callback_done_at     timestamptz
);
-- The reader's open tickets (its queue listing) and the age of the oldest pending call per service.
CREATE INDEX async_call_open ON async_call (ais_id, created_at) WHERE status IN ('queued', 'running');
CREATE INDEX async_call_pending ON async_call (service, created_at) WHERE status IN ('queued', 'running');
CREATE INDEX async_call_reader ON async_call (ais_id, created_at);
CREATE INDEX async_call_expiry ON async_call (expires_at) WHERE expires_at IS NOT NULL;

-- Where the bus pushes an AIS's finished asynchronous results, if anywhere.
ALTER TABLE ais ADD COLUMN callback_url text;
