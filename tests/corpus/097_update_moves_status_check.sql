-- case: FOR UPDATE WITH CHECK on a status column only
-- schemas: c097
-- app_roles: c097_app
-- expect: update_moves_tenant c097.orders.upd
DO $$ BEGIN CREATE ROLE c097_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c097;
GRANT USAGE ON SCHEMA c097 TO c097_app;
CREATE TABLE c097.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, status text NOT NULL DEFAULT 'open', PRIMARY KEY (tenant_id, id));
ALTER TABLE c097.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c097.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c097.orders TO c097_app;
CREATE POLICY upd ON c097.orders FOR UPDATE USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')) WITH CHECK (status <> 'locked');
