-- case: a SECURITY DEFINER (pinned) trigger on a table without tenant_id
-- schemas: c191
-- app_roles: c191_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c191_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c191;
GRANT USAGE ON SCHEMA c191 TO c191_app;
CREATE TABLE c191.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c191.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c191.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c191.orders TO c191_app;
CREATE TABLE c191.audit_log (at timestamptz, note text);
CREATE FUNCTION c191.touch() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  NEW.note := coalesce(NEW.note, '');
  RETURN NEW;
END $$;
CREATE TRIGGER touch BEFORE INSERT ON c191.audit_log FOR EACH ROW EXECUTE FUNCTION c191.touch();
