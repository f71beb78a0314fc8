-- Legal authorisations (the RPP model): an agenda and its activity roles may read these data items of
-- a source through these services, on a legal basis, for a period. '*' in roles or services means all.
CREATE TABLE authorisation (
  id           text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'),
  agenda_code  text NOT NULL REFERENCES agenda (code),
  roles        text[] NOT NULL,
  source       text NOT NULL,
  services     text[] NOT NULL,
  data_items   text[] NOT NULL,
  legal_basis  text NOT NULL,
  valid_from   date NOT NULL,
  valid_to     date,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_to IS NULL OR valid_to >= valid_from),
  CHECK (cardinality(roles) > 0 AND cardinality(services) > 0 AND cardinality(data_items) > 0)
);
CREATE INDEX authorisation_agenda ON authorisation (agenda_code);

-- Access to restricted services: a reader AIS asks, the owner of the service approves, rejects or
-- later revokes. Each step is kept in access_event with who and when.
CREATE TABLE access_request (
  id            uuid PRIMARY KEY,
  service_code  text NOT NULL REFERENCES service (code) ON DELETE CASCADE,
  reader_ais    integer NOT NULL REFERENCES ais (id) ON DELETE CASCADE,
  state         text NOT NULL CHECK (state IN ('requested', 'approved', 'rejected', 'revoked')),
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);
-- At most one open (requested or approved) request per reader and service.
CREATE UNIQUE INDEX access_request_open ON access_request (service_code, reader_ais) WHERE state IN ('requested', 'approved');

CREATE TABLE access_event (
  request_id  uuid NOT NULL REFERENCES access_request (id) ON DELETE CASCADE,
  seq         integer NOT NULL,
  action      text NOT NULL CHECK (action IN ('requested', 'approved', 'rejected', 'revoked')),
  actor       text NOT NULL,
  at          timestamptz NOT NULL,
  note        text,
  PRIMARY KEY (request_id, seq)
);
