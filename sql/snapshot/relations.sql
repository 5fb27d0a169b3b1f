-- Tables, partitioned tables, views, materialized views and foreign tables in the audited
-- schemas, with the tenant column ($1) when they have one. $2: schemas (NULL = all non-system).
SELECT c.oid::int8                                          AS oid,
       n.nspname::text                                      AS schema,
       c.relname::text                                      AS name,
       quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qname,
       c.relkind::text                                      AS kind,
       c.relrowsecurity                                     AS rls_enabled,
       c.relforcerowsecurity                                AS rls_forced,
       c.relispartition                                     AS is_partition,
       (SELECT i.inhparent::int8 FROM pg_catalog.pg_inherits i
         WHERE i.inhrelid = c.oid ORDER BY i.inhseqno LIMIT 1) AS parent,
       c.relowner::int8                                     AS owner,
       a.attname::text                                      AS tenant_column,
       quote_ident(a.attname)                               AS tenant_qcolumn,
       a.attnum                                             AS tenant_attnum,
       -- the type without its modifier, spelled so that a cast to it adds none: bpchar, not
       -- character (= char(1), which truncates); qualified when not in pg_catalog
       pg_catalog.format_type(a.atttypid, -1)               AS tenant_type,
       a.atttypid::int8                                     AS tenant_type_oid,
       -- NOT NULL, and enforced: on 18 a not-null constraint is a pg_constraint row that can be
       -- NOT VALID, and attnotnull is then true while NULLs may exist
       (a.attnotnull AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_constraint k
           WHERE k.conrelid = c.oid AND k.contype = 'n' AND NOT k.convalidated
             AND k.conkey[1] = a.attnum))                   AS tenant_not_null,
       a.xmin::text::int8                                   AS tenant_xmin,
       -- a virtual generated column (18): its expression (NULL for any other column)
       gen.expr                                             AS tenant_virtual,
       (a.attnum IS NOT NULL AND EXISTS (
          SELECT 1 FROM pg_catalog.pg_index x
           WHERE x.indrelid = c.oid
             AND (x.indkey[0] = a.attnum
                  -- a virtual generated column cannot be indexed; an index leading with its
                  -- expression serves the same queries (the planner expands the column)
                  OR (gen.expr IS NOT NULL AND x.indkey[0] = 0
                      AND pg_catalog.pg_get_indexdef(x.indexrelid, 1, false)
                          IN (gen.expr, '(' || gen.expr || ')'))))) AS tenant_indexed,
       coalesce('security_invoker=true' = ANY (c.reloptions)
             OR 'security_invoker=on' = ANY (c.reloptions)
             OR 'security_invoker=1' = ANY (c.reloptions), false) AS security_invoker,
       coalesce(acl.grantees, '{}'::int8[])                  AS grantees,
       coalesce(acl.writers, '{}'::int8[])                   AS writers,
       coalesce(acl.truncaters, '{}'::int8[])                AS truncaters
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  -- LATERAL ... LIMIT 1: one index probe on (attrelid, attname) per relation, whatever the
  -- planner believes about unanalyzed catalogs (a plain join went quadratic right after a
  -- migration created thousands of tables)
  LEFT JOIN LATERAL (
         SELECT a.attname, a.attnum, a.atttypid, a.attnotnull, a.attgenerated, a.xmin
           FROM pg_catalog.pg_attribute a
          WHERE a.attrelid = c.oid AND a.attname = $1 AND a.attnum > 0 AND NOT a.attisdropped
          LIMIT 1) a ON true
  -- (a CASE, so that pg_attrdef is probed for virtual columns only: as a join condition the
  -- planner read every default of every table)
  LEFT JOIN LATERAL (
         SELECT CASE WHEN a.attgenerated = 'v' THEN (
                  SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid)
                    FROM pg_catalog.pg_attrdef d
                   WHERE d.adrelid = c.oid AND d.adnum = a.attnum) END AS expr) gen ON true
  -- who holds what by ACL (0 = PUBLIC; the owner is implicit): one pass over relacl
  LEFT JOIN LATERAL (
         SELECT array_agg(DISTINCT g.grantee::int8)
                  FILTER (WHERE g.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')) AS grantees,
                array_agg(DISTINCT g.grantee::int8) FILTER (WHERE g.privilege_type IN ('INSERT', 'UPDATE')) AS writers,
                array_agg(DISTINCT g.grantee::int8) FILTER (WHERE g.privilege_type = 'TRUNCATE') AS truncaters
           FROM pg_catalog.aclexplode(c.relacl) g) acl ON true
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
   AND n.nspname <> ALL ('{pg_catalog,information_schema,pg_toast,rls_fixer}'::name[])
   AND n.nspname !~ '^pg_(toast_)?temp_'
   AND ($2::text[] IS NULL OR n.nspname::text = ANY ($2::text[]))
   AND ($3::int8[] IS NULL OR c.oid::int8 = ANY ($3::int8[]))
   -- $4: only tables with the tenant column (the event trigger then keeps those whose column
   -- was added by this transaction or one of its subtransactions: tenant_xmin, in Rust)
   AND (NOT $4::bool OR a.attnum IS NOT NULL)
