-- Which relations each view / materialized view reads directly (its rewrite rule's dependencies).
SELECT r.ev_class::int8 AS view, array_agg(DISTINCT d.refobjid::int8) AS reads
  FROM pg_catalog.pg_rewrite r
  JOIN pg_catalog.pg_depend d
    ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
   AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid <> r.ev_class
 WHERE r.ev_class >= 16384
 GROUP BY r.ev_class
