-- The audit trail on screen (`gudang audit`, the app's Admin list and entity histories): the
-- document that caused a change, where one did (the column matches the master shard's, so one
-- query reads both), and indexes for the list's filters. Every listing pages newest first by
-- (at, id); the actor filter pages inside one actor's entries, a kind filter inside its kind, an
-- entity's history by its key.
ALTER TABLE audit_log ADD COLUMN doc VARCHAR(64);
CREATE INDEX audit_log_at_id ON audit_log (at, id);
CREATE INDEX audit_log_actor_at ON audit_log (actor, at, id);
CREATE INDEX audit_log_entity_at ON audit_log (entity, entity_id, at, id);
CREATE INDEX audit_log_kind_at ON audit_log (entity, at, id);
