-- case: only a SELECT tenant policy: INSERT, UPDATE, DELETE have none
-- schemas: c063
-- app_roles: c063_app
-- expect: tenant_policy_missing c063.orders
DO $$ BEGIN CREATE ROLE c063_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c063;
GRANT USAGE ON SCHEMA c063 TO c063_app;
CREATE TABLE c063.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c063.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON c063.orders TO c063_app;
CREATE POLICY sel ON c063.orders FOR SELECT USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
