-- case: projects' policy reads tasks, tasks' policy reads projects
-- schemas: c207
-- app_roles: c207_app
-- expect: policy_recursion c207.projects.iso
-- expect: policy_recursion c207.tasks.iso
DO $$ BEGIN CREATE ROLE c207_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SCHEMA c207;
GRANT USAGE ON SCHEMA c207 TO c207_app;
CREATE TABLE c207.projects (id bigint NOT NULL, tenant_id text NOT NULL, note text, owner name, PRIMARY KEY (tenant_id, id));
ALTER TABLE c207.projects ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
GRANT SELECT ON c207.projects TO c207_app;
CREATE TABLE c207.tasks (id bigint NOT NULL, tenant_id text NOT NULL, note text, project_id bigint, assignee name, PRIMARY KEY (tenant_id, id));
ALTER TABLE c207.tasks ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
GRANT SELECT ON c207.tasks TO c207_app;
CREATE POLICY iso ON c207.projects
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND EXISTS (SELECT 1 FROM c207.tasks t WHERE t.project_id = projects.id AND t.assignee = current_user))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
CREATE POLICY iso ON c207.tasks
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '') AND EXISTS (SELECT 1 FROM c207.projects p WHERE p.id = tasks.project_id))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
