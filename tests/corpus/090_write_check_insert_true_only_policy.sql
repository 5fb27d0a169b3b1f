-- case: split policies where INSERT is WITH CHECK (true)
-- schemas: c090
-- app_roles: c090_app
-- expect: write_check_missing c090.orders.ins
-- expect: tenant_policy_missing c090.orders
-- why: No permissive policy pins INSERT, so INSERT is uncovered too.
DO $$ BEGIN CREATE ROLE c090_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c090;
GRANT USAGE ON SCHEMA c090 TO c090_app;
CREATE TABLE c090.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c090.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON c090.orders TO c090_app;
CREATE POLICY sel ON c090.orders FOR SELECT USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY ins ON c090.orders FOR INSERT WITH CHECK (true);
CREATE POLICY upd ON c090.orders FOR UPDATE USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY del ON c090.orders FOR DELETE USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
