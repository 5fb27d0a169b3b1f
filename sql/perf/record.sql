-- One run's snapshot rows ($1 run id; arrays of role, query id, calls, total time, rows).
-- (multi-array unnest in FROM is syntax, not a function: unqualified; search_path is pinned)
INSERT INTO rls_fixer.perf_snapshot (run_id, userid, queryid, calls, total_exec_ms, mean_exec_ms, rows)
SELECT $1, u::pg_catalog.oid, q, c, t, t / GREATEST(c, 1), r
  FROM unnest($2::int8[], $3::int8[], $4::int8[], $5::float8[], $6::int8[]) AS x(u, q, c, t, r)
