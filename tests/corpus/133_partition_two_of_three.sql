-- case: three partitions, two unprotected
-- schemas: c133
-- app_roles: c133_app
-- expect: partition_unprotected c133.events_2024
-- expect: partition_unprotected c133.events_2026
DO $$ BEGIN CREATE ROLE c133_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c133;
GRANT USAGE ON SCHEMA c133 TO c133_app;
CREATE TABLE c133.events (id bigint NOT NULL, tenant_id text NOT NULL, at date NOT NULL, PRIMARY KEY (tenant_id, id, at)) PARTITION BY RANGE (at);
ALTER TABLE c133.events ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c133.events USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c133.events TO c133_app;
CREATE TABLE c133.events_2024 PARTITION OF c133.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE c133.events_2025 PARTITION OF c133.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE c133.events_2026 PARTITION OF c133.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
ALTER TABLE c133.events_2025 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c133.events_2025 USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA c133 TO c133_app;
