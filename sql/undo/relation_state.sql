-- The state rls_undo checks before reverting a step on a table or view: its current name and
-- what a step may have changed. $1: pg_class oid, $2: policy name (for CreatePolicy steps).
-- Run with search_path = pg_catalog, pg_temp (like every function of the extension that runs SQL).
SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) AS name,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced,
       coalesce('security_invoker=true' = ANY (c.reloptions), false) AS security_invoker,
       EXISTS (SELECT 1 FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid AND p.polname = $2) AS has_policy
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.oid = $1::oid
