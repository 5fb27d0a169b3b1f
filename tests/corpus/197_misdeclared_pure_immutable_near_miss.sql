-- case: an IMMUTABLE function that reads no session state
-- schemas: c197
-- app_roles: c197_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c197_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c197;
GRANT USAGE ON SCHEMA c197 TO c197_app;
CREATE FUNCTION c197.norm(x text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(btrim(x)) $$;
CREATE TABLE c197.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, status text NOT NULL DEFAULT 'open', PRIMARY KEY (tenant_id, id));
ALTER TABLE c197.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c197.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND c197.norm(status) <> 'deleted')
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c197.orders TO c197_app;
