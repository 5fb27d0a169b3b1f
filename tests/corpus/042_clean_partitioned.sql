-- case: clean: a partitioned tenant table whose partitions are protected themselves
-- schemas: c042
-- app_roles: c042_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c042_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c042;
GRANT USAGE ON SCHEMA c042 TO c042_app;
CREATE TABLE c042.events (id bigint NOT NULL, tenant_id text NOT NULL, at date NOT NULL, PRIMARY KEY (tenant_id, id, at)) PARTITION BY RANGE (at);
CREATE TABLE c042.events_2025 PARTITION OF c042.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE c042.events_2026 PARTITION OF c042.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
ALTER TABLE c042.events ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE c042.events_2025 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE c042.events_2026 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c042.events USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY iso ON c042.events_2025 USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY iso ON c042.events_2026 USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c042.events, c042.events_2025, c042.events_2026 TO c042_app;
