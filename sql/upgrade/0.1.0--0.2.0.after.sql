-- Hand-written part of the 0.1.0 -> 0.2.0 upgrade, run after the 0.2.0 install script.

-- The extension's schema (public by default) may be owned by a hostile database owner: nothing
-- below may resolve a name or an operator there (ALTER EXTENSION restores search_path afterwards).
SET search_path = pg_catalog, pg_temp;

-- Admin roles: 0.1.0's grant_admin() gave them SELECT, INSERT and UPDATE on the history tables.
-- In 0.2.0 the history is evidence that only the extension's own code writes: every write
-- privilege of a role other than the owner goes (sql/upgrade/common.after.sql then gives admin
-- roles what 0.2.0's grant_admin() gives).
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
END
$upgrade$;
