-- case: a materialized view readable by PUBLIC
-- schemas: c147
-- app_roles: c147_app
-- expect: matview_exposes_tenant_data c147.order_counts
DO $$ BEGIN CREATE ROLE c147_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c147;
GRANT USAGE ON SCHEMA c147 TO c147_app;
CREATE TABLE c147.orders (id bigint NOT NULL, tenant_id uuid NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c147.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c147.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON c147.orders TO c147_app;
CREATE MATERIALIZED VIEW c147.order_counts AS SELECT tenant_id, count(*) AS n FROM c147.orders GROUP BY tenant_id;
GRANT SELECT ON c147.order_counts TO PUBLIC;
