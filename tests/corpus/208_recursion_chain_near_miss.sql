-- case: tasks' policy reads projects, projects' policy reads nothing: no cycle
-- schemas: c208
-- app_roles: c208_app
-- (no expect lines: must be clean)
DO $$ BEGIN CREATE ROLE c208_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c208;
GRANT USAGE ON SCHEMA c208 TO c208_app;
CREATE TABLE c208.projects (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c208.projects ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c208.projects
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT ON c208.projects TO c208_app;
CREATE TABLE c208.tasks (id bigint NOT NULL, tenant_id text NOT NULL, note text, project_id bigint, PRIMARY KEY (tenant_id, id));
ALTER TABLE c208.tasks ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c208.tasks
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND EXISTS (SELECT 1 FROM c208.projects p WHERE p.id = tasks.project_id))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
GRANT SELECT ON c208.tasks TO c208_app;
