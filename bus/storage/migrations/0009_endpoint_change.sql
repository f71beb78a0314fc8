-- A publisher moves its provider without a new contract version: the endpoints it set last override
-- the manifest's, until the next publication of the version brings its own.
ALTER TABLE service_version ADD COLUMN endpoints jsonb;
ALTER TABLE service_version ADD COLUMN endpoints_changed_by text;
ALTER TABLE service_version ADD COLUMN endpoints_changed_at timestamptz;
