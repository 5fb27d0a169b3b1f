-- case: a BEFORE trigger whose function is SECURITY DEFINER (search_path pinned)
-- schemas: c187
-- app_roles: c187_app
-- expect: security_definer_trigger c187.orders.touch
DO $$ BEGIN CREATE ROLE c187_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c187;
GRANT USAGE ON SCHEMA c187 TO c187_app;
CREATE TABLE c187.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c187.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c187.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c187.orders TO c187_app;
CREATE FUNCTION c187.touch() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  NEW.note := coalesce(NEW.note, '');
  RETURN NEW;
END $$;
CREATE TRIGGER touch BEFORE INSERT OR UPDATE ON c187.orders FOR EACH ROW EXECUTE FUNCTION c187.touch();
