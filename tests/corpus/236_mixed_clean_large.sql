-- case: clean: ten protected tenant tables of mixed types with a composite FK web
-- schemas: c236
-- app_roles: c236_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c236_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c236;
GRANT USAGE ON SCHEMA c236 TO c236_app;
CREATE TABLE c236.t0 (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c236.t0 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c236.t0
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c236.t0 TO c236_app;
CREATE TABLE c236.t1 (id bigint NOT NULL, tenant_id uuid NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c236.t1 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c236.t1
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON c236.t1 TO c236_app;
CREATE TABLE c236.t2 (id bigint NOT NULL, tenant_id int8 NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c236.t2 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c236.t2
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int8)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int8);
GRANT SELECT, INSERT, UPDATE, DELETE ON c236.t2 TO c236_app;
CREATE TABLE c236.t3 (id bigint NOT NULL, tenant_id int4 NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c236.t3 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c236.t3
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int4)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int4);
GRANT SELECT, INSERT, UPDATE, DELETE ON c236.t3 TO c236_app;
CREATE TABLE c236.t4 (id bigint NOT NULL, tenant_id varchar(40) NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c236.t4 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c236.t4
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c236.t4 TO c236_app;
CREATE TABLE c236.t5 (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c236.t5 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c236.t5
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c236.t5 TO c236_app;
CREATE TABLE c236.t6 (id bigint NOT NULL, tenant_id uuid NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c236.t6 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c236.t6
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON c236.t6 TO c236_app;
CREATE TABLE c236.t7 (id bigint NOT NULL, tenant_id int2 NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c236.t7 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c236.t7
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int2)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::int2);
GRANT SELECT, INSERT, UPDATE, DELETE ON c236.t7 TO c236_app;
CREATE TABLE c236.t8 (id bigint NOT NULL, tenant_id numeric NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c236.t8 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c236.t8
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::numeric)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::numeric);
GRANT SELECT, INSERT, UPDATE, DELETE ON c236.t8 TO c236_app;
CREATE TABLE c236.t9 (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c236.t9 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c236.t9
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c236.t9 TO c236_app;
CREATE TABLE c236.t10 (id bigint NOT NULL, tenant_id text NOT NULL, note text, t0_id bigint, FOREIGN KEY (tenant_id, t0_id) REFERENCES c236.t0 (tenant_id, id), PRIMARY KEY (tenant_id, id));
ALTER TABLE c236.t10 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c236.t10
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON c236.t10 TO c236_app;
