-- case: the policy reads its own RLS-enabled table: infinite recursion
-- schemas: c206
-- app_roles: c206_app
-- expect: policy_recursion c206.orders.iso
DO $$ BEGIN CREATE ROLE c206_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c206;
GRANT USAGE ON SCHEMA c206 TO c206_app;
CREATE TABLE c206.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, parent_id bigint, PRIMARY KEY (tenant_id, id));
ALTER TABLE c206.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c206.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND NOT EXISTS (SELECT 1 FROM c206.orders p WHERE p.id = orders.parent_id AND p.note = 'hidden'))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT ON c206.orders TO c206_app;
