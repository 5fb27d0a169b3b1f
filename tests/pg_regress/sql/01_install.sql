-- The extension installs with a plain CREATE EXTENSION, public API in the extension schema
-- (public), internal state in the rls_fixer schema.
CREATE EXTENSION rls_fixer;
-- its members (row types left out: PostgreSQL 18 also records them as members)
SELECT pg_describe_object(classid, objid, 0) AS member
  FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rls_fixer')
   AND classid <> 'pg_type'::regclass
 ORDER BY 1;
-- every function that runs SQL pins its search_path: with a SET clause, or, for the
-- set-returning ones (rls_audit, rls_fix, rls_undo, rls_verify, prepare_uninstall) and the
-- DROP guard (on_ddl_command_start, an event trigger in C), in code (a SET clause would be
-- applied again for every row they return); the per-request context functions run no SQL and
-- stay free of that cost
SELECT p.proname, p.proconfig
  FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'rls_fixer'
 ORDER BY 1, 2;
SELECT n.nspname, p.proname
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'rls_fixer'
 ORDER BY 1, 2;
-- PUBLIC may audit and set its tenant, not fix or undo
SELECT p.proname, has_function_privilege('public', p.oid, 'EXECUTE') AS public_can_execute
  FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'rls_fixer'
 ORDER BY 1;
-- the GUCs and their defaults
SELECT name, setting, context FROM pg_settings WHERE name LIKE 'rls\_fixer.%' ORDER BY name;
