-- Primary key, unique and foreign key constraints (partition copies excluded), and unique
-- indexes that back no constraint (CREATE UNIQUE INDEX; partition copies excluded): kind 'i',
-- columns = their key columns (0 for an expression; INCLUDE columns left out), predicate = a
-- partial index's WHERE as node-tree text.
SELECT k.conrelid::int8 AS tbl,
       k.conname::text AS name,
       quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(k.conname) AS qname,
       k.contype::text AS kind,
       k.conkey AS columns,
       nullif(k.confrelid, 0)::int8 AS ref_table,
       coalesce(k.confkey, '{}') AS ref_columns,
       NULL::text AS predicate
  FROM pg_catalog.pg_constraint k
  JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE k.contype IN ('p', 'u', 'f') AND k.conparentid = 0
   AND n.nspname <> ALL ('{pg_catalog,information_schema,pg_toast,rls_fixer}'::name[])
   AND ($1::text[] IS NULL OR n.nspname::text = ANY ($1::text[]))
UNION ALL
-- the candidates first (usually none: a primary key's or a TOAST table's index is indisprimary,
-- a unique constraint's has its row), then their names by OID
SELECT x.indrelid::int8,
       i.relname::text,
       quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(i.relname),
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
  CROSS JOIN LATERAL (SELECT c.relname, c.relnamespace, c.relkind FROM pg_catalog.pg_class c WHERE c.oid = x.indrelid) c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'm')
   AND n.nspname <> ALL ('{pg_catalog,information_schema,pg_toast,rls_fixer}'::name[])
   AND ($1::text[] IS NULL OR n.nspname::text = ANY ($1::text[]))
