-- Primary key, unique and foreign key constraints (partition copies excluded), and unique
-- indexes that back no constraint (CREATE UNIQUE INDEX; partition copies excluded): kind 'i',
-- columns = their key columns (0 for an expression; INCLUDE columns left out), predicate = a
-- partial index's WHERE as node-tree text. qname: the constraint's (index's) name, quoted; Rust
-- prefixes the table's qualified name and drops the rows of tables outside the audited
-- relations (the constraints are not joined with pg_class here: that read all of pg_class again).
SELECT k.conrelid::int8 AS tbl,
       k.conname::text AS name,
       quote_ident(k.conname) AS qname,
       k.contype::text AS kind,
       k.conkey AS columns,
       nullif(k.confrelid, 0)::int8 AS ref_table,
       coalesce(k.confkey, '{}') AS ref_columns,
       NULL::text AS predicate
  FROM pg_catalog.pg_constraint k
 WHERE k.contype IN ('p', 'u', 'f') AND k.conparentid = 0 AND k.conrelid <> 0
UNION ALL
-- the candidates first (usually none: a primary key's or a TOAST table's index is indisprimary,
-- a unique constraint's has its row), then their names by OID
SELECT x.indrelid::int8,
       i.relname::text,
       quote_ident(i.relname),
       'i',
       x.indkey[0:x.indnkeyatts - 1],
       NULL::int8,
       '{}',
       x.indpred::text
  FROM (SELECT x.indexrelid, x.indrelid, x.indkey, x.indnkeyatts, x.indpred
          FROM pg_catalog.pg_index x
         WHERE x.indisunique AND NOT x.indisprimary AND x.indrelid >= 16384
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k
                            WHERE k.conrelid = x.indrelid AND k.conindid = x.indexrelid AND k.contype IN ('u', 'x'))
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = x.indexrelid)
        OFFSET 0) x
  CROSS JOIN LATERAL (SELECT i.relname FROM pg_catalog.pg_class i WHERE i.oid = x.indexrelid) i
