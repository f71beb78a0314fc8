-- The ticket row holds the checked call and the body for the provider: the dispatcher delivers what
-- was accepted here, never what a queue message says. The digest binds the reader's request id to one
-- call, so that the same id with another call is refused instead of handed this ticket.
ALTER TABLE async_call ADD COLUMN call jsonb;
ALTER TABLE async_call ADD COLUMN body bytea;
ALTER TABLE async_call ADD COLUMN call_digest text;

-- Secrets of this installation, shared by every instance that shares the database (e.g. the key that
-- authenticates queued messages). Made once, on first start.
CREATE TABLE installation_secret (
  name    text PRIMARY KEY,
  secret  bytea NOT NULL
);
