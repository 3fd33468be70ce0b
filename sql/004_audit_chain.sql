-- The audit hash chain (README, "For auditors"): one row per sealed audit event, in event-id
-- order. hash(seq n) = SHA-256(hash(seq n-1) || canonical encoding of the event row); the sealer
-- (a background thread of one daemon, or `unioncardctl audit seal`) computes it, so lookups never
-- wait for the chain head and audit_events keeps its plain INSERT.
--
-- event_id has no foreign key on purpose: checking one locks the referenced audit row (FOR KEY
-- SHARE), which rewrites every audit row once more as it is sealed (measured: sealing a million
-- rows took 28 s with the key, 5 s without). A missing audit row is what `audit verify` reports.
CREATE TABLE audit_chain (
    seq       bigint PRIMARY KEY CHECK (seq > 0),
    event_id  bigint NOT NULL UNIQUE,
    hash      bytea NOT NULL CHECK (length(hash) = 32)
);

-- The sealing barrier. Every statement that inserts audit rows first takes this lock in shared
-- mode, before its rows draw their ids, and keeps it until its transaction ends. The sealer takes
-- it exclusively for an instant: once it has it, every id handed out so far belongs to a finished
-- transaction, so sealing up to the largest visible id can never skip a row that commits later.
-- Inserters never wait for each other, only (briefly) for that instant.
CREATE FUNCTION audit_events_seal_barrier() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(7262, 3);
    RETURN NULL;
END
$$;
CREATE TRIGGER audit_events_seal_barrier BEFORE INSERT ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_seal_barrier();

-- Chain rows are never changed: not by the daemon (no grant), nor by mistake by the owner. Only
-- someone who disables this trigger on purpose can, and `unioncardctl audit verify` sees it.
CREATE FUNCTION audit_chain_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_chain is append-only';
END
$$;
CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_chain
    FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_append_only();

GRANT SELECT, INSERT ON audit_chain TO unioncard_app;

-- A merchant's events (GET /v1/events with a merchant key) in id order.
CREATE INDEX audit_events_partner_idx ON audit_events (partner_id, id);
