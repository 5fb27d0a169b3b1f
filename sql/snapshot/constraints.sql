-- Primary key, unique and foreign key constraints (partition copies excluded).
SELECT k.conrelid::int8 AS tbl,
       k.conname::text AS name,
       quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(k.conname) AS qname,
       k.contype::text AS kind,
       k.conkey AS columns,
       nullif(k.confrelid, 0)::int8 AS ref_table,
       coalesce(k.confkey, '{}') AS ref_columns
  FROM pg_catalog.pg_constraint k
  JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE k.contype IN ('p', 'u', 'f') AND k.conparentid = 0
   AND n.nspname <> ALL ('{pg_catalog,information_schema,pg_toast,rls_fixer}'::name[])
   AND ($1::text[] IS NULL OR n.nspname::text = ANY ($1::text[]))
