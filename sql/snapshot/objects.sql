-- What the checks beyond tables, policies and roles look at, one row per fact:
--   default_acl        default privileges granting table privileges to PUBLIC:
--                      oid = the granting role, name = the schema (NULL: every schema)
--   secdef_trigger     a trigger calling a SECURITY DEFINER function: oid = its table,
--                      name = the trigger, name2 = the function, oid2 = the function's owner
--   session_reader     a function declared IMMUTABLE or LEAKPROOF whose body reads session
--                      state: oid = the function, name = its signature, name2 = what it declares
--   rule               a non-SELECT rule: oid = its table, name = the rule
--   publication        a published table: oid = the table (NULL: FOR ALL TABLES),
--                      name = the publication
--   row_security_off   a role with row_security off in its settings here, however spelled
--                      (PostgreSQL keeps the value as written: off, OFF, false, f, no, n, of, 0):
--                      oid = the role (0: every role, set on the database)
-- (tables published FOR TABLES IN SCHEMA, PostgreSQL 15+, are in publication_schemas.sql)
-- $1: schemas (NULL = all non-system).
SELECT 'default_acl'::text AS kind, d.defaclrole::int8 AS oid, NULL::int8 AS oid2,
       n.nspname::text AS name, NULL::text AS name2
  FROM pg_catalog.pg_default_acl d
  LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
 WHERE d.defaclobjtype = 'r'
   AND EXISTS (SELECT 1 FROM pg_catalog.aclexplode(d.defaclacl) g
                WHERE g.grantee = 0 AND g.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE'))
   AND ($1::text[] IS NULL OR n.nspname IS NULL OR n.nspname::text = ANY ($1::text[]))
UNION ALL
SELECT 'secdef_trigger', t.tgrelid::int8, p.proowner::int8, t.tgname::text, p.oid::regprocedure::text
  FROM pg_catalog.pg_trigger t
  JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid
 WHERE NOT t.tgisinternal AND p.prosecdef
UNION ALL
SELECT 'session_reader', p.oid::int8, NULL,
       p.oid::regprocedure::text,
       concat_ws(' and ', CASE WHEN p.provolatile = 'i' THEN 'IMMUTABLE' END, CASE WHEN p.proleakproof THEN 'LEAKPROOF' END)
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
 WHERE (p.provolatile = 'i' OR p.proleakproof)
   AND n.nspname <> ALL ('{pg_catalog,information_schema}'::name[])
   AND p.prosrc ~* '(current_setting|set_config|current_user|session_user|current_role|current_tenant_id|rls_fixer\.tenant)'
UNION ALL
SELECT 'rule', r.ev_class::int8, NULL, r.rulename::text, NULL
  FROM pg_catalog.pg_rewrite r
  JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
 WHERE r.rulename <> '_RETURN' AND c.relkind IN ('r', 'p')
UNION ALL
SELECT 'publication', pr.prrelid::int8, NULL, p.pubname::text, NULL
  FROM pg_catalog.pg_publication_rel pr
  JOIN pg_catalog.pg_publication p ON p.oid = pr.prpubid
UNION ALL
SELECT 'publication', NULL, NULL, p.pubname::text, NULL
  FROM pg_catalog.pg_publication p
 WHERE p.puballtables
UNION ALL
SELECT 'row_security_off', s.setrole::int8, NULL, NULL, NULL
  FROM pg_catalog.pg_db_role_setting s
 WHERE EXISTS (SELECT 1 FROM unnest(s.setconfig) c
                WHERE lower(split_part(c, '=', 1)) = 'row_security'
                  AND substr(c, strpos(c, '=') + 1) ~* '^(f|fa|fal|fals|false|n|no|of|off|0)$')
   AND s.setdatabase IN (0, (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()))
