-- case: RLS never enabled, not forced, no policy
-- schemas: c051
-- app_roles: c051_app
-- expect: rls_disabled c051.orders
-- expect: rls_not_forced c051.orders
-- expect: tenant_policy_missing c051.orders
DO $$ BEGIN CREATE ROLE c051_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c051;
GRANT USAGE ON SCHEMA c051 TO c051_app;
CREATE TABLE c051.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
GRANT SELECT, INSERT, UPDATE, DELETE ON c051.orders TO c051_app;
