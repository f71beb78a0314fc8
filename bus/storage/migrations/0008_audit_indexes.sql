-- An index for every filter GET /audit offers, newest first as it pages.
CREATE INDEX audit_record_service_time ON audit_record (service, time DESC, id DESC);
CREATE INDEX audit_record_agenda_time ON audit_record (agenda, time DESC, id DESC);
CREATE INDEX audit_record_user_time ON audit_record (audit_user_id, time DESC, id DESC);
