-- The relations a fix run changed ($1) and the views that read them, transitively: naming any
-- of these in a statement reaches the changed ones. One row per relation: its schema and name
-- as stored, and the changed relations it reaches.
WITH RECURSIVE reach(oid, target) AS (
    SELECT c.oid, c.oid
      FROM pg_catalog.pg_class c
     WHERE c.oid::int8 = ANY ($1::int8[])
    UNION
    SELECT r.ev_class, reach.target
      FROM reach
      JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                 AND d.refobjid = reach.oid
                                 AND d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
      JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid AND r.ev_class <> reach.oid
      JOIN pg_catalog.pg_class v ON v.oid = r.ev_class AND v.relkind = 'v'
)
SELECT c.oid::int8                                  AS oid,
       n.nspname::text                              AS schema,
       c.relname::text                              AS name,
       pg_catalog.array_agg(DISTINCT reach.target::int8) AS targets
  FROM reach
  JOIN pg_catalog.pg_class c ON c.oid = reach.oid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 GROUP BY c.oid, n.nspname, c.relname
