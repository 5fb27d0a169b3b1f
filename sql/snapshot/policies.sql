-- Every policy on an audited relation, with its expressions as node trees (pg_node_tree text:
-- OIDs of operators, functions and types, attribute numbers), read in Rust (analysis::node).
-- No deparsing here: pg_get_expr() runs only for the policies a finding prints. Each tree is
-- converted to text once (OFFSET 0 keeps the planner from repeating the conversion, which
-- decompresses the stored tree each time).
SELECT t.oid, t.tbl, t.name, t.qname, t.cmd, t.permissive, t.roles,
       t.u AS using_tree,
       -- generated policies use the same expression twice: ship it once
       (t.w IS NOT NULL AND t.w = t.u) AS check_same,
       CASE WHEN t.w IS DISTINCT FROM t.u THEN t.w END AS check_tree
  FROM (SELECT p.oid::int8 AS oid,
               p.polrelid::int8 AS tbl,
               p.polname::text AS name,
               quote_ident(p.polname) AS qname,
               p.polcmd::text AS cmd,
               p.polpermissive AS permissive,
               p.polroles::int8[] AS roles,
               p.polqual::text AS u,
               p.polwithcheck::text AS w
          FROM pg_catalog.pg_policy p
          JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname <> ALL ('{pg_catalog,information_schema,pg_toast,rls_fixer}'::name[])
           AND ($1::text[] IS NULL OR n.nspname::text = ANY ($1::text[]))
           AND ($2::int8[] IS NULL OR p.polrelid::int8 = ANY ($2::int8[]))
        OFFSET 0) t
