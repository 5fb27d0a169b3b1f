-- case: SECURITY DEFINER reader without a pinned search_path
-- schemas: c151
-- app_roles: c151_app
-- expect: security_definer_function c151.order_notes(text)
-- expect: function_search_path_mutable c151.order_notes(text)
DO $$ BEGIN CREATE ROLE c151_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c151;
GRANT USAGE ON SCHEMA c151 TO c151_app;
CREATE TABLE c151.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c151.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c151.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c151.orders TO c151_app;
CREATE FUNCTION c151.order_notes(p_tenant text) RETURNS SETOF text LANGUAGE sql SECURITY DEFINER
  AS $$ SELECT note FROM c151.orders WHERE tenant_id = p_tenant $$;
