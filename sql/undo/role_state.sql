-- The state rls_undo checks before giving a role BYPASSRLS back. $1: pg_authid oid.
SELECT pg_catalog.quote_ident(rolname) AS name, rolbypassrls AS bypassrls
  FROM pg_catalog.pg_roles
 WHERE oid = $1::oid
