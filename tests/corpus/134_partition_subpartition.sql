-- case: a sub-partitioned partition: the middle level protected, the leaf not
-- schemas: c134
-- app_roles: c134_app
-- expect: partition_unprotected c134.events_2026_h1
DO $$ BEGIN CREATE ROLE c134_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c134;
GRANT USAGE ON SCHEMA c134 TO c134_app;
CREATE TABLE c134.events (id bigint NOT NULL, tenant_id text NOT NULL, at date NOT NULL, PRIMARY KEY (tenant_id, id, at)) PARTITION BY RANGE (at);
ALTER TABLE c134.events ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c134.events USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c134.events TO c134_app;
CREATE TABLE c134.events_2026 PARTITION OF c134.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01') PARTITION BY RANGE (at);
ALTER TABLE c134.events_2026 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c134.events_2026 USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE TABLE c134.events_2026_h1 PARTITION OF c134.events_2026 FOR VALUES FROM ('2026-01-01') TO ('2026-07-01');
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA c134 TO c134_app;
