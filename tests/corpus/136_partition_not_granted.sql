-- case: an unprotected partition no app role has a direct grant on (yet)
-- schemas: c136
-- app_roles: c136_app
-- expect: partition_unprotected c136.events_2027
-- why: Today only the owner can name the partition directly; the first GRANT ... ON ALL TABLES IN
-- why: SCHEMA (or a new owner-side role) opens every tenant's rows in it, and the parent's policies
-- why: never apply there.
DO $$ BEGIN CREATE ROLE c136_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c136;
GRANT USAGE ON SCHEMA c136 TO c136_app;
CREATE TABLE c136.events (id bigint NOT NULL, tenant_id text NOT NULL, at date NOT NULL, PRIMARY KEY (tenant_id, id, at)) PARTITION BY RANGE (at);
ALTER TABLE c136.events ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c136.events USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c136.events TO c136_app;
CREATE TABLE c136.events_2027 PARTITION OF c136.events FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
