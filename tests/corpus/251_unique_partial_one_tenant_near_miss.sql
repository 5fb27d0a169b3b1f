-- case: a partial unique index WHERE tenant_id = 'acme': holds one tenant's rows only
-- schemas: c251
-- app_roles: c251_app
-- (no expect lines: must be clean)
-- why: Uniqueness is enforced among acme's rows only: nothing about another tenant's codes is revealed.
DO $$ BEGIN CREATE ROLE c251_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c251;
GRANT USAGE ON SCHEMA c251 TO c251_app;
CREATE TABLE c251.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, code text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c251.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c251.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c251.orders TO c251_app;
CREATE UNIQUE INDEX orders_acme_code_idx ON c251.orders (code) WHERE tenant_id = 'acme';
