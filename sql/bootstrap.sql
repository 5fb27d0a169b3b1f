-- rls_fixer's own schema: history of fix runs and checks. Public functions live in the
-- extension's schema (public by default) so `SELECT rls_fix(false)` works unqualified.
CREATE SCHEMA rls_fixer;
COMMENT ON SCHEMA rls_fixer IS 'rls_fixer internal state: fix history, check history, helpers';
REVOKE ALL ON SCHEMA rls_fixer FROM PUBLIC;

CREATE TABLE rls_fixer.fix_run (
    run_id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at       timestamptz,
    session_user_name name NOT NULL DEFAULT session_user,
    dry_run           boolean NOT NULL,
    batched           boolean NOT NULL DEFAULT false,
    statement_count   integer NOT NULL DEFAULT 0,
    undone_at         timestamptz,
    undone_by         name,
    database_id       text
);
COMMENT ON TABLE rls_fixer.fix_run IS 'one row per rls_fix / rls_fix_batched batch, dry or applied';
COMMENT ON COLUMN rls_fixer.fix_run.database_id IS 'the cluster''s system identifier and the database oid when the run was recorded: after pg_dump/pg_restore into another database, rls_undo finds the objects by name instead of oid';

CREATE TABLE rls_fixer.fix_action (
    run_id         bigint NOT NULL REFERENCES rls_fixer.fix_run ON DELETE CASCADE,
    step           integer NOT NULL,
    check_name     text NOT NULL,
    object_name    text NOT NULL,
    statement      text NOT NULL,
    undo_statement text NOT NULL,
    state          jsonb NOT NULL,
    PRIMARY KEY (run_id, step)
);
COMMENT ON TABLE rls_fixer.fix_action IS 'the statements of each run, with the undo statement and the state the run left (checked by rls_undo)';
COMMENT ON COLUMN rls_fixer.fix_action.state IS 'what the statement left behind: object oid, kind, policy name; rls_undo refuses when it no longer holds';

CREATE TABLE rls_fixer.check_history (
    check_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    checked_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    session_user_name name NOT NULL DEFAULT session_user,
    error_count   integer NOT NULL,
    warning_count integer NOT NULL,
    info_count    integer NOT NULL,
    findings      jsonb NOT NULL,
    config        jsonb NOT NULL DEFAULT '{}'
);
COMMENT ON TABLE rls_fixer.check_history IS 'one row per rls_check() run';
COMMENT ON COLUMN rls_fixer.check_history.config IS 'the effective rls_fixer.* settings the check ran with: a change shows';

-- Findings a team reviewed and accepted (rls_fixer.waive / unwaive): written only by those
-- functions, as the extension owner, with who (the calling role) and when; admins read it.
CREATE TABLE rls_fixer.waiver (
    check_name  text NOT NULL,
    object_name text NOT NULL,
    reason      text NOT NULL CHECK (btrim(reason) <> ''),
    expires     date,
    waived_by   name NOT NULL,
    waived_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (check_name, object_name)
);
COMMENT ON TABLE rls_fixer.waiver IS 'accepted findings: left out of rls_audit() counts and rls_fix plans until expires (the date they lapse on)';

-- Context keys for signed tenant contexts (rls_fixer.set_context_key): readable by the extension
-- owner only (not granted to admins, not dumped: set a new key after a restore).
CREATE TABLE rls_fixer.context_key (
    key_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key        bytea NOT NULL CHECK (length(key) >= 32),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    retires_at timestamptz
);
COMMENT ON TABLE rls_fixer.context_key IS 'keys that sign tenant tokens; retires_at: NULL for the current key, else the end of its grace period';

-- The history is evidence: only the extension's own code writes it (as the extension owner);
-- roles given rls_fixer.grant_admin() read it. rls_undo never executes text read back from it.
REVOKE ALL ON ALL TABLES IN SCHEMA rls_fixer FROM PUBLIC;

-- keep the history in pg_dump output
SELECT pg_catalog.pg_extension_config_dump('rls_fixer.fix_run', '');
SELECT pg_catalog.pg_extension_config_dump('rls_fixer.fix_action', '');
SELECT pg_catalog.pg_extension_config_dump('rls_fixer.check_history', '');
SELECT pg_catalog.pg_extension_config_dump('rls_fixer.waiver', '');
-- and where the run and check ids go on (else a restored database's next run collides with run 1)
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('rls_fixer.fix_run', 'run_id')::pg_catalog.regclass, '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('rls_fixer.check_history', 'check_id')::pg_catalog.regclass, '');
