-- case: RLS enabled and forced, no policy at all
-- schemas: c062
-- app_roles: c062_app
-- expect: tenant_policy_missing c062.orders
DO $$ BEGIN CREATE ROLE c062_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c062;
GRANT USAGE ON SCHEMA c062 TO c062_app;
CREATE TABLE c062.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c062.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON c062.orders TO c062_app;
