-- case: an AFTER trigger whose SECURITY DEFINER function counts every tenant's rows
-- schemas: c189
-- app_roles: c189_app
-- expect: security_definer_trigger c189.orders.recount
-- expect: security_definer_function c189.recount()
DO $$ BEGIN CREATE ROLE c189_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c189;
GRANT USAGE ON SCHEMA c189 TO c189_app;
CREATE TABLE c189.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c189.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c189.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c189.orders TO c189_app;
CREATE TABLE c189.stats (name text PRIMARY KEY, n bigint);
CREATE FUNCTION c189.recount() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  UPDATE c189.stats SET n = (SELECT count(*) FROM c189.orders) WHERE name = 'orders';
  RETURN NULL;
END $$;
CREATE TRIGGER recount AFTER INSERT ON c189.orders FOR EACH STATEMENT EXECUTE FUNCTION c189.recount();
