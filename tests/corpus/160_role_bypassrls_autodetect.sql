-- case: a LOGIN BYPASSRLS role with grants, not listed as a bypass role
-- schemas: c160
-- expect: role_bypassrls c160_etl
DO $$ BEGIN CREATE ROLE c160_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c160;
GRANT USAGE ON SCHEMA c160 TO c160_app;
DO $$ BEGIN CREATE ROLE c160_etl LOGIN BYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE c160.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c160.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c160.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c160.orders TO c160_app;
GRANT SELECT ON c160.orders TO c160_etl;
