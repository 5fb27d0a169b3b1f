-- case: only REFERENCES and TRIGGER granted to PUBLIC (no row access)
-- schemas: c181
-- app_roles: c181_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c181_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c181;
GRANT USAGE ON SCHEMA c181 TO c181_app;
CREATE TABLE c181.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c181.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c181.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c181.orders TO c181_app;
GRANT REFERENCES, TRIGGER ON c181.orders TO PUBLIC;
