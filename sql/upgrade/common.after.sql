-- Appended to every generated upgrade script (scripts/upgrade_sql.py), after FROM--TO.after.sql:
-- what replaying an install script over an installed extension always needs.

-- The extension's schema (public by default) may be owned by a hostile database owner: nothing
-- below may resolve a name or an operator there (ALTER EXTENSION restores search_path afterwards).
SET search_path = pg_catalog, pg_temp;

-- Admin roles (noted by common.before.sql) get what the new grant_admin() gives (a function
-- dropped and recreated by the upgrade lost its grants; a new admin function has none yet).
DO $upgrade$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT rolname FROM pg_authid
         WHERE oid = ANY (string_to_array(current_setting('rls_fixer_upgrade.admin_roles'), ',')::oid[])
    LOOP
        PERFORM rls_fixer.grant_admin(r.rolname);
    END LOOP;
END
$upgrade$;

-- pg_dump compares an extension member's privileges with the initial ones recorded in
-- pg_init_privs, and every GRANT/REVOKE run by an extension script (this one included) records
-- the object's whole ACL there, admin roles' grants too: a dump would then leave those grants out.
-- Initial privileges are what the install script gives: to PUBLIC and the owner's own, nothing
-- granted to a role by name.
UPDATE pg_catalog.pg_init_privs ip
   SET initprivs = ARRAY(SELECT item FROM pg_catalog.unnest(ip.initprivs) AS item
                          WHERE (SELECT a.grantee = 0 OR a.grantee = a.grantor
                                   FROM pg_catalog.aclexplode(ARRAY[item]) a LIMIT 1))
 WHERE ip.privtype = 'e'
   AND (ip.classoid, ip.objoid) IN (SELECT d.classid, d.objid FROM pg_catalog.pg_depend d
                                     WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass
                                       AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'rls_fixer')
                                       AND d.deptype = 'e');
