-- case: an ON DELETE DO INSTEAD rule (soft delete) on a tenant table
-- schemas: c210
-- app_roles: c210_app
-- expect: tenant_table_rule c210.orders.soft_delete
DO $$ BEGIN CREATE ROLE c210_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c210;
GRANT USAGE ON SCHEMA c210 TO c210_app;
CREATE TABLE c210.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, deleted boolean NOT NULL DEFAULT false, PRIMARY KEY (tenant_id, id));
ALTER TABLE c210.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c210.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c210.orders TO c210_app;
CREATE RULE soft_delete AS ON DELETE TO c210.orders DO INSTEAD UPDATE c210.orders SET deleted = true WHERE id = OLD.id AND tenant_id = OLD.tenant_id;
