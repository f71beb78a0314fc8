-- The audit as evidence. Each writer (a bus process) keeps a hash chain: every record carries its
-- chain, its place in it, its predecessor's hash and its own hash over its canonical content and
-- that predecessor. Checkpoints sign a chain's head with an Ed25519 key of the bus; the keys' public
-- halves are kept here for verification (the private halves never are).
ALTER TABLE audit_record ADD COLUMN chain text;
ALTER TABLE audit_record ADD COLUMN seq bigint;
ALTER TABLE audit_record ADD COLUMN prev_hash text;
ALTER TABLE audit_record ADD COLUMN hash text;
CREATE UNIQUE INDEX audit_record_chain_seq ON audit_record (chain, seq);
CREATE TABLE audit_chain (
  id          text PRIMARY KEY,
  started_at  timestamptz NOT NULL DEFAULT now(),
  writer      text NOT NULL
);
CREATE TABLE audit_key (
  id          text PRIMARY KEY,
  public_key  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE audit_checkpoint (
  chain       text NOT NULL REFERENCES audit_chain (id),
  seq         bigint NOT NULL,
  hash        text NOT NULL,
  at          timestamptz NOT NULL,
  key_id      text NOT NULL REFERENCES audit_key (id),
  signature   text NOT NULL,
  PRIMARY KEY (chain, seq)
);
-- Who read a subject's data: records by subject identifier.
CREATE INDEX audit_record_subjects ON audit_record USING gin (subjects);

-- Append-only: no statement of the bus (or of anyone working through its tables) changes or removes
-- what is on record. A database superuser can still disable the triggers; the chain and the signed
-- checkpoints are what make that visible.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit is append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = '42501';
END;
$$;
CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE ON audit_record FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON audit_record FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_key_append_only BEFORE UPDATE OR DELETE ON audit_key FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint FOR EACH ROW EXECUTE FUNCTION audit_append_only();
