-- Citus (run only when the citus extension exists): every table in Citus metadata, how it is
-- distributed, its distribution column (read from the partition key's node tree: no Citus
-- function, no lock) and its number of shards.
SELECT p.logicalrelid::oid::int8 AS oid,
       p.partmethod::text        AS partmethod,
       p.repmodel::text          AS repmodel,
       a.attname::text           AS dist_column,
       coalesce(s.n, 0)::int8    AS shards
  FROM pg_catalog.pg_dist_partition p
  LEFT JOIN pg_catalog.pg_attribute a
         ON a.attrelid OPERATOR(pg_catalog.=) p.logicalrelid
        AND p.partmethod OPERATOR(pg_catalog.=) 'h'
        AND a.attnum OPERATOR(pg_catalog.=)
            pg_catalog.substring(p.partkey, ':varattno ([0-9]+)')::int2
  LEFT JOIN (SELECT logicalrelid, pg_catalog.count(*) AS n FROM pg_catalog.pg_dist_shard GROUP BY 1) s
         ON s.logicalrelid OPERATOR(pg_catalog.=) p.logicalrelid
