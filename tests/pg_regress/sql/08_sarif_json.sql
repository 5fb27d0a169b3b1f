-- rls_audit_json() and rls_audit_sarif(): the same findings as rls_audit(), as documents.
\set QUIET on
SET rls_fixer.on_new_tenant_table = off;
CREATE SCHEMA sar;
CREATE TABLE sar.leaky (tenant_id text NOT NULL);
CREATE TABLE sar.plain (x int);
\set QUIET off
SET rls_fixer.schemas = 'sar';
SELECT (rls_audit_json() -> 'summary') - 'server_version_num' AS summary;
SELECT jsonb_array_length(rls_audit_json() -> 'findings') = (SELECT count(*) FROM rls_audit()) AS same_findings;
SELECT f ->> 'check_name' AS check_name, f ->> 'object_name' AS object_name
  FROM jsonb_array_elements(rls_audit_json() -> 'findings') f;
-- SARIF 2.1.0
SELECT s ->> 'version' AS version,
       s #>> '{runs,0,tool,driver,name}' AS tool,
       jsonb_array_length(s #> '{runs,0,tool,driver,rules}') AS rules,
       jsonb_array_length(s #> '{runs,0,results}') AS results
  FROM rls_audit_sarif() s;
SELECT r ->> 'ruleId' AS rule, r ->> 'level' AS level,
       r #>> '{locations,0,logicalLocations,0,fullyQualifiedName}' AS location,
       r #>> '{locations,0,logicalLocations,0,kind}' AS kind,
       (r #>> '{properties,fix_sql}') IS NOT NULL AS has_fix,
       (SELECT rr ->> 'id' FROM rls_audit_sarif() s2, jsonb_array_elements(s2 #> '{runs,0,tool,driver,rules}') WITH ORDINALITY AS x(rr, i)
         WHERE i - 1 = (r ->> 'ruleIndex')::int) = r ->> 'ruleId' AS rule_index_matches
  FROM rls_audit_sarif() s, jsonb_array_elements(s #> '{runs,0,results}') r;
RESET rls_fixer.schemas;
RESET rls_fixer.on_new_tenant_table;
