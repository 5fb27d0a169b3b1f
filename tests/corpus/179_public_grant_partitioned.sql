-- case: ALL on a partitioned tenant table granted to PUBLIC
-- schemas: c179
-- app_roles: c179_app
-- expect: tenant_table_public_grant c179.events
-- expect: tenant_table_truncate c179.events
-- why: ALL includes TRUNCATE, which ignores RLS: any role (every app role) can empty every tenant's events.
DO $$ BEGIN CREATE ROLE c179_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c179;
GRANT USAGE ON SCHEMA c179 TO c179_app;
CREATE TABLE c179.events (id bigint NOT NULL, tenant_id text NOT NULL, at date NOT NULL, PRIMARY KEY (tenant_id, id, at)) PARTITION BY RANGE (at);
ALTER TABLE c179.events ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c179.events USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c179.events TO c179_app;
GRANT ALL ON c179.events TO PUBLIC;
