-- case: an ON UPDATE DO ALSO rule on an int tenant table
-- schemas: c211
-- app_roles: c211_app
-- expect: tenant_table_rule c211.orders.track
DO $$ BEGIN CREATE ROLE c211_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c211;
GRANT USAGE ON SCHEMA c211 TO c211_app;
CREATE TABLE c211.orders (id bigint NOT NULL, tenant_id int4 NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c211.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c211.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int4)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int4);
GRANT SELECT, INSERT, UPDATE, DELETE ON c211.orders TO c211_app;
CREATE TABLE c211.changes (id bigint, at timestamptz DEFAULT now());
CREATE RULE track AS ON UPDATE TO c211.orders DO ALSO INSERT INTO c211.changes (id) VALUES (NEW.id);
