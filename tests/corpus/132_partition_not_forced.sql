-- case: a partition with RLS and a policy, not forced
-- schemas: c132
-- app_roles: c132_app
-- expect: partition_unprotected c132.events_2026
DO $$ BEGIN CREATE ROLE c132_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c132;
GRANT USAGE ON SCHEMA c132 TO c132_app;
CREATE TABLE c132.events (id bigint NOT NULL, tenant_id text NOT NULL, at date NOT NULL, PRIMARY KEY (tenant_id, id, at)) PARTITION BY RANGE (at);
ALTER TABLE c132.events ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c132.events USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c132.events TO c132_app;
CREATE TABLE c132.events_2026 PARTITION OF c132.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
ALTER TABLE c132.events_2026 ENABLE ROW LEVEL SECURITY;
CREATE POLICY iso ON c132.events_2026 USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA c132 TO c132_app;
