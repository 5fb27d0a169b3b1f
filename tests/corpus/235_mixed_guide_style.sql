-- case: the guide's style: one policy per table, some tables forgotten, a reporting role
-- schemas: c235
-- app_roles: c235_app, c235_bi
-- expect: tenant_policy_missing c235.orders
-- expect: write_check_missing c235.notes.iso
-- expect: update_moves_tenant c235.notes.iso
-- expect: role_bypassrls c235_bi
DO $$ BEGIN CREATE ROLE c235_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c235;
GRANT USAGE ON SCHEMA c235 TO c235_app;
DO $$ BEGIN CREATE ROLE c235_bi LOGIN BYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE c235.customers (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c235.customers ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c235.customers
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c235.customers TO c235_app;
CREATE TABLE c235.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c235.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON c235.orders TO c235_app;
CREATE TABLE c235.notes (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c235.notes ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c235.notes
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON c235.notes TO c235_app;
GRANT SELECT ON ALL TABLES IN SCHEMA c235 TO c235_bi;
