-- Citus (run only when the citus extension exists): its version, whether this node is the
-- coordinator, and citus.propagate_set_commands as roles get it here: pg_db_role_setting rows for
-- this database or every database (role 0: every role), and the server's value (from the
-- configuration file when this session got it from there, else the built-in default).
SELECT 'version' AS kind, e.extversion::text AS value, NULL::int8 AS role, NULL::bool AS this_db
  FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'citus'
UNION ALL
SELECT 'coordinator', (g.groupid OPERATOR(pg_catalog.=) 0)::text, NULL, NULL
  FROM pg_catalog.pg_dist_local_group g
UNION ALL
SELECT 'propagate_default',
       CASE WHEN s.source OPERATOR(pg_catalog.=) ANY (ARRAY['default', 'configuration file', 'command line',
                                                            'environment variable'])
            THEN s.reset_val ELSE s.boot_val END, NULL, NULL
  FROM pg_catalog.pg_settings s WHERE s.name OPERATOR(pg_catalog.=) 'citus.propagate_set_commands'
UNION ALL
SELECT 'propagate', pg_catalog.substr(c.setting, 30), d.setrole::int8, d.setdatabase OPERATOR(pg_catalog.<>) 0
  FROM pg_catalog.pg_db_role_setting d, pg_catalog.unnest(d.setconfig) AS c(setting)
 WHERE (d.setdatabase OPERATOR(pg_catalog.=) 0
        OR d.setdatabase OPERATOR(pg_catalog.=) (SELECT oid FROM pg_catalog.pg_database
                                                  WHERE datname OPERATOR(pg_catalog.=) pg_catalog.current_database()))
   AND pg_catalog.starts_with(c.setting, 'citus.propagate_set_commands=')
