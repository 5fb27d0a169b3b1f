-- The catalog facts reading policy node trees needs (snapshot::Catalog): one row per fact.
--   cmp            btree comparison operators, name = strategy (1 < 2 <= 3 = 4 >= 5 >)
--   ne             the negators of the btree equalities (<>)
--   string_type    types of the string category ('' casts to them without an error)
--   nonstrict      functions that are not strict
--   volatile       volatile functions, name = proname
--   setting_reader pg_catalog.current_setting overloads, name = number of arguments
--   casefold       pg_catalog's lower/upper/btrim/text of one argument
--   accessor       the extension's own tenant accessors: current_tenant_id() (the mode's tenant),
--                  tenant() (the protected tenant)
SELECT 'cmp'::text AS kind, amopopr::int8 AS oid, amopstrategy::text AS name
  FROM pg_catalog.pg_amop WHERE amopmethod = 403
UNION ALL
SELECT 'ne', o.oprnegate::int8, NULL
  FROM pg_catalog.pg_operator o
 WHERE o.oprnegate <> 0
   AND o.oid IN (SELECT amopopr FROM pg_catalog.pg_amop WHERE amopmethod = 403 AND amopstrategy = 3)
UNION ALL
SELECT 'string_type', t.oid::int8, NULL FROM pg_catalog.pg_type t WHERE t.typcategory = 'S'
UNION ALL
SELECT 'nonstrict', p.oid::int8, NULL FROM pg_catalog.pg_proc p WHERE NOT p.proisstrict
UNION ALL
SELECT 'volatile', p.oid::int8, p.proname::text FROM pg_catalog.pg_proc p WHERE p.provolatile = 'v'
UNION ALL
SELECT 'setting_reader', p.oid::int8, p.pronargs::text
  FROM pg_catalog.pg_proc p
 WHERE p.proname = 'current_setting' AND p.pronamespace = 'pg_catalog'::regnamespace
UNION ALL
SELECT 'casefold', p.oid::int8, p.proname::text
  FROM pg_catalog.pg_proc p
 WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.pronargs = 1
   AND p.proname IN ('lower', 'upper', 'btrim', 'text')
UNION ALL
SELECT 'accessor', p.oid::int8, p.proname::text
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'rls_fixer'
 WHERE p.proname IN ('current_tenant_id', 'tenant') AND p.pronargs = 0
