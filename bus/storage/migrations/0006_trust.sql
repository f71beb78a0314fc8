-- Sources of data items (a basic register, an authoritative source), each owned by one publishing AIS:
-- only the owner publishes services for it, and each service declares only items the source holds.
CREATE TABLE source (
  code        text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{1,31}$'),
  name        text NOT NULL,
  owner_ais   integer NOT NULL REFERENCES ais (id),
  data_items  text[] NOT NULL CHECK (cardinality(data_items) > 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The publisher capability the operator grants an AIS: how many services it may publish, and the
-- origins its endpoints may use (`http(s)://host:port`, `nats:<subject prefix>`). No row, no publishing.
CREATE TABLE ais_publishing (
  ais_id      integer PRIMARY KEY REFERENCES ais (id) ON DELETE CASCADE,
  quota       integer NOT NULL CHECK (quota >= 0),
  origins     text[] NOT NULL DEFAULT '{}',
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Service codes are unique whatever their case: nobody squats `ROB` beside `rob`.
CREATE UNIQUE INDEX service_code_any_case ON service (lower(code));

-- Why a delivery failed, in technical terms (refused connection, HTTP status, protocol): for the
-- operator and the log. Readers get a generic error, so that the bus cannot serve as a port scanner.
ALTER TABLE audit_record ADD COLUMN cause text;
