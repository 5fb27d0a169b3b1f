-- When pg_stat_statements' statistics were last reset (1.9+), as Unix seconds.
SELECT pg_catalog.date_part('epoch', i.stats_reset)::float8 FROM @pgss@.pg_stat_statements_info() i
