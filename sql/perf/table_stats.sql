-- Scan counters of tenant tables ($1) from pg_stat_user_tables; a partitioned table sums its
-- leaf partitions (the parent itself is never scanned).
SELECT t.oid                                        AS oid,
       pg_catalog.sum(s.seq_scan)::int8             AS seq_scan,
       pg_catalog.sum(s.seq_tup_read)::int8         AS seq_tup_read,
       pg_catalog.sum(coalesce(s.idx_scan, 0))::int8 AS idx_scan,
       pg_catalog.sum(s.n_live_tup)::int8           AS n_live_tup
  FROM pg_catalog.unnest($1::int8[]) AS t(oid)
  -- the table itself (pg_partition_tree has no row for a table outside any partition tree)
  -- and its leaf partitions
  CROSS JOIN LATERAL (SELECT t.oid::pg_catalog.oid AS relid
                      UNION
                      SELECT p.relid::pg_catalog.oid
                        FROM pg_catalog.pg_partition_tree(t.oid::pg_catalog.oid::pg_catalog.regclass) p
                       WHERE p.isleaf) l
  JOIN pg_catalog.pg_stat_user_tables s ON s.relid = l.relid
 GROUP BY t.oid
