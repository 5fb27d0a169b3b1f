-- case: IS NOT DISTINCT FROM on a NOT NULL tenant column: fails closed (a NULL setting matches no row), but no index use
-- schemas: c016
-- app_roles: c016_app
-- expect: policy_not_sargable c016.orders.iso
-- why: `IS NOT DISTINCT FROM` is no index condition: EXPLAIN as the app role (200,000 rows, an index
-- why: leading with tenant_id) shows a Seq Scan with the policy as a Filter, while the plain `tenant_id =
-- why: NULLIF(...)` uses the index (checked live); it still fails closed
-- why: With the setting unset the predicate is `tenant_id IS NULL`, which no row satisfies: tenant_id
-- why: is NOT NULL.
DO $$ BEGIN CREATE ROLE c016_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c016;
GRANT USAGE ON SCHEMA c016 TO c016_app;
CREATE TABLE c016.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c016.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c016.orders
  USING (tenant_id IS NOT DISTINCT FROM NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id IS NOT DISTINCT FROM NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c016.orders TO c016_app;
