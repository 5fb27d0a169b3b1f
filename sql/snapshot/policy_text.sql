-- The expressions of the policies a finding prints, as PostgreSQL deparses them. $1: tables.
SELECT p.polrelid::int8 AS tbl,
       p.polname::text AS name,
       pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS using_expr,
       pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS check_expr
  FROM pg_catalog.pg_policy p
 WHERE p.polrelid::int8 = ANY ($1::int8[])
