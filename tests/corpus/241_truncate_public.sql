-- case: TRUNCATE granted to PUBLIC
-- schemas: c241
-- app_roles: c241_app
-- expect: tenant_table_truncate c241.orders
-- why: Every role may TRUNCATE, the app role included; the table grants no SELECT/INSERT/UPDATE/DELETE
-- why: to PUBLIC, so tenant_table_public_grant (which is about those) stays quiet.
DO $$ BEGIN CREATE ROLE c241_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c241;
GRANT USAGE ON SCHEMA c241 TO c241_app;
CREATE TABLE c241.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c241.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c241.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c241.orders TO c241_app;
GRANT TRUNCATE ON c241.orders TO PUBLIC;
