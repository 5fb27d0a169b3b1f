-- case: a partition with RLS enabled and forced but no policy
-- schemas: c131
-- app_roles: c131_app
-- expect: partition_unprotected c131.events_2026
DO $$ BEGIN CREATE ROLE c131_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c131;
GRANT USAGE ON SCHEMA c131 TO c131_app;
CREATE TABLE c131.events (id bigint NOT NULL, tenant_id text NOT NULL, at date NOT NULL, PRIMARY KEY (tenant_id, id, at)) PARTITION BY RANGE (at);
ALTER TABLE c131.events ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c131.events USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c131.events TO c131_app;
CREATE TABLE c131.events_2026 PARTITION OF c131.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
ALTER TABLE c131.events_2026 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA c131 TO c131_app;
