-- rls_fix_batched: one transaction per batch, so 10,000 tables never need 10,000 locks at once.
-- A procedure that COMMITs cannot carry a SET clause, so it pins its search_path itself at the
-- start and after every COMMIT (set_config(..., true) lasts until the transaction ends), and
-- calls nothing unqualified before that.
CREATE PROCEDURE @extschema@.rls_fix_batched(batch_size integer DEFAULT 500)
LANGUAGE plpgsql
AS $proc$
DECLARE
    b record;
    n integer := 0;
    total integer := 0;
    objects integer;
BEGIN
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    IF batch_size IS NULL OR batch_size < 1 THEN
        RAISE EXCEPTION 'rls_fix_batched: batch_size must be a positive integer, not %', coalesce(batch_size::text, 'NULL')
            USING ERRCODE = '22023';
    END IF;
    -- one audit and one plan for the whole CALL; each batch applies the next objects of it
    objects := rls_fixer.fix_batch_plan();
    RAISE NOTICE 'rls_fix_batched: % objects to fix in batches of %', objects, batch_size;
    LOOP
        SELECT * INTO b FROM rls_fixer.fix_batch(batch_size);
        EXIT WHEN b.statements = 0;
        n := n + 1;
        total := total + b.statements;
        RAISE NOTICE 'rls_fix_batched: batch % (run %): % statements on % objects, % objects left',
            n, b.run_id, b.statements, b.objects, b.remaining;
        COMMIT;
        PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    END LOOP;
    RAISE NOTICE 'rls_fix_batched: done, % batches, % statements', n, total;
END
$proc$;
COMMENT ON PROCEDURE @extschema@.rls_fix_batched(integer) IS
    'apply rls_fix in batches of tables, committing after each; safe to re-run after an interruption';

-- Who may change things: superusers, and the roles rls_fixer.grant_admin() names.
REVOKE ALL ON FUNCTION @extschema@.rls_fix(boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.rls_undo(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION rls_fixer.fix_batch(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION rls_fixer.fix_batch_plan() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.rls_check(boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.rls_verify(text, text, text) FROM PUBLIC;
REVOKE ALL ON PROCEDURE @extschema@.rls_fix_batched(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION rls_fixer.waive(text, text, text, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION rls_fixer.unwaive(text, text) FROM PUBLIC;
-- signed contexts: keys and minted tokens are superusers' (the functions check it too)
REVOKE ALL ON FUNCTION rls_fixer.set_context_key(bytea, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION rls_fixer.drop_context_keys() FROM PUBLIC;
REVOKE ALL ON FUNCTION rls_fixer.sign_tenant_token(text, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION rls_fixer.tenant_support(internal) FROM PUBLIC;
-- protected-mode policies call these as the querying role (EXECUTE is checked at run time;
-- the schema stays closed: names are resolved when a superuser creates the policy)
GRANT EXECUTE ON FUNCTION rls_fixer.tenant() TO PUBLIC;

CREATE FUNCTION rls_fixer.grant_admin(role_name name) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA rls_fixer TO %I', role_name);
    EXECUTE format('GRANT SELECT ON rls_fixer.fix_run, rls_fixer.fix_action, rls_fixer.check_history, rls_fixer.waiver TO %I', role_name);
    EXECUTE format('GRANT EXECUTE ON FUNCTION rls_fixer.waive(text, text, text, date), rls_fixer.unwaive(text, text) TO %I', role_name);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s, %s, %s, rls_fixer.fix_batch(integer), rls_fixer.fix_batch_plan() TO %I',
                   '@extschema@.rls_fix(boolean)'::regprocedure, '@extschema@.rls_undo(bigint)'::regprocedure,
                   '@extschema@.rls_check(boolean)'::regprocedure, role_name);
    EXECUTE format('GRANT EXECUTE ON PROCEDURE %s TO %I', '@extschema@.rls_fix_batched(integer)'::regprocedure, role_name);
    -- rls_perf_report shows query texts as pg_stat_statements shows them to the caller
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', '@extschema@.rls_perf_report(bigint)'::regprocedure, role_name);
END
$fn$;
REVOKE ALL ON FUNCTION rls_fixer.grant_admin(name) FROM PUBLIC;
COMMENT ON FUNCTION rls_fixer.grant_admin(name) IS
    'let a non-superuser run rls_fix(false), rls_undo, rls_fix_batched, rls_check, waive and unwaive, and read (never write) the history and the waivers; it still needs ownership of the tables it fixes';

-- New tenant tables are caught when they are born, not at the next weekly check.
CREATE FUNCTION rls_fixer.on_ddl_command_end() RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    rels bigint[];
BEGIN
    IF current_setting('rls_fixer.on_new_tenant_table', true) = 'off' THEN
        RETURN;
    END IF;
    -- pg_restore and restored plain dumps run with row_security = off (pg_dump writes it) and
    -- recreate the policies and the history themselves: protecting their tables here would
    -- collide with both
    IF current_setting('row_security') = 'off' THEN
        RETURN;
    END IF;
    SELECT array_agg(DISTINCT d.objid::int8) INTO rels
      FROM pg_event_trigger_ddl_commands() d
     WHERE d.classid = 'pg_catalog.pg_class'::regclass
       AND d.object_type IN ('table', 'table column');
    IF rels IS NOT NULL THEN
        PERFORM rls_fixer.protect_new_tables(rels, tg_tag);
    END IF;
END
$fn$;
REVOKE ALL ON FUNCTION rls_fixer.on_ddl_command_end() FROM PUBLIC;
REVOKE ALL ON FUNCTION rls_fixer.protect_new_tables(bigint[], text) FROM PUBLIC;

CREATE EVENT TRIGGER rls_fixer_new_tenant_table ON ddl_command_end
    WHEN TAG IN ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE')
    EXECUTE FUNCTION rls_fixer.on_ddl_command_end();

-- Leaving: DROP EXTENSION rls_fixer (or DROP SCHEMA ... CASCADE of its schemas) is refused
-- while policies call the extension's functions (CASCADE would drop them silently);
-- rls_fixer.prepare_uninstall() rewrites the generated ones first.
CREATE FUNCTION rls_fixer.on_ddl_command_start() RETURNS event_trigger
LANGUAGE c AS 'MODULE_PATHNAME', 'rls_fixer_drop_guard';
REVOKE ALL ON FUNCTION rls_fixer.on_ddl_command_start() FROM PUBLIC;
REVOKE ALL ON FUNCTION rls_fixer.prepare_uninstall() FROM PUBLIC;
CREATE EVENT TRIGGER rls_fixer_drop_guard ON ddl_command_start
    WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA')
    EXECUTE FUNCTION rls_fixer.on_ddl_command_start();

-- The snapshot queries are cheap per row but read thousands of catalog rows: JIT compilation
-- (on by default) costs more than it saves there (~250 ms at 5,000 policies), so the
-- functions that take a snapshot run with jit = off (restored when they return). The
-- set-returning ones (rls_audit, rls_fix, rls_undo, rls_verify) set it, and search_path, in
-- code: a SET clause would be applied again for every row they return.
ALTER FUNCTION @extschema@.rls_audit_json() SET jit = off;
ALTER FUNCTION @extschema@.rls_audit_sarif() SET jit = off;
ALTER FUNCTION @extschema@.rls_check(boolean) SET jit = off;
ALTER FUNCTION rls_fixer.fix_batch_plan() SET jit = off;
ALTER FUNCTION rls_fixer.protect_new_tables(bigint[], text) SET jit = off;
