-- Prepended to every generated upgrade script (scripts/upgrade_sql.py), before FROM--TO.before.sql.
-- The search_path stays the extension's schema for the replayed install script; the block below
-- pins its own (the schema may be owned by a hostile database owner) and puts it back.

-- Admin roles as the installed version's grant_admin() made them (USAGE on the schema rls_fixer and
-- EXECUTE on rls_fix), noted before anything is dropped: common.after.sql gives each what the new
-- grant_admin() gives.
DO $upgrade$
DECLARE
    saved text := pg_catalog.current_setting('search_path');
BEGIN
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    PERFORM set_config('rls_fixer_upgrade.admin_roles', coalesce((
        SELECT string_agg(a.grantee::text, ',')
          FROM pg_namespace n, aclexplode(n.nspacl) a
         WHERE n.nspname = 'rls_fixer' AND a.grantee <> n.nspowner AND a.grantee <> 0
           AND a.privilege_type = 'USAGE'
           AND EXISTS (SELECT FROM pg_proc p, aclexplode(p.proacl) f
                        WHERE p.oid = '@extschema@.rls_fix(boolean)'::regprocedure
                          AND f.grantee = a.grantee AND f.privilege_type = 'EXECUTE')), ''), true);
    PERFORM set_config('search_path', saved, true);
END
$upgrade$;
