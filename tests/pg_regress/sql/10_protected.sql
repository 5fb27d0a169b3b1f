-- Protected tenant context: in protected mode the app role cannot switch tenants by any route
-- but set_tenant_context(); the tenant is a constant at plan time and cached plans never leak;
-- signed contexts need a token minted with the context key.
\set QUIET on
SET rls_fixer.on_new_tenant_table = off;
CREATE ROLE prot_app LOGIN;
CREATE SCHEMA prot;
GRANT USAGE ON SCHEMA prot TO prot_app;
CREATE TABLE prot.docs (id int PRIMARY KEY, tenant_id text NOT NULL, body text);
CREATE INDEX ON prot.docs (tenant_id);
INSERT INTO prot.docs SELECT i, 't' || (i % 3), 'doc ' || i FROM generate_series(1, 30) i;
-- partitioned by tenant: plan-time pruning needs the tenant as a constant
CREATE TABLE prot.events (tenant_id text NOT NULL, n int) PARTITION BY LIST (tenant_id);
CREATE TABLE prot.events_t0 PARTITION OF prot.events FOR VALUES IN ('t0');
CREATE TABLE prot.events_t1 PARTITION OF prot.events FOR VALUES IN ('t1');
CREATE TABLE prot.events_t2 PARTITION OF prot.events FOR VALUES IN ('t2');
CREATE INDEX ON prot.events (tenant_id);
INSERT INTO prot.events SELECT 't' || (i % 3), i FROM generate_series(1, 30) i;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA prot TO prot_app;
CREATE SCHEMA prot_own AUTHORIZATION prot_app;
SET rls_fixer.schemas = 'prot';
SELECT count(*) > 0 AS fixed FROM rls_fix(false);
\set QUIET off

-- setting mode (the default): the policies read a setting the app role can SET itself
SELECT check_name, object_name FROM rls_audit() WHERE check_name = 'tenant_context_spoofable';
SET ROLE prot_app;
SELECT set_tenant_context('t1');
SELECT count(*) AS t1_rows FROM prot.docs;
SET app.current_tenant_id = 't2';
SELECT count(*) AS spoofed_rows_of_t2 FROM prot.docs;
RESET ROLE;
SELECT clear_tenant_context();

-- switching modes is a normal rls_fix run: the generated policies are rebuilt, same names
SET rls_fixer.context_mode = protected;
SELECT check_name, object_name FROM rls_audit() WHERE severity <> 'info' ORDER BY 2, 1;
SELECT step, check_name, object_name FROM rls_fix(false) ORDER BY step;
SELECT count(*) AS left_to_fix FROM rls_fix(true);
SELECT check_name, object_name FROM rls_audit() WHERE severity <> 'info';
SELECT polname, pg_get_expr(polqual, polrelid) FROM pg_policy WHERE polrelid = 'prot.docs'::regclass;

-- every spoofing route is refused; the tenant is what set_tenant_context() said
SET ROLE prot_app;
SELECT set_tenant_context('t1');
SELECT count(*) AS t1_rows, count(*) FILTER (WHERE tenant_id <> 't1') AS foreign_rows FROM prot.docs;
SET app.current_tenant_id = 't2';
SELECT count(*) FILTER (WHERE tenant_id <> 't1') AS foreign_after_set FROM prot.docs;
SET rls_fixer.tenant = 't2';
SELECT set_config('rls_fixer.tenant', 't2', false);
BEGIN;
SET LOCAL rls_fixer.tenant = 't2';
ROLLBACK;
CREATE FUNCTION prot_own.spoof() RETURNS bigint LANGUAGE sql SET rls_fixer.tenant = 't2'
  AS $$ SELECT count(*) FROM prot.docs $$;
ALTER ROLE prot_app SET rls_fixer.tenant = 't2';
RESET rls_fixer.tenant;
SELECT current_tenant_id();
RESET ROLE;
-- before the library is loaded in a fresh session, a placeholder of the same name is set...
\c - prot_app
SET rls_fixer.tenant = 't2';
-- ...and discarded (with a WARNING) when the library loads
SELECT count(*) AS rows_without_tenant FROM prot.docs;
SHOW rls_fixer.tenant;
\c - postgres
SET rls_fixer.context_mode = protected;
SET rls_fixer.schemas = 'prot';

-- local contexts end with the transaction, commit or rollback; savepoints restore
SET ROLE prot_app;
BEGIN;
SELECT set_tenant_context('t1', true);
SELECT count(*) AS t1_in_tx FROM prot.docs;
COMMIT;
SELECT count(*) AS after_commit FROM prot.docs;
BEGIN;
SELECT set_tenant_context('t1', true);
SAVEPOINT s;
SELECT set_tenant_context('t2', true);
SELECT current_tenant_id() AS in_savepoint;
ROLLBACK TO SAVEPOINT s;
SELECT current_tenant_id() AS after_rollback_to;
ROLLBACK;
SELECT current_tenant_id() AS after_rollback;
-- RESET ALL and DISCARD ALL (PgBouncer's reset query) clear it
SELECT set_tenant_context('t1');
RESET ALL;
SELECT current_tenant_id() AS after_reset_all;
SELECT set_tenant_context('t1');
RESET ROLE;
DISCARD ALL;
SELECT current_tenant_id() AS after_discard_all;
SET rls_fixer.context_mode = protected;
SET rls_fixer.schemas = 'prot';

-- the tenant is a constant in the plan: a plain index condition, one partition
SET ROLE prot_app;
SELECT set_tenant_context('t1');
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM prot.docs WHERE id = 4;
EXPLAIN (COSTS OFF) SELECT count(*) FROM prot.events;
RESET enable_seqscan;
SELECT count(*) AS t1_events FROM prot.events;

-- cached plans never leak: a generic prepared plan, a PL/pgSQL function, an SQL function,
-- nested switches in one transaction, a rolled-back local context
SET plan_cache_mode = force_generic_plan;
PREPARE q AS SELECT count(*) AS n, min(tenant_id) AS lo, max(tenant_id) AS hi FROM prot.docs;
EXECUTE q;
SELECT set_tenant_context('t2');
EXECUTE q;
SELECT clear_tenant_context();
EXECUTE q;
SELECT set_tenant_context('t0');
EXECUTE q;
RESET ROLE;
CREATE FUNCTION prot.plpgsql_count() RETURNS text LANGUAGE plpgsql
  AS $$ DECLARE r text; BEGIN SELECT count(*) || ' of ' || min(tenant_id) INTO r FROM prot.docs; RETURN r; END $$;
CREATE FUNCTION prot.sql_count() RETURNS text LANGUAGE sql STABLE
  AS $$ SELECT count(*) || ' of ' || min(tenant_id) FROM prot.docs $$;
GRANT EXECUTE ON FUNCTION prot.plpgsql_count(), prot.sql_count() TO prot_app;
SET ROLE prot_app;
SELECT prot.plpgsql_count(), prot.sql_count();
SELECT set_tenant_context('t1');
SELECT prot.plpgsql_count(), prot.sql_count();
BEGIN;
SELECT set_tenant_context('t2', true);
EXECUTE q;
SELECT prot.plpgsql_count();
SELECT set_tenant_context('t0', true);
EXECUTE q;
SELECT prot.plpgsql_count();
ROLLBACK;
EXECUTE q;
SELECT prot.plpgsql_count(), prot.sql_count();
SELECT clear_tenant_context();
EXECUTE q;
SELECT prot.plpgsql_count();
RESET plan_cache_mode;
DEALLOCATE q;

-- writes: the protected tenant checks new rows too
SELECT set_tenant_context('t1');
INSERT INTO prot.docs VALUES (100, 't2', 'not mine');
INSERT INTO prot.docs VALUES (100, 't1', 'mine');
DELETE FROM prot.docs WHERE id = 100;
RESET ROLE;
SELECT clear_tenant_context();

-- rls_verify works in protected mode
SELECT object_name, probe, passed FROM rls_verify(as_role => 'prot_app') WHERE object_name = 'prot.docs' ORDER BY probe;

-- signed contexts
SELECT rls_fixer.set_context_key('too short'::bytea);
\echo :LAST_ERROR_SQLSTATE
SELECT rls_fixer.set_context_key(decode(repeat('ab', 32), 'hex')) > 0 AS key_set;
SELECT rls_fixer.sign_tenant_token('t1') AS token_t1 \gset
SELECT rls_fixer.sign_tenant_token('t2', '-1 minute') AS token_expired \gset
SET ROLE prot_app;
-- the plain call is refused for non-superusers while a key is set
SELECT set_tenant_context('t2');
\echo :LAST_ERROR_SQLSTATE
SELECT set_tenant_context_signed(:'token_t1');
SELECT count(*) AS t1_rows FROM prot.docs;
-- altered (another tenant in the token), expired, malformed: refused, context unchanged
SELECT set_tenant_context_signed(replace(:'token_t1', 'dDE', 'dDI'));
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
SELECT set_tenant_context_signed(:'token_expired');
\set VERBOSITY default
\echo :LAST_ERROR_SQLSTATE
SELECT set_tenant_context_signed('not a token');
\echo :LAST_ERROR_SQLSTATE
SELECT current_tenant_id() AS still;
-- key rotation: tokens of the previous key stay valid for its grace period (15 minutes by
-- default), then no longer
RESET ROLE;
SELECT rls_fixer.set_context_key(decode(repeat('cd', 32), 'hex')) > 0 AS rotated;
SELECT rls_fixer.sign_tenant_token('t0') AS token_cd \gset
SET ROLE prot_app;
SELECT set_tenant_context_signed(:'token_t1') AS previous_key_in_grace;
SELECT set_tenant_context_signed(:'token_cd') AS current_key;
RESET ROLE;
SELECT rls_fixer.set_context_key(decode(repeat('ef', 32), 'hex'), '0 seconds') > 0 AS rotated_without_grace;
SET ROLE prot_app;
SELECT set_tenant_context_signed(:'token_cd');
\echo :LAST_ERROR_SQLSTATE
-- '0 seconds' retires every older key, also the one still in its earlier grace period
SELECT set_tenant_context_signed(:'token_t1');
\echo :LAST_ERROR_SQLSTATE
SELECT current_tenant_id() AS unchanged;
-- without keys, signed tokens are refused and the plain call is allowed again
RESET ROLE;
SELECT rls_fixer.drop_context_keys();
SET ROLE prot_app;
SELECT set_tenant_context_signed(:'token_t1');
\echo :LAST_ERROR_SQLSTATE
SELECT set_tenant_context('t0') AS plain_again;
-- keys, tokens and the key table are superusers' business
SELECT rls_fixer.set_context_key(decode(repeat('ab', 32), 'hex'));
SELECT rls_fixer.sign_tenant_token('t1');
SELECT count(*) FROM rls_fixer.context_key;
RESET ROLE;

-- back to setting mode: undo the switch (the policies read the setting again)
SELECT count(*) AS undone FROM rls_undo();
SELECT count(*) AS planned_in_setting_mode FROM rls_fix(true);
RESET rls_fixer.context_mode;
SELECT count(*) AS planned_after_reset FROM rls_fix(true);
\set QUIET on
SELECT clear_tenant_context();
RESET rls_fixer.schemas;
RESET rls_fixer.on_new_tenant_table;
\set QUIET off
