-- Twelve months of traffic and more, kept by month: the audit table is partitioned by the month of
-- its records' time, so that retention drops whole months (a recorded operation) and searches over a
-- period read only its months. The records already there move into their months.
ALTER TABLE audit_record RENAME TO audit_record_before_partitions;
ALTER INDEX audit_record_chain_seq RENAME TO audit_record_before_partitions_chain_seq;
CREATE TABLE audit_record (LIKE audit_record_before_partitions INCLUDING DEFAULTS) PARTITION BY RANGE (time);
ALTER TABLE audit_record ADD PRIMARY KEY (id, time);

-- Makes the month's partition holding `at` if it is not there yet; answers its name.
CREATE FUNCTION audit_month_partition(at timestamptz) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  first date := date_trunc('month', at AT TIME ZONE 'UTC')::date;
  name text := format('audit_record_y%sm%s', to_char(first, 'YYYY'), to_char(first, 'MM'));
BEGIN
  IF to_regclass(name) IS NULL THEN
    EXECUTE format('CREATE TABLE %I PARTITION OF audit_record FOR VALUES FROM (%L) TO (%L)',
      name, (first::timestamp AT TIME ZONE 'UTC'), ((first + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
    -- Row triggers come from the parent; a statement trigger against TRUNCATE is each partition's own.
    EXECUTE format('CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()', name);
  END IF;
  RETURN name;
END;
$$;

-- Whatever falls outside the months made ahead (a clock far off) still lands somewhere.
CREATE TABLE audit_record_default PARTITION OF audit_record DEFAULT;
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_record_default FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

DO $$
DECLARE m timestamptz;
BEGIN
  FOR m IN SELECT DISTINCT date_trunc('month', time AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' FROM audit_record_before_partitions LOOP
    PERFORM audit_month_partition(m);
  END LOOP;
  PERFORM audit_month_partition(now());
  PERFORM audit_month_partition(now() + interval '1 month');
END;
$$;

INSERT INTO audit_record SELECT * FROM audit_record_before_partitions;
DROP TABLE audit_record_before_partitions;

CREATE INDEX audit_record_ais_time ON audit_record (ais_id, time DESC, id DESC);
CREATE INDEX audit_record_provider_time ON audit_record (provider_ais, time DESC, id DESC);
CREATE INDEX audit_record_time ON audit_record (time DESC, id DESC);
CREATE INDEX audit_record_request ON audit_record (request_id);
CREATE INDEX audit_record_service_time ON audit_record (service, time DESC, id DESC);
CREATE INDEX audit_record_agenda_time ON audit_record (agenda, time DESC, id DESC);
CREATE INDEX audit_record_user_time ON audit_record (audit_user_id, time DESC, id DESC);
CREATE INDEX audit_record_subjects ON audit_record USING gin (subjects);
-- Unique per month; the writer never repeats a place, and the verifier would name one repeated.
CREATE UNIQUE INDEX audit_record_chain_seq ON audit_record (chain, seq, time);
CREATE INDEX audit_record_chain_order ON audit_record (chain, seq);
CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE ON audit_record FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON audit_record FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- Retention drops whole months, and says so: which month, how many records, and where each chain
-- was cut (its last place and hash in the month), so that verification picks the chain up after it.
CREATE TABLE audit_retention (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  actor      text NOT NULL,
  partition  text NOT NULL,
  month      date NOT NULL,
  records    bigint NOT NULL,
  cuts       jsonb NOT NULL
);
CREATE TRIGGER audit_retention_append_only BEFORE UPDATE OR DELETE ON audit_retention FOR EACH ROW EXECUTE FUNCTION audit_append_only();

-- Calls per day and service, kept as records commit (in the same statement): what the traffic charts
-- and SLA figures read, instead of scanning records. Latency in fixed buckets, for percentiles.
CREATE TABLE audit_daily (
  day          date NOT NULL,
  service      text NOT NULL,
  version      integer NOT NULL,
  calls        bigint NOT NULL,
  refused      bigint NOT NULL,
  failed       bigint NOT NULL,
  latency_sum  double precision NOT NULL,
  -- Calls per latency bucket (upper bounds in ms: 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500,
  -- 5000, 10000, 30000, more), as columns: adding up columns costs far less than adding up arrays.
  l0 bigint NOT NULL DEFAULT 0, l1 bigint NOT NULL DEFAULT 0, l2 bigint NOT NULL DEFAULT 0, l3 bigint NOT NULL DEFAULT 0,
  l4 bigint NOT NULL DEFAULT 0, l5 bigint NOT NULL DEFAULT 0, l6 bigint NOT NULL DEFAULT 0, l7 bigint NOT NULL DEFAULT 0,
  l8 bigint NOT NULL DEFAULT 0, l9 bigint NOT NULL DEFAULT 0, l10 bigint NOT NULL DEFAULT 0, l11 bigint NOT NULL DEFAULT 0,
  l12 bigint NOT NULL DEFAULT 0, l13 bigint NOT NULL DEFAULT 0, l14 bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (day, service, version)
);
