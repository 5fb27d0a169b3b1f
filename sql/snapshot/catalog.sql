-- The catalog facts reading policy node trees needs (snapshot::Catalog): one row per fact.
--   cmp            btree comparison operators, name = strategy (1 < 2 <= 3 = 4 >= 5 >)
--   ne             the negators of the btree equalities (<>)
--   string_type    types of the string category ('' casts to them without an error)
--   proc           functions that are not strict, volatile, or ones the analysis knows:
--                  name = '<flags>:<proname>' with flags n (not strict), v (volatile),
--                  s (pg_catalog.current_setting, name carries the argument count: s1/s2),
--                  c (pg_catalog's lower/upper/btrim/text of one argument),
--                  a (the extension's current_tenant_id()), p (the extension's tenant())
--   eq_op          types (and domains over them) whose default btree equality operator lives
--                  outside pg_catalog (citext's public.=): name = OPERATOR(schema.=); only a
--                  superuser can define an operator class
WITH eq_ops AS (
    SELECT oc.opcintype AS ty, pg_catalog.format('OPERATOR(%I.=)', opn.nspname) AS op
      FROM pg_catalog.pg_opclass oc
      JOIN pg_catalog.pg_amop ao ON ao.amopfamily = oc.opcfamily AND ao.amopmethod = 403 AND ao.amopstrategy = 3
                                AND ao.amoplefttype = oc.opcintype AND ao.amoprighttype = oc.opcintype
      JOIN pg_catalog.pg_operator op ON op.oid = ao.amopopr
      JOIN pg_catalog.pg_namespace opn ON opn.oid = op.oprnamespace AND opn.nspname <> 'pg_catalog'
     WHERE oc.opcmethod = 403 AND oc.opcdefault
), ext_procs AS (
    SELECT d.objid
      FROM pg_catalog.pg_depend d
      JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'rls_fixer'
     WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.deptype = 'e'
)
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
SELECT 'proc', f.oid::int8, f.flags || ':' || f.proname
  FROM (SELECT p.oid, p.proname::text AS proname,
               (CASE WHEN NOT p.proisstrict THEN 'n' ELSE '' END) ||
               (CASE WHEN p.provolatile = 'v' THEN 'v' ELSE '' END) ||
               (CASE WHEN p.pronamespace = 'pg_catalog'::regnamespace AND p.proname = 'current_setting'
                     THEN 's' || p.pronargs ELSE '' END) ||
               (CASE WHEN p.pronamespace = 'pg_catalog'::regnamespace AND p.pronargs = 1
                      AND p.proname IN ('lower', 'upper', 'btrim', 'text') THEN 'c' ELSE '' END) ||
               (CASE WHEN p.pronargs = 0 AND p.proname IN ('current_tenant_id', 'tenant')
                      AND p.oid IN (SELECT objid FROM ext_procs)
                     THEN (CASE p.proname WHEN 'tenant' THEN 'p' ELSE 'a' END) ELSE '' END) AS flags
          FROM pg_catalog.pg_proc p) f
 WHERE f.flags <> ''
UNION ALL
SELECT 'eq_op', ty::int8, op FROM eq_ops
UNION ALL
SELECT 'eq_op', d.oid::int8, eq_ops.op
  FROM pg_catalog.pg_type d JOIN eq_ops ON eq_ops.ty = d.typbasetype
 WHERE d.typtype = 'd'
