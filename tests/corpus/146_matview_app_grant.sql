-- case: a materialized view over a tenant table, readable by the app role
-- schemas: c146
-- app_roles: c146_app
-- expect: matview_exposes_tenant_data c146.order_counts
DO $$ BEGIN CREATE ROLE c146_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c146;
GRANT USAGE ON SCHEMA c146 TO c146_app;
CREATE TABLE c146.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c146.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c146.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c146.orders TO c146_app;
CREATE MATERIALIZED VIEW c146.order_counts AS SELECT tenant_id, count(*) AS n FROM c146.orders GROUP BY tenant_id;
GRANT SELECT ON c146.order_counts TO c146_app;
