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
--   op_family      the btree operator families of the equality operators: name = the family
--   type_family    for domains and types with binary casts (what a RelabelType can wrap): the
--                  family of the default btree operator class an index on such a column gets
--                  (the type's own, else the preferred binary-coercible one): name = the family
--   checked_domain domains with CHECK or NOT NULL constraints, their own or a base domain's:
--                  name = 'not null' or 'check'
--   inline         STABLE SQL functions with a SQL-standard body (RETURN / BEGIN ATOMIC), not
--                  SECURITY DEFINER, without SET clauses, not returning sets:
--                  name = '<owner>:<s if strict>:<nargs>:<prosqlbody>' (PostgreSQL 14+; read
--                  through to_jsonb so that the query also runs where the column is missing)
WITH RECURSIVE few_types AS MATERIALIZED (
    -- one pass over pg_type (every table adds two rows to it): domains and string types
    SELECT t.oid, t.typtype, t.typcategory, t.typbasetype
      FROM pg_catalog.pg_type t
     WHERE t.typtype = 'd' OR t.typcategory = 'S'
), eq_ops AS (
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
), dom_chain(oid, member) AS (
    -- every domain with itself and each domain it is (transitively) based on
    SELECT t.oid, t.oid FROM few_types t WHERE t.typtype = 'd'
    UNION ALL
    SELECT c.oid, m.typbasetype
      FROM dom_chain c
      JOIN pg_catalog.pg_type m ON m.oid = c.member
      JOIN pg_catalog.pg_type b ON b.oid = m.typbasetype AND b.typtype = 'd'
), relabelled(oid, base) AS (
    -- domains with their base type, and types with a binary cast, with themselves
    SELECT c.oid, m.typbasetype
      FROM dom_chain c
      JOIN pg_catalog.pg_type m ON m.oid = c.member
      JOIN pg_catalog.pg_type b ON b.oid = m.typbasetype AND b.typtype <> 'd'
    UNION
    SELECT k.castsource, k.castsource FROM pg_catalog.pg_cast k WHERE k.castmethod = 'b'
)
SELECT 'cmp'::text AS kind, amopopr::int8 AS oid, amopstrategy::text AS name
  FROM pg_catalog.pg_amop WHERE amopmethod = 403
UNION ALL
SELECT 'ne', o.oprnegate::int8, NULL
  FROM pg_catalog.pg_operator o
 WHERE o.oprnegate <> 0
   AND o.oid IN (SELECT amopopr FROM pg_catalog.pg_amop WHERE amopmethod = 403 AND amopstrategy = 3)
UNION ALL
SELECT 'string_type', t.oid::int8, NULL FROM few_types t WHERE t.typcategory = 'S'
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
  FROM few_types d JOIN eq_ops ON eq_ops.ty = d.typbasetype
 WHERE d.typtype = 'd'
UNION ALL
SELECT 'op_family', ao.amopopr::int8, ao.amopfamily::text
  FROM pg_catalog.pg_amop ao WHERE ao.amopmethod = 403 AND ao.amopstrategy = 3
UNION ALL
SELECT 'type_family', r.oid::int8, f.fam
  FROM relabelled r
  CROSS JOIN LATERAL (
        SELECT oc.opcfamily::text AS fam
          FROM pg_catalog.pg_opclass oc
          JOIN pg_catalog.pg_type it ON it.oid = oc.opcintype
         WHERE oc.opcmethod = 403 AND oc.opcdefault
           AND (oc.opcintype = r.base
                OR EXISTS (SELECT 1 FROM pg_catalog.pg_cast k
                            WHERE k.castsource = r.base AND k.casttarget = oc.opcintype AND k.castmethod = 'b'))
         ORDER BY oc.opcintype = r.base DESC, it.typispreferred DESC
         LIMIT 1) f
UNION ALL
SELECT 'checked_domain', c.oid::int8, CASE WHEN bool_or(m.typnotnull) THEN 'not null' ELSE 'check' END
  FROM dom_chain c
  JOIN pg_catalog.pg_type m ON m.oid = c.member
 GROUP BY c.oid
HAVING bool_or(m.typnotnull)
    -- (a scalar sub-select: a probe of pg_constraint's contypid index per domain; an EXISTS was
    -- planned as a hashed scan of all of pg_constraint, which holds a row per NOT NULL column on 18)
    OR bool_or((SELECT true FROM pg_catalog.pg_constraint k
                 WHERE k.contypid = m.oid AND k.contype = 'c' LIMIT 1) IS NOT NULL)
UNION ALL
SELECT 'inline', f.oid::int8,
       f.proowner::text || ':' || (CASE WHEN f.proisstrict THEN 's' ELSE '' END) || ':' || f.pronargs::text || ':' || f.body
  FROM (SELECT p.oid, p.proowner, p.proisstrict, p.pronargs, pg_catalog.to_jsonb(p) ->> 'prosqlbody' AS body
          FROM pg_catalog.pg_proc p
          JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
         WHERE p.prolang = (SELECT l.oid FROM pg_catalog.pg_language l WHERE l.lanname = 'sql')
           AND p.prokind = 'f' AND NOT p.proretset AND NOT p.prosecdef AND p.proconfig IS NULL
           AND p.provolatile = 's'
           AND n.nspname <> ALL ('{pg_catalog,information_schema}'::name[])
        OFFSET 0) f
 WHERE f.body IS NOT NULL
