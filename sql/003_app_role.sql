-- The daemon's login role: it reads the registry and appends audit rows, nothing more.
-- Roles are cluster-wide, so create it only when missing (another database's migration may be
-- creating it at the same moment: that race is harmless); the grants are per database.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'unioncard_app') THEN
        CREATE ROLE unioncard_app LOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;

GRANT USAGE ON SCHEMA public TO unioncard_app;
GRANT SELECT ON units, members, cards, partners, agreements, api_keys TO unioncard_app;
-- SELECT is needed to replay an answer for a repeated reference; never UPDATE or DELETE.
GRANT SELECT, INSERT ON audit_events TO unioncard_app;
GRANT USAGE ON SEQUENCE audit_events_id_seq TO unioncard_app;
