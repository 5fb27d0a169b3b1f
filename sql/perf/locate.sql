-- Where pg_stat_statements lives in this database: the schema of its pg_stat_statements(boolean)
-- function, found through the extension's members (pg_depend), never by name resolution; and
-- whether it has pg_stat_statements_info() (1.9+: when its statistics were last reset).
-- No row: the extension is not installed here.
SELECT n.nspname::text AS schema,
       e.extversion::text AS version,
       EXISTS (SELECT 1
                 FROM pg_catalog.pg_depend d2
                 JOIN pg_catalog.pg_proc p2 ON p2.oid = d2.objid
                WHERE d2.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                  AND d2.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
                  AND d2.refobjid = e.oid AND d2.deptype = 'e'
                  AND p2.proname = 'pg_stat_statements_info' AND p2.pronargs = 0
                  AND p2.pronamespace = p.pronamespace) AS has_info,
       -- defined only when the library was loaded by shared_preload_libraries
       pg_catalog.current_setting('pg_stat_statements.max', true) IS NOT NULL AS preloaded
  FROM pg_catalog.pg_extension e
  JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
                             AND d.refobjid = e.oid AND d.deptype = 'e'
                             AND d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
  JOIN pg_catalog.pg_proc p ON p.oid = d.objid AND p.proname = 'pg_stat_statements' AND p.pronargs = 1
                           AND p.proargtypes[0] = 'pg_catalog.bool'::pg_catalog.regtype
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
 WHERE e.extname = 'pg_stat_statements'
 LIMIT 1
