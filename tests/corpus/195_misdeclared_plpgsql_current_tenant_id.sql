-- case: an IMMUTABLE plpgsql function calling current_tenant_id()
-- schemas: c195
-- app_roles: c195_app
-- expect: policy_function_misdeclared c195.tenant_is(text)
DO $$ BEGIN CREATE ROLE c195_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c195;
GRANT USAGE ON SCHEMA c195 TO c195_app;
CREATE FUNCTION c195.tenant_is(t text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN t = public.current_tenant_id();
END $$;
CREATE TABLE c195.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c195.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c195.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND c195.tenant_is(tenant_id))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c195.orders TO c195_app;
