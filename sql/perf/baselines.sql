-- Snapshot rows of the given query ids ($1), of one run ($2) or of every run (NULL), with the
-- time the run started (the snapshot was taken then) as Unix seconds.
SELECT s.run_id, s.userid::int8 AS userid, s.queryid, s.calls, s.total_exec_ms,
       pg_catalog.date_part('epoch', r.started_at)::float8 AS taken_at
  FROM rls_fixer.perf_snapshot s
  JOIN rls_fixer.fix_run r ON r.run_id = s.run_id
 WHERE s.queryid = ANY ($1::int8[])
   AND ($2::int8 IS NULL OR s.run_id = $2::int8)
