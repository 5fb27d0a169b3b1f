-- Tables and partitioned tables published FOR TABLES IN SCHEMA (pg_publication_namespace,
-- PostgreSQL 15+; run only there): oid = the table, name = the publication. $1: schemas
-- (NULL = all non-system).
SELECT c.oid::int8 AS oid, p.pubname::text AS name
  FROM pg_catalog.pg_publication_namespace pn
  JOIN pg_catalog.pg_publication p ON p.oid = pn.pnpubid
  JOIN pg_catalog.pg_namespace n ON n.oid = pn.pnnspid
  JOIN pg_catalog.pg_class c ON c.relnamespace = pn.pnnspid AND c.relkind IN ('r', 'p')
 WHERE ($1::text[] IS NULL OR n.nspname::text = ANY ($1::text[]))
