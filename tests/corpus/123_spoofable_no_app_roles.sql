-- case: no app role exists (no grants, none declared): nobody to spoof
-- schemas: c123
-- include: tenant_context_spoofable
-- (no expect lines: must be clean)
CREATE SCHEMA c123;
CREATE TABLE c123.orders (id bigint NOT NULL, tenant_id text NOT NULL, note text, PRIMARY KEY (tenant_id, id));
ALTER TABLE c123.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY iso ON c123.orders
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''))
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), ''));
