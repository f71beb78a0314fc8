-- Registry: public authorities, agendas with their activity roles, agenda information systems with
-- their credentials, and the services they publish with the contract bundles behind them.

CREATE TABLE ovm (
  code        char(8) PRIMARY KEY CHECK (code ~ '^[0-9]{8}$'),
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agenda (
  code        text PRIMARY KEY CHECK (code ~ '^A[0-9]{1,6}$'),
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE activity_role (
  code         text PRIMARY KEY CHECK (code ~ '^CR[0-9]{1,6}$'),
  agenda_code  text NOT NULL REFERENCES agenda (code) ON DELETE CASCADE,
  name         text NOT NULL
);
CREATE INDEX activity_role_agenda ON activity_role (agenda_code);

-- Which OVM exercises which agenda.
CREATE TABLE ovm_agenda (
  ovm_code     char(8) NOT NULL REFERENCES ovm (code) ON DELETE CASCADE,
  agenda_code  text NOT NULL REFERENCES agenda (code) ON DELETE CASCADE,
  PRIMARY KEY (ovm_code, agenda_code)
);

CREATE TABLE ais (
  id            integer PRIMARY KEY CHECK (id BETWEEN 1 AND 9999999),
  name          text NOT NULL,
  operator_ovm  char(8) NOT NULL REFERENCES ovm (code),
  state         text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'suspended', 'expired', 'blocked')),
  contacts      jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- The OVMs an AIS may act for, and the agendas it serves.
CREATE TABLE ais_ovm (
  ais_id    integer NOT NULL REFERENCES ais (id) ON DELETE CASCADE,
  ovm_code  char(8) NOT NULL REFERENCES ovm (code) ON DELETE CASCADE,
  PRIMARY KEY (ais_id, ovm_code)
);

CREATE TABLE ais_agenda (
  ais_id       integer NOT NULL REFERENCES ais (id) ON DELETE CASCADE,
  agenda_code  text NOT NULL REFERENCES agenda (code) ON DELETE CASCADE,
  PRIMARY KEY (ais_id, agenda_code)
);

-- API keys are stored as their SHA-256 digest, certificates as their SHA-256 fingerprint.
CREATE TABLE ais_credential (
  id          uuid PRIMARY KEY,
  ais_id      integer NOT NULL REFERENCES ais (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('api-key', 'certificate')),
  digest      text NOT NULL UNIQUE CHECK (digest ~ '^[0-9a-f]{64}$'),
  label       text,
  valid_from  timestamptz NOT NULL DEFAULT now(),
  valid_to    timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX ais_credential_ais ON ais_credential (ais_id);

CREATE TABLE service (
  code        text PRIMARY KEY,
  owner_ais   integer NOT NULL REFERENCES ais (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per major version: a new minor version replaces the row, a new major adds one.
CREATE TABLE service_version (
  service_code  text NOT NULL REFERENCES service (code) ON DELETE CASCADE,
  major         integer NOT NULL CHECK (major >= 1),
  minor         integer NOT NULL CHECK (minor >= 0),
  source        text NOT NULL,
  protocol      text NOT NULL CHECK (protocol IN ('soap', 'json')),
  visibility    text NOT NULL,
  manifest      jsonb NOT NULL,
  model         jsonb NOT NULL,
  digest        text NOT NULL,
  published_at  timestamptz NOT NULL DEFAULT now(),
  published_by  text NOT NULL,
  PRIMARY KEY (service_code, major)
);

-- The contract files of a version, as published (only those the contract reaches).
CREATE TABLE service_file (
  service_code  text NOT NULL,
  major         integer NOT NULL,
  path          text NOT NULL,
  content       bytea NOT NULL,
  PRIMARY KEY (service_code, major, path),
  FOREIGN KEY (service_code, major) REFERENCES service_version (service_code, major) ON DELETE CASCADE
);

-- Every publication, kept after a newer minor version replaced it.
CREATE TABLE publication (
  id            bigserial PRIMARY KEY,
  service_code  text NOT NULL,
  major         integer NOT NULL,
  minor         integer NOT NULL,
  digest        text NOT NULL,
  published_at  timestamptz NOT NULL DEFAULT now(),
  published_by  text NOT NULL
);
