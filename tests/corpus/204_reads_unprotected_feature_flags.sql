-- case: a SELECT policy reads an unprotected feature-flag table
-- schemas: c204
-- app_roles: c204_app
-- expect: policy_reads_unprotected_table c204.orders.flagged
DO $$ BEGIN CREATE ROLE c204_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c204;
GRANT USAGE ON SCHEMA c204 TO c204_app;
CREATE TABLE c204.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c204.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c204.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c204.orders TO c204_app;
CREATE TABLE c204.flags (name text PRIMARY KEY, enabled boolean NOT NULL);
GRANT SELECT ON c204.flags TO c204_app;
CREATE POLICY flagged ON c204.orders AS RESTRICTIVE FOR SELECT USING (EXISTS (SELECT 1 FROM c204.flags f WHERE f.name = 'orders' AND f.enabled));
