-- case: partitioned parent not forced, partitions protected
-- schemas: c057
-- app_roles: c057_app
-- expect: rls_not_forced c057.events
DO $$ BEGIN CREATE ROLE c057_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c057;
GRANT USAGE ON SCHEMA c057 TO c057_app;
CREATE TABLE c057.events (id bigint NOT NULL, tenant_id text NOT NULL, at date NOT NULL, PRIMARY KEY (tenant_id, id, at)) PARTITION BY RANGE (at);
CREATE TABLE c057.events_2026 PARTITION OF c057.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
ALTER TABLE c057.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE c057.events_2026 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c057.events USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY iso ON c057.events_2026 USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c057.events TO c057_app;
