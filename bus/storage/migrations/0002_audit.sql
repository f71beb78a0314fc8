-- The audit trail: one record per call, accepted or refused, written before the answer leaves.
-- Readers query their own calls by (ais_id, time); publishers the calls to their services by
-- (provider_ais, time); the request id finds one call.

CREATE TABLE audit_record (
  id              uuid PRIMARY KEY,
  time            timestamptz NOT NULL,
  request_id      text NOT NULL,
  ais_id          integer,
  ovm             text,
  agenda          text,
  role            text,
  audit_user_id   text,
  purpose         text,
  service         text,
  service_major   integer,
  operation       text,
  protocol        text,
  mode            text NOT NULL DEFAULT 'sync',
  decision        text NOT NULL CHECK (decision IN ('permitted', 'refused')),
  legal_basis     text[] NOT NULL DEFAULT '{}',
  authorisations  text[] NOT NULL DEFAULT '{}',
  data_items      text[] NOT NULL DEFAULT '{}',
  refused_items   text[] NOT NULL DEFAULT '{}',
  subjects        text[] NOT NULL DEFAULT '{}',
  provider_ais    integer,
  endpoint        text,
  status          integer NOT NULL,
  code            text,
  request_bytes   integer NOT NULL DEFAULT 0,
  response_bytes  integer NOT NULL DEFAULT 0,
  latency_ms      double precision NOT NULL
);
CREATE INDEX audit_record_ais_time ON audit_record (ais_id, time DESC, id DESC);
CREATE INDEX audit_record_provider_time ON audit_record (provider_ais, time DESC, id DESC);
CREATE INDEX audit_record_time ON audit_record (time DESC, id DESC);
CREATE INDEX audit_record_request ON audit_record (request_id);

-- Registry caches in every bus instance compare this number to know when to reload.
CREATE TABLE registry_state (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  generation  bigint NOT NULL
);
INSERT INTO registry_state (singleton, generation) VALUES (true, 1);
