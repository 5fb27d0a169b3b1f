-- case: LIST partitions by tenant_id, none protected on its own
-- schemas: c135
-- app_roles: c135_app
-- expect: partition_unprotected c135.docs_acme
-- expect: partition_unprotected c135.docs_globex
DO $$ BEGIN CREATE ROLE c135_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c135;
GRANT USAGE ON SCHEMA c135 TO c135_app;
CREATE TABLE c135.docs (id bigint NOT NULL, tenant_id text NOT NULL, PRIMARY KEY (tenant_id, id)) PARTITION BY LIST (tenant_id);
CREATE TABLE c135.docs_acme PARTITION OF c135.docs FOR VALUES IN ('acme');
CREATE TABLE c135.docs_globex PARTITION OF c135.docs FOR VALUES IN ('globex');
ALTER TABLE c135.docs ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c135.docs USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c135.docs TO c135_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA c135 TO c135_app;
