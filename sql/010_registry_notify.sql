-- Daemons keep keys, partners, agreements and the union tree in memory. Any change to those
-- tables notifies channel `unioncard_registry` (payload: the table name), once per statement, so
-- a revoked key or a changed agreement takes effect in every running daemon within a second.
CREATE FUNCTION notify_registry_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('unioncard_registry', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION notify_registry_change();
CREATE TRIGGER agreements_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON agreements
    FOR EACH STATEMENT EXECUTE FUNCTION notify_registry_change();
CREATE TRIGGER partners_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON partners
    FOR EACH STATEMENT EXECUTE FUNCTION notify_registry_change();
CREATE TRIGGER units_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION notify_registry_change();
