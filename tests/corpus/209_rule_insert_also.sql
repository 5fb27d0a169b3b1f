-- case: an ON INSERT DO ALSO rule on a tenant table
-- schemas: c209
-- app_roles: c209_app
-- expect: tenant_table_rule c209.orders.log_insert
DO $$ BEGIN CREATE ROLE c209_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c209;
GRANT USAGE ON SCHEMA c209 TO c209_app;
CREATE TABLE c209.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c209.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c209.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c209.orders TO c209_app;
CREATE TABLE c209.audit_log (at timestamptz NOT NULL DEFAULT now(), what text);
CREATE RULE log_insert AS ON INSERT TO c209.orders DO ALSO INSERT INTO c209.audit_log (what) VALUES (NEW.note);
