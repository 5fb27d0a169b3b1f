-- Roles (pg_roles is readable by everyone) and their direct memberships.
SELECT r.oid::int8            AS oid,
       r.rolname::text        AS name,
       quote_ident(r.rolname) AS qname,
       r.rolsuper             AS superuser,
       r.rolbypassrls         AS bypassrls,
       r.rolcanlogin          AS login,
       coalesce((SELECT array_agg(m.roleid::int8) FROM pg_catalog.pg_auth_members m
                  WHERE m.member = r.oid), '{}') AS member_of
  FROM pg_catalog.pg_roles r
