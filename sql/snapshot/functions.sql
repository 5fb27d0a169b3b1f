-- SECURITY DEFINER functions in the audited schemas: who may execute them, the search_path
-- they pin (the value of their SET search_path, judged in Rust), and which relations they read (SQL-standard bodies through pg_depend,
-- other languages through the relation names their source mentions).
SELECT p.oid::int8 AS oid,
       p.oid::regprocedure::text AS signature,
       p.proowner::int8 AS owner,
       p.prosecdef AS security_definer,
       (SELECT substr(s, length('search_path=') + 1) FROM unnest(p.proconfig) s
         WHERE s LIKE 'search_path=%' LIMIT 1) AS search_path,
       coalesce((SELECT array_agg(DISTINCT g.grantee::int8)
                   FROM pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) g
                  WHERE g.privilege_type = 'EXECUTE'), '{}') AS executors,
       coalesce((SELECT array_agg(DISTINCT d.refobjid::int8) FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid
                    AND d.refclassid = 'pg_catalog.pg_class'::regclass), '{}') AS deps,
       coalesce(p.prosrc, '') AS body
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
 WHERE p.prosecdef
   AND n.nspname <> ALL ('{pg_catalog,information_schema,rls_fixer}'::name[])
   AND ($1::text[] IS NULL OR n.nspname::text = ANY ($1::text[]))
