-- case: a FOR TABLES IN SCHEMA publication of a schema without tenant tables
-- schemas: c256
-- app_roles: c256_app
-- (no expect lines: must be clean)
CREATE SCHEMA c256_ref;
CREATE TABLE c256_ref.countries (code text PRIMARY KEY);
DO $$ BEGIN CREATE ROLE c256_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c256;
GRANT USAGE ON SCHEMA c256 TO c256_app;
CREATE TABLE c256.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c256.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c256.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c256.orders TO c256_app;
CREATE PUBLICATION c256_ref_pub FOR TABLES IN SCHEMA c256_ref;
