-- A hostile database: the auditor must not be an attack path. The database owner (h_owner),
-- the application role (h_app) and a delegated admin (h_admin, rls_fixer.grant_admin) try to
-- make rls_fixer run their code as a superuser, forge its history, or blind its checks.
-- hostile.escalations counts every time hostile code ran as a superuser: a sequence, so no
-- rollback (rls_verify's probes roll back) can hide it. It must stay at 0 (is_called = f).
\set QUIET on
SET rls_fixer.on_new_tenant_table = off;
CREATE ROLE h_owner LOGIN;
CREATE ROLE h_app LOGIN;
CREATE ROLE h_admin LOGIN;
SELECT rls_fixer.grant_admin('h_admin');
-- the database owner owns schema public (pg_database_owner): it can create objects there
ALTER DATABASE rls_regress OWNER TO h_owner;
CREATE SCHEMA hostile AUTHORIZATION h_owner;
GRANT USAGE, CREATE ON SCHEMA hostile TO h_app;
GRANT USAGE ON SCHEMA hostile TO h_admin;
SET ROLE h_owner;
CREATE SEQUENCE hostile.escalations;
GRANT USAGE, SELECT, UPDATE ON SEQUENCE hostile.escalations TO PUBLIC;
-- whoever runs it: a superuser is counted, and asked to make h_owner a superuser
CREATE FUNCTION hostile.pwn() RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
  IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
    PERFORM pg_catalog.nextval('hostile.escalations');
    EXECUTE 'ALTER ROLE h_owner SUPERUSER';
  END IF;
  RETURN true;
END $$;
GRANT EXECUTE ON FUNCTION hostile.pwn() TO PUBLIC;
-- 1. catalog functions, aggregates and operators shadowed in public by better matches
CREATE FUNCTION public.quote_ident(name) RETURNS text LANGUAGE sql
  AS $$ SELECT CASE WHEN hostile.pwn() THEN pg_catalog.quote_ident($1::text) END $$;
CREATE FUNCTION public.format_type(oid, integer) RETURNS text LANGUAGE sql
  AS $$ SELECT CASE WHEN hostile.pwn() THEN pg_catalog.format_type($1, $2) END $$;
CREATE FUNCTION public.current_setting(text) RETURNS text LANGUAGE sql
  AS $$ SELECT CASE WHEN hostile.pwn() THEN pg_catalog.current_setting($1) END $$;
CREATE FUNCTION public.set_config(text, text, boolean) RETURNS text LANGUAGE sql
  AS $$ SELECT CASE WHEN hostile.pwn() THEN pg_catalog.set_config($1, $2, $3) END $$;
CREATE FUNCTION public.unnest(integer[]) RETURNS SETOF integer LANGUAGE sql
  AS $$ SELECT x FROM pg_catalog.unnest($1) x WHERE hostile.pwn() $$;
CREATE FUNCTION public.pwn_agg(int8[], int8) RETURNS int8[] LANGUAGE sql
  AS $$ SELECT CASE WHEN hostile.pwn() THEN $1 || $2 END $$;
CREATE AGGREGATE public.array_agg(int8) (SFUNC = public.pwn_agg, STYPE = int8[]);
CREATE FUNCTION public.text_eq(text, text) RETURNS boolean LANGUAGE sql
  AS $$ SELECT hostile.pwn() AND pg_catalog.texteq($1, $2) $$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.text_eq);
CREATE FUNCTION public.name_eq(name, name) RETURNS boolean LANGUAGE sql
  AS $$ SELECT hostile.pwn() AND pg_catalog.nameeq($1, $2) $$;
CREATE OPERATOR public.= (LEFTARG = name, RIGHTARG = name, FUNCTION = public.name_eq);
-- a policy that trusts a lookalike of the extension's accessor, and one with a lookalike =
CREATE FUNCTION hostile.current_tenant_id() RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'a' $$;
CREATE FUNCTION hostile.always(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT true $$;
CREATE OPERATOR hostile.= (LEFTARG = text, RIGHTARG = text, FUNCTION = hostile.always);
CREATE TABLE hostile.lookalike (tenant_id text NOT NULL);
CREATE INDEX ON hostile.lookalike (tenant_id);
ALTER TABLE hostile.lookalike ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY by_name ON hostile.lookalike USING (tenant_id = hostile.current_tenant_id());
CREATE TABLE hostile.fake_eq (tenant_id text NOT NULL);
CREATE INDEX ON hostile.fake_eq (tenant_id);
ALTER TABLE hostile.fake_eq ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY by_op ON hostile.fake_eq
  USING (tenant_id OPERATOR(hostile.=) current_setting('app.current_tenant_id', true));
RESET ROLE;
-- 2. a tenant table owned by the app role whose trigger, DEFAULT and index expression try to
--    act as a superuser (RESET ROLE first), and a superuser's table with h_owner's trigger
SET ROLE h_app;
CREATE FUNCTION hostile.idx(text) RETURNS text LANGUAGE plpgsql IMMUTABLE
  AS $$ BEGIN PERFORM hostile.pwn(); RETURN $1; END $$;
CREATE FUNCTION hostile.trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    RESET ROLE;
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'hostile trigger: RESET ROLE refused (%)', SQLERRM;
  END;
  PERFORM hostile.pwn();
  RETURN NEW;
END $$;
CREATE TABLE hostile.notes (
  id serial PRIMARY KEY,
  tenant_id text NOT NULL,
  body text DEFAULT (CASE WHEN hostile.pwn() THEN 'x' END));
CREATE INDEX ON hostile.notes (tenant_id);
INSERT INTO hostile.notes (tenant_id) VALUES ('a'), ('b');
CREATE INDEX ON hostile.notes (hostile.idx(tenant_id));
-- (in a plain session its RESET ROLE would reach the login role: it is armed after the rows)
CREATE TRIGGER pwn BEFORE INSERT OR UPDATE ON hostile.notes FOR EACH ROW EXECUTE FUNCTION hostile.trg();
RESET ROLE;
CREATE TABLE hostile.su_notes (tenant_id text NOT NULL, body text);
CREATE INDEX ON hostile.su_notes (tenant_id);
INSERT INTO hostile.su_notes VALUES ('a', 'x'), ('b', 'y');
GRANT SELECT, INSERT, UPDATE, DELETE ON hostile.su_notes TO h_app;
GRANT TRIGGER ON hostile.su_notes TO h_owner;
SET ROLE h_owner;
CREATE TRIGGER pwn BEFORE INSERT OR UPDATE ON hostile.su_notes FOR EACH ROW EXECUTE FUNCTION hostile.trg();
RESET ROLE;
\set QUIET off
-- the stage is set: nothing ran as a superuser yet, and h_owner is not one
SELECT last_value, is_called FROM hostile.escalations;
SELECT rolsuper FROM pg_roles WHERE rolname = 'h_owner';

-- as the DBA and the weekly job would, with the hostile search path the owner can set with
-- ALTER DATABASE ... SET search_path: every function pins its own. (The test's own queries
-- run with the normal path: under the hostile one, psql's own comparisons would be hijacked.)
SET rls_fixer.schemas = 'hostile';
SET rls_fixer.app_roles = 'h_app';
SET search_path = public, pg_catalog;
SELECT count(*) > 0 AS audited FROM rls_audit();
SELECT (rls_audit_json() -> 'summary' ->> 'tenant_tables')::int AS tenant_tables;
SELECT rls_audit_sarif() -> 'version' AS sarif;
SELECT rls_check() > 0 AS errors_found;
SELECT count(*) > 0 AS planned FROM rls_fix(true);
CREATE TEMP TABLE verified AS SELECT * FROM rls_verify(as_role => 'h_app');
RESET search_path;
SELECT last_value, is_called FROM hostile.escalations;
SELECT rolsuper FROM pg_roles WHERE rolname = 'h_owner';
-- the lookalike accessor and operator protect nothing: the audit says so
SELECT check_name, object_name FROM rls_audit()
 WHERE object_name IN ('hostile.lookalike', 'hostile.fake_eq') AND severity = 'error'
 ORDER BY 2, 1;
-- rls_verify seeded and probed as h_app, restricted: the probes ran (RESET ROLE was refused
-- inside the trigger), the tables leak (no RLS yet), nothing ran as a superuser
SELECT object_name, probe, passed FROM verified
 WHERE object_name IN ('hostile.notes', 'hostile.su_notes') ORDER BY 1, 2;
-- fixing and undoing with that search path
SET search_path = public, pg_catalog;
SELECT count(*) > 0 AS applied FROM rls_fix(false);
SELECT count(*) > 0 AS undone FROM rls_undo();
RESET search_path;
SELECT last_value, is_called FROM hostile.escalations;

-- 3. the history is evidence: admins read it, nobody but the extension writes it
\c - h_admin
SELECT count(*) > 0 AS admin_reads FROM rls_fixer.fix_run;
INSERT INTO rls_fixer.fix_run (dry_run) VALUES (false);
UPDATE rls_fixer.fix_action SET undo_statement = 'SELECT hostile.pwn()';
DELETE FROM rls_fixer.check_history;
-- rls_undo() without a run id undoes the caller's own latest run, never someone else's
SELECT * FROM rls_undo();
\c - postgres
SET rls_fixer.schemas = 'hostile';
SET rls_fixer.on_new_tenant_table = off;
-- even text a superuser planted in the history is never executed: rls_undo rebuilds its
-- statements from the recorded kind of change and object
SELECT count(*) AS fixed FROM rls_fix(false);
UPDATE rls_fixer.fix_action SET undo_statement = 'SELECT hostile.pwn()'
 WHERE run_id = (SELECT max(run_id) FROM rls_fixer.fix_run);
SELECT step, object_name, statement FROM rls_undo() ORDER BY step;
SELECT last_value, is_called FROM hostile.escalations;

-- 4. what is checked is a superuser's decision: the owner cannot narrow or blind it, neither
-- before the library is loaded in its session (placeholders) nor after
\c - h_owner
SET rls_fixer.schemas = 'nothing';
ALTER DATABASE rls_regress SET rls_fixer.app_roles = 'nobody';
ALTER ROLE h_owner SET rls_fixer.tenant_column = 'other';
SELECT count(*) > 0 AS loaded FROM rls_audit();
SHOW rls_fixer.schemas;
SET rls_fixer.schemas = 'nothing';
SELECT set_config('rls_fixer.bypass_roles', 'h_app', false);
ALTER DATABASE rls_regress SET rls_fixer.app_roles = 'nobody';
CREATE FUNCTION hostile.blind() RETURNS void LANGUAGE sql SET rls_fixer.schemas = 'nothing' AS $$ SELECT $$;
\c - postgres
SELECT count(*) AS db_role_settings FROM pg_db_role_setting s
 WHERE EXISTS (SELECT 1 FROM unnest(s.setconfig) c WHERE c LIKE 'rls\_fixer.%');
-- every rls_check() records the configuration it ran with
SELECT config -> 'schemas' AS schemas, config -> 'app_roles' AS app_roles
  FROM rls_fixer.check_history ORDER BY check_id DESC LIMIT 1;

\set QUIET on
RESET rls_fixer.schemas;
RESET rls_fixer.on_new_tenant_table;
ALTER DATABASE rls_regress OWNER TO postgres;
\set QUIET off
