-- case: a materialized view over a security_invoker view, readable by the app role
-- schemas: c148
-- app_roles: c148_app
-- expect: matview_exposes_tenant_data c148.snapshot
DO $$ BEGIN CREATE ROLE c148_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c148;
GRANT USAGE ON SCHEMA c148 TO c148_app;
CREATE TABLE c148.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c148.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c148.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c148.orders TO c148_app;
CREATE VIEW c148.orders_v WITH (security_invoker = true) AS SELECT id, tenant_id FROM c148.orders;
CREATE MATERIALIZED VIEW c148.snapshot AS SELECT * FROM c148.orders_v;
GRANT SELECT ON c148.snapshot TO c148_app;
