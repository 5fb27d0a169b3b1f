-- Hand-written part of the 0.1.0 -> 0.2.0 upgrade, run after the 0.2.0 install script.

-- Admin roles: 0.1.0's grant_admin() gave them SELECT, INSERT and UPDATE on the history tables.
-- In 0.2.0 the history is evidence that only the extension's own code writes: every write
-- privilege of a role other than the owner goes, and each role that grant_admin() made an admin
-- (USAGE on the schema rls_fixer) is given exactly what 0.2.0's grant_admin() gives.
DO $upgrade$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT DISTINCT c.oid::regclass AS rel, a.grantee::regrole AS grantee
          FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
         WHERE c.relnamespace = 'rls_fixer'::regnamespace AND c.relkind = 'r'
           AND a.grantee <> c.relowner AND a.privilege_type <> 'SELECT'
    LOOP
        EXECUTE pg_catalog.format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON %s FROM %s',
                                  r.rel, CASE WHEN r.grantee = 0 THEN 'PUBLIC' ELSE r.grantee::text END);
    END LOOP;
    FOR r IN
        SELECT a.grantee::regrole::name AS grantee
          FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a
         WHERE n.nspname = 'rls_fixer' AND a.grantee <> n.nspowner AND a.grantee <> 0
           AND a.privilege_type = 'USAGE'
    LOOP
        PERFORM rls_fixer.grant_admin(r.grantee);
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
