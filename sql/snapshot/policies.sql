-- Every policy on an audited relation, with its expressions as PostgreSQL prints them and the
-- volatile functions its parsed node trees call (:funcid / :opfuncid in pg_node_tree).
SELECT p.polrelid::int8                                   AS tbl,
       p.polname::text                                    AS name,
       quote_ident(p.polname)                             AS qname,
       p.polcmd::text                                     AS cmd,
       p.polpermissive                                    AS permissive,
       (SELECT array_agg(x::int8) FROM unnest(p.polroles) x) AS roles,
       pg_catalog.pg_get_expr(p.polqual, p.polrelid)      AS using_expr,
       pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS check_expr,
       coalesce((SELECT array_agg(DISTINCT f.proname::text ORDER BY f.proname::text)
                   FROM regexp_matches(coalesce(p.polqual::text, '') || ' ' || coalesce(p.polwithcheck::text, ''),
                                       ':(?:funcid|opfuncid) (\d+)', 'g') m
                   JOIN pg_catalog.pg_proc f ON f.oid = m[1]::oid
                  WHERE f.provolatile = 'v'), '{}')       AS volatile_funcs
  FROM pg_catalog.pg_policy p
  JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname <> ALL ('{pg_catalog,information_schema,pg_toast,rls_fixer}'::name[])
   AND ($1::text[] IS NULL OR n.nspname::text = ANY ($1::text[]))
   AND ($2::int8[] IS NULL OR p.polrelid::int8 = ANY ($2::int8[]))
