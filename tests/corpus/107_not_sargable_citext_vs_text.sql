-- case: citext column compared with text: resolves to text =, the citext index cannot serve it
-- schemas: c107
-- app_roles: c107_app
-- expect: policy_not_sargable c107.orders.iso
-- why: citext = text resolves to text = text (citext -> text is the implicit cast); the primary key
-- why: index uses citext_ops, whose family has no text = operator.
CREATE EXTENSION IF NOT EXISTS citext;
DO $$ BEGIN CREATE ROLE c107_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c107;
GRANT USAGE ON SCHEMA c107 TO c107_app;
CREATE TABLE c107.orders (id bigint NOT NULL, tenant_id citext NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c107.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c107.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c107.orders TO c107_app;
