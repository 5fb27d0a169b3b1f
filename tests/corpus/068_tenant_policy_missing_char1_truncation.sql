-- case: char(8) column, setting cast to `character` (char(1)): truncates to one letter
-- schemas: c068
-- app_roles: c068_app
-- expect: tenant_policy_missing c068.orders
-- expect: permissive_policy_unscoped c068.orders.iso
-- why: 'acme'::character is 'a': tenant 'acme' sees the rows of tenant 'a' (and 'abc' sees them too).
DO $$ BEGIN CREATE ROLE c068_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c068;
GRANT USAGE ON SCHEMA c068 TO c068_app;
CREATE TABLE c068.orders (id bigint NOT NULL, tenant_id char(8) NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c068.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c068.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::character)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::character);
GRANT SELECT, INSERT, UPDATE, DELETE ON c068.orders TO c068_app;
