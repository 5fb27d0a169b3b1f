-- case: two unpinned SECURITY DEFINER helpers with arguments
-- schemas: c154
-- app_roles: c154_app
-- expect: function_search_path_mutable c154.add(integer,integer)
-- expect: function_search_path_mutable c154.greet(text)
DO $$ BEGIN CREATE ROLE c154_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c154;
GRANT USAGE ON SCHEMA c154 TO c154_app;
CREATE TABLE c154.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c154.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c154.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c154.orders TO c154_app;
CREATE FUNCTION c154.add(a int, b int) RETURNS int LANGUAGE sql SECURITY DEFINER AS $$ SELECT a + b $$;
CREATE FUNCTION c154.greet(who text) RETURNS text LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN RETURN 'hello ' || who; END $$;
