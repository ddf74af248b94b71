-- Replication lag, measured the same way on every engine: a process that has replicas
-- configured writes the time into this row on the primary every half second and reads it back on
-- each replica (the difference is how old that replica's data is).
CREATE TABLE heartbeat (
    id BIGINT PRIMARY KEY,
    at BIGINT NOT NULL
);
INSERT INTO heartbeat (id, at) VALUES (1, 0);
