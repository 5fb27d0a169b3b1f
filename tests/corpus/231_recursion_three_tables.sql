-- case: a -> b -> c -> a through policy sub-selects
-- schemas: c231
-- app_roles: c231_app
-- expect: policy_recursion c231.a.iso
-- expect: policy_recursion c231.b.iso
-- expect: policy_recursion c231.c.iso
DO $$ BEGIN CREATE ROLE c231_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c231;
GRANT USAGE ON SCHEMA c231 TO c231_app;
CREATE TABLE c231.a (id bigint NOT NULL, tenant_id text NOT NULL, note text, ref bigint, PRIMARY KEY (tenant_id, id));
ALTER TABLE c231.a ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
GRANT SELECT ON c231.a TO c231_app;
CREATE TABLE c231.b (id bigint NOT NULL, tenant_id text NOT NULL, note text, ref bigint, PRIMARY KEY (tenant_id, id));
ALTER TABLE c231.b ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
GRANT SELECT ON c231.b TO c231_app;
CREATE TABLE c231.c (id bigint NOT NULL, tenant_id text NOT NULL, note text, ref bigint, PRIMARY KEY (tenant_id, id));
ALTER TABLE c231.c ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
GRANT SELECT ON c231.c TO c231_app;
CREATE POLICY iso ON c231.a
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND EXISTS (SELECT 1 FROM c231.b r WHERE r.id = a.ref))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY iso ON c231.b
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND EXISTS (SELECT 1 FROM c231.c r WHERE r.id = b.ref))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY iso ON c231.c
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND EXISTS (SELECT 1 FROM c231.a r WHERE r.id = c.ref))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
