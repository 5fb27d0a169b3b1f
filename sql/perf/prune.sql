-- Keep the snapshots of the latest 50 runs that have one.
DELETE FROM rls_fixer.perf_snapshot
 WHERE run_id < (SELECT pg_catalog.min(run_id)
                   FROM (SELECT DISTINCT run_id FROM rls_fixer.perf_snapshot
                          ORDER BY run_id DESC LIMIT 50) keep)
