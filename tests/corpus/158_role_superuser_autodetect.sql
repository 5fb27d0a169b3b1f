-- case: a superuser LOGIN role holding table grants is detected as an app role
-- schemas: c158
-- expect: role_superuser c158_dba
DO $$ BEGIN CREATE ROLE c158_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c158;
GRANT USAGE ON SCHEMA c158 TO c158_app;
DO $$ BEGIN CREATE ROLE c158_dba LOGIN SUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE c158.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c158.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c158.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c158.orders TO c158_app;
GRANT SELECT ON c158.orders TO c158_dba;
