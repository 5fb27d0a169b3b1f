-- case: a self-referencing foreign key on id alone
-- schemas: c230
-- app_roles: c230_app
-- expect: unique_not_tenant_scoped c230.orders.orders_id_key
-- expect: foreign_key_not_tenant_scoped c230.orders.orders_parent_id_fkey
DO $$ BEGIN CREATE ROLE c230_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c230;
GRANT USAGE ON SCHEMA c230 TO c230_app;
CREATE TABLE c230.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, parent_id bigint, UNIQUE (id), FOREIGN KEY (parent_id) REFERENCES c230.orders (id), PRIMARY KEY (tenant_id, id));
ALTER TABLE c230.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c230.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c230.orders TO c230_app;
