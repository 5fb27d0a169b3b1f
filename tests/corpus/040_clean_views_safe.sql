-- case: clean: a security_invoker view, and a materialized view no app role can read
-- schemas: c040
-- app_roles: c040_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c040_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c040;
GRANT USAGE ON SCHEMA c040 TO c040_app;
CREATE TABLE c040.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c040.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c040.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c040.orders TO c040_app;
CREATE VIEW c040.orders_v WITH (security_invoker = true) AS SELECT id, tenant_id, note FROM c040.orders;
GRANT SELECT ON c040.orders_v TO c040_app;
CREATE MATERIALIZED VIEW c040.orders_stats AS SELECT tenant_id, count(*) AS n FROM c040.orders GROUP BY tenant_id;
