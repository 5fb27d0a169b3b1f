-- case: FOR INSERT WITH CHECK (true) TO a NOLOGIN ETL role, not the app
-- schemas: c092
-- app_roles: c092_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c092_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c092;
GRANT USAGE ON SCHEMA c092 TO c092_app;
DO $$ BEGIN CREATE ROLE c092_etl NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE c092.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c092.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c092.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c092.orders TO c092_app;
CREATE POLICY etl_ins ON c092.orders FOR INSERT TO c092_etl WITH CHECK (true);
