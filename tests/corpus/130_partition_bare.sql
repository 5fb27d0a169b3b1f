-- case: a partition with no RLS of its own
-- schemas: c130
-- app_roles: c130_app
-- expect: partition_unprotected c130.events_2026
DO $$ BEGIN CREATE ROLE c130_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c130;
GRANT USAGE ON SCHEMA c130 TO c130_app;
CREATE TABLE c130.events (id bigint NOT NULL, tenant_id text NOT NULL, at date NOT NULL, PRIMARY KEY (tenant_id, id, at)) PARTITION BY RANGE (at);
ALTER TABLE c130.events ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c130.events USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c130.events TO c130_app;
CREATE TABLE c130.events_2026 PARTITION OF c130.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA c130 TO c130_app;
