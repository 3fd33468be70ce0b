-- Audit rows keep their key and partner ids without foreign keys. A foreign key is checked per
-- inserted row by a trigger that runs a query and locks the referenced key and partner rows
-- (FOR KEY SHARE), so concurrent lookup batches of one terminal rewrite its api_keys row over
-- and over: measured, the checks were an eighth of PostgreSQL's CPU under lookup load. The
-- daemon only writes ids it has just authenticated, and nothing deletes keys or partners
-- (revoking sets `revoked_at`; imports are upserts) — the triggers below keep it that way, so
-- every audit row's key and partner stay resolvable, which is what the foreign keys guarded.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_key_id_fkey;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_partner_id_fkey;

CREATE FUNCTION refuse_delete_referenced_by_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never deleted: audit events refer to them (revoke a key instead)',
        TG_TABLE_NAME;
END
$$;
CREATE TRIGGER api_keys_never_deleted BEFORE DELETE OR TRUNCATE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_delete_referenced_by_audit();
CREATE TRIGGER partners_never_deleted BEFORE DELETE OR TRUNCATE ON partners
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_delete_referenced_by_audit();
