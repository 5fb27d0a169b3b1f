-- The extension installs with a plain CREATE EXTENSION, public API in the extension schema
-- (public), internal state in the rls_fixer schema.
CREATE EXTENSION rls_fixer;
\dx+ rls_fixer
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
