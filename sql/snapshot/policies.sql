-- Every policy (of the tables $1, or all), with its expressions as node trees (pg_node_tree
-- text: OIDs of operators, functions and types, attribute numbers), read in Rust
-- (analysis::node). No deparsing here: pg_get_expr() runs only for the policies a finding
-- prints. No join either: the policies of tables outside the audited relations (other schemas,
-- temporary tables) are dropped in Rust, against the relations already read (a hash join with
-- pg_class read all of pg_class again), and USING and WITH CHECK are compared there (compared
-- here, each compressed tree was decompressed once per comparison).
SELECT p.oid::int8 AS oid,
       p.polrelid::int8 AS tbl,
       p.polname::text AS name,
       quote_ident(p.polname) AS qname,
       p.polcmd::text AS cmd,
       p.polpermissive AS permissive,
       p.polroles::int8[] AS roles,
       p.polqual::text AS using_tree,
       p.polwithcheck::text AS check_tree
  FROM pg_catalog.pg_policy p
 WHERE ($1::int8[] IS NULL OR p.polrelid::int8 = ANY ($1::int8[]))
