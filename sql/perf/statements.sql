-- This database's statements in pg_stat_statements, summed per (role, query id) over top-level
-- and nested entries. @pgss@ is replaced by the extension's schema, quoted (locate.sql). Run as
-- the caller: pg_stat_statements shows other roles' query ids and texts only to superusers
-- and roles with pg_read_all_stats (their rows come with a NULL queryid).
SELECT s.userid::int8                       AS userid,
       s.queryid                            AS queryid,
       pg_catalog.sum(s.calls)::int8        AS calls,
       pg_catalog.sum(s.total_exec_time)::float8 AS total_ms,
       pg_catalog.sum(s.rows)::int8         AS rows,
       pg_catalog.min(s.query)              AS query
  FROM @pgss@.pg_stat_statements(true) s
 WHERE s.dbid = $1
 GROUP BY s.userid, s.queryid
