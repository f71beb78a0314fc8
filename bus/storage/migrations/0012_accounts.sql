-- Named accounts instead of one shared token: operator accounts with a role, and owner accounts bound
-- to the AIS their people run. Passwords are scrypt digests; sessions are kept as digests of their
-- tokens. Every operator and owner action is on record (who, when, what, before and after).
CREATE TABLE account (
  id             uuid PRIMARY KEY,
  login          text NOT NULL,
  name           text NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('operator', 'owner')),
  role           text CHECK (role IN ('administrator', 'registration', 'security', 'observer')),
  ais_id         integer REFERENCES ais (id),
  password       text NOT NULL,
  state          text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'disabled')),
  failed_logins  integer NOT NULL DEFAULT 0,
  locked_until   timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  created_by     text NOT NULL,
  CHECK ((kind = 'operator' AND role IS NOT NULL AND ais_id IS NULL) OR (kind = 'owner' AND role IS NULL AND ais_id IS NOT NULL))
);
CREATE UNIQUE INDEX account_login ON account (lower(login));
CREATE TABLE account_session (
  digest      text PRIMARY KEY,
  account_id  uuid NOT NULL REFERENCES account (id),
  csrf        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX account_session_account ON account_session (account_id);
CREATE TABLE action_log (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  actor      text NOT NULL,
  method     text NOT NULL,
  path       text NOT NULL,
  status     integer NOT NULL,
  request    jsonb,
  before     jsonb,
  after      jsonb
);
CREATE INDEX action_log_at ON action_log (at DESC);
CREATE TRIGGER action_log_append_only BEFORE UPDATE OR DELETE ON action_log FOR EACH ROW EXECUTE FUNCTION audit_append_only();
-- Settings of the installation the operator changes at run time (the bootstrap token switched off).
CREATE TABLE bus_setting (
  name   text PRIMARY KEY,
  value  text NOT NULL
);
