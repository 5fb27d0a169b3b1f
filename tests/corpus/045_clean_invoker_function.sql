-- case: clean: a SECURITY INVOKER function reading the tenant table (RLS applies to the caller)
-- schemas: c045
-- app_roles: c045_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c045_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c045;
GRANT USAGE ON SCHEMA c045 TO c045_app;
CREATE TABLE c045.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c045.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c045.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c045.orders TO c045_app;
CREATE FUNCTION c045.my_order_count() RETURNS bigint LANGUAGE sql STABLE
  AS $$ SELECT count(*) FROM c045.orders $$;
