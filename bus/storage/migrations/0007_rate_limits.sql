-- Calls an AIS may make per second, and its burst, as the operator set them; NULL: the bus's default.
ALTER TABLE ais ADD COLUMN rate_per_second integer CHECK (rate_per_second > 0);
ALTER TABLE ais ADD COLUMN rate_burst integer CHECK (rate_burst > 0);
