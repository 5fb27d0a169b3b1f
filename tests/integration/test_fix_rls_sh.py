"""fix_rls.sh, the deployment guide's runner (`./fix_rls.sh --env=production.env [--apply]`),
run as a subprocess against the throwaway cluster, over TCP on 127.0.0.1 like a remote server.

The script cannot set rls_fixer.schemas itself, so this file makes its own superuser
(fixsh_admin) with `ALTER ROLE ... SET rls_fixer.schemas = 'fixsh'` (and app_roles): other test
files' tables then do not change its findings or exit codes.
"""
import os
import re
import shutil
import socket
import stat
import subprocess

import pytest

from conftest import DB, PORT, REPO, connect

SCRIPT = os.path.join(REPO, "fix_rls.sh")
SCHEMA = "fixsh"
ADMIN = "fixsh_admin"           # superuser running the script
APP = "fixsh_app"               # the application role (rls_fixer.app_roles)
READER = "fixsh_reader"         # neither superuser nor grant_admin: may audit, may not fix
PASSWORD = "Fx-9q#r 'pw' \"7f3c\""   # quotes, '#' and a space: must survive parsing, never be logged
ROLES = (ADMIN, APP, READER)
SUMMARY = re.compile(r"summary: mode=(\S+) result=(\S+) errors=(\d+) warnings=(\d+) info=(\d+)")


@pytest.fixture(scope="module", autouse=True)
def roles():
    admin = connect()
    cur = admin.cursor()

    def drop():
        cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        for r in ROLES:
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [r])
            if cur.fetchone():
                cur.execute(f"DROP OWNED BY {r}")
                cur.execute(f"DROP ROLE {r}")

    drop()
    cur.execute(f"CREATE ROLE {APP} LOGIN NOSUPERUSER NOBYPASSRLS")
    for r, attrs in ((ADMIN, "SUPERUSER"), (READER, "NOSUPERUSER")):
        cur.execute(f"CREATE ROLE {r} LOGIN {attrs} PASSWORD %s", [PASSWORD])
        cur.execute(f"ALTER ROLE {r} SET rls_fixer.schemas = '{SCHEMA}'")
        cur.execute(f"ALTER ROLE {r} SET rls_fixer.app_roles = '{APP}'")
    yield
    drop()
    admin.close()


@pytest.fixture
def leaky():
    """A fresh schema with one unprotected tenant table (3 errors: rls_disabled,
    rls_not_forced, tenant_policy_missing; 1 warning: its primary key is not tenant-scoped)
    and one table without the tenant column (info: table_skipped)."""
    admin = connect()
    cur = admin.cursor()
    cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    cur.execute(f"CREATE SCHEMA {SCHEMA}")
    cur.execute(f"CREATE TABLE {SCHEMA}.orders (id serial PRIMARY KEY, tenant_id text NOT NULL, item text)")
    cur.execute(f"CREATE INDEX ON {SCHEMA}.orders (tenant_id)")
    cur.execute(f"CREATE TABLE {SCHEMA}.lookup (code text PRIMARY KEY)")
    cur.execute(f"INSERT INTO {SCHEMA}.orders (tenant_id, item) VALUES ('t1', 'a'), ('t2', 'b')")
    cur.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {APP}")
    cur.execute(f"GRANT SELECT ON {SCHEMA}.orders TO {APP}")
    yield cur
    admin.close()


def catalog(cur):
    """(relrowsecurity, relforcerowsecurity, policy names) of fixsh.orders."""
    cur.execute("""SELECT c.relrowsecurity, c.relforcerowsecurity,
                          coalesce(array_agg(p.polname ORDER BY p.polname) FILTER (WHERE p.polname IS NOT NULL), '{}')
                     FROM pg_class c LEFT JOIN pg_policy p ON p.polrelid = c.oid
                    WHERE c.oid = %s::regclass GROUP BY 1, 2""", [f"{SCHEMA}.orders"])
    return cur.fetchone()


def last_run(cur):
    cur.execute("SELECT coalesce(max(run_id), 0) FROM rls_fixer.fix_run")
    return cur.fetchone()[0]


def write_env(path, text, mode=0o600):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, mode)   # not subject to the umask
    return str(path)


def env_text(user=ADMIN, db=DB, port=PORT, drop=()):
    # the guide's format, plus comments, `export`, quotes and inline comments
    lines = {
        "DB_NAME": f"DB_NAME={db}",
        "DB_USER": f'export DB_USER="{user}"',
        "DB_PASSWORD": 'DB_PASSWORD="' + PASSWORD.replace('"', '\\"') + '"',  # "...\"7f3c\""
        "DB_HOST": "DB_HOST = 127.0.0.1   # loopback",
        "DB_PORT": f"DB_PORT={port}",
    }
    body = "\n".join(v for k, v in lines.items() if k not in drop)
    return f"# production settings for fix_rls.sh\n\n{body}\nAPP_SECRET_KEY=unrelated\n"


def run(args, log_dir, script=SCRIPT, cwd=None, extra_env=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}   # nothing from the harness
    if log_dir is None:
        env.pop("RLS_FIX_LOG_DIR", None)       # the default: logs/ beside the script
    else:
        env["RLS_FIX_LOG_DIR"] = str(log_dir)
    env.update(extra_env or {})
    return subprocess.run(["bash", script, *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd or REPO, env=env)


def the_log(log_dir):
    logs = sorted(os.listdir(log_dir))
    assert len(logs) == 1, logs
    assert re.fullmatch(r"rls_fix_runner_\d{8}_\d{6}\.log", logs[0]), logs
    path = os.path.join(log_dir, logs[0])
    assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0, oct(os.stat(path).st_mode)
    with open(path) as f:
        return path, f.read()


def summary(stdout):
    m = SUMMARY.search(stdout)
    assert m, stdout
    mode, result, e, w, i = m.groups()
    return mode, result, int(e), int(w), int(i)


# ---------------------------------------------------------------- without a database


def test_refuses_a_group_or_world_readable_env_file(tmp_path):
    for mode in (0o644, 0o640, 0o604):
        env = write_env(tmp_path / "production.env", env_text(), mode)
        r = run([f"--env={env}"], tmp_path / "logs")
        assert r.returncode == 2, (oct(mode), r.stdout, r.stderr)
        assert f"chmod 600 {env}" in r.stderr, r.stderr
        assert PASSWORD not in r.stdout + r.stderr
        assert not (tmp_path / "logs").exists()   # refused before anything else


@pytest.mark.parametrize("args, message", [
    ([], "missing --env"),
    (["--env=/nonexistent/production.env"], "env file not found"),
    (["--env={env}", "--bogus"], "unknown argument: --bogus"),
    (["--env={env}", "--apply", "--check"], "exclude each other"),
    (["--env={bad}"], "line 2: expected KEY=VALUE"),
    (["--env={nopass}"], "lacks DB_PASSWORD"),
])
def test_usage_errors_exit_2(tmp_path, args, message):
    files = {
        "env": write_env(tmp_path / "production.env", env_text()),
        "bad": write_env(tmp_path / "bad.env", "DB_NAME=x\nnot a setting " + PASSWORD + "\n"),
        "nopass": write_env(tmp_path / "nopass.env", env_text(drop=("DB_PASSWORD",))),
    }
    r = run([a.format(**files) for a in args], tmp_path / "logs")
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert message in r.stderr and "Usage: fix_rls.sh --env=FILE" in r.stderr, r.stderr
    assert PASSWORD not in r.stdout + r.stderr      # a malformed line is not echoed


def test_help_exits_0(tmp_path):
    r = run(["--help"], tmp_path / "logs")
    assert r.returncode == 0, r.stderr
    assert "Usage: fix_rls.sh --env=FILE [--apply | --check]" in r.stdout
    assert "--apply" in r.stdout and "--check" in r.stdout and "chmod 600" in r.stdout


def test_password_reaches_psql_only_through_pgpassword(tmp_path):
    """A stub psql records its arguments and environment: the password (parsed from a quoted
    value, not taken from the caller's DB_PASSWORD) is in PGPASSWORD and on no command line."""
    stub = tmp_path / "stub"
    stub.mkdir()
    (stub / "psql").write_text('#!/usr/bin/env bash\nprintf "%s\\n" "$@" > "$STUB_DIR/argv"\n'
                               'printf "%s" "${PGPASSWORD-<unset>}" > "$STUB_DIR/pgpassword"\nexit 2\n')
    (stub / "psql").chmod(0o755)
    env = write_env(tmp_path / "production.env", env_text())
    r = run([f"--env={env}"], tmp_path / "logs", extra_env={
        "PATH": f"{stub}:{os.environ['PATH']}", "STUB_DIR": str(stub),
        "DB_PASSWORD": "from-the-environment", "DB_HOST": "evil.example"})
    assert r.returncode == 2 and "cannot connect" in r.stderr, (r.stdout, r.stderr)
    argv = (stub / "argv").read_text().splitlines()
    assert (stub / "pgpassword").read_text() == PASSWORD
    assert not any(PASSWORD in a or "Fx-9q" in a for a in argv), argv
    for flag, value in (("-h", "127.0.0.1"), ("-p", str(PORT)), ("-U", ADMIN), ("-d", DB), ("-v", "ON_ERROR_STOP=1")):
        assert argv[argv.index(flag) + 1] == value, (flag, argv)
    assert "-X" in argv
    _, log = the_log(tmp_path / "logs")
    assert "Fx-9q" not in log and "mode: dry-run" in log


def test_unreachable_port_exits_2_and_logs_next_to_the_script(tmp_path):
    with socket.socket() as s:   # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    copy = tmp_path / "deploy" / "fix_rls.sh"    # the guide copies the script to a server
    copy.parent.mkdir()
    shutil.copy(SCRIPT, copy)
    env = write_env(tmp_path / "production.env", env_text(port=port))
    r = run([f"--env={env}"], None, script=str(copy), cwd=str(tmp_path))
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "cannot connect" in r.stderr and "Connection refused" in r.stderr, r.stderr
    _, log = the_log(tmp_path / "deploy" / "logs")      # logs/ beside the script, not the cwd
    assert "cannot connect" in log and f"port: {port}" in log and "Fx-9q" not in log


# ---------------------------------------------------------------- against the cluster


def test_missing_extension_exits_2_with_hint(tmp_path):
    env = write_env(tmp_path / "production.env", env_text(db="postgres"))
    r = run([f"--env={env}"], tmp_path / "logs")
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "CREATE EXTENSION rls_fixer" in r.stderr, r.stderr


def test_dry_run_reports_the_leak_and_changes_nothing(tmp_path, leaky):
    before, run_before = catalog(leaky), last_run(leaky)
    assert before == (False, False, [])
    env = write_env(tmp_path / "production.env", env_text())
    r = run([f"--env={env}"], tmp_path / "logs")
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert summary(r.stdout) == ("dry-run", "errors-remain", 3, 1, 1)
    assert "statements_planned=3" in r.stdout
    assert catalog(leaky) == before
    leaky.execute("SELECT bool_and(dry_run), count(*) FROM rls_fixer.fix_run WHERE run_id > %s", [run_before])
    assert leaky.fetchone() == (True, 1)      # one recorded dry run, no applied one
    path, log = the_log(tmp_path / "logs")
    assert path in r.stdout
    for header in ("host: 127.0.0.1", f"port: {PORT}", f"database: {DB}", f"user: {ADMIN}", "mode: dry-run"):
        assert header in log, header
    assert re.search(r"error\s+\|\s+rls_disabled\s+\|\s+fixsh\.orders", log), log
    assert re.search(r"info\s+\|\s+table_skipped\s+\|\s+fixsh\.lookup", log), log
    assert "ALTER TABLE fixsh.orders ENABLE ROW LEVEL SECURITY" in log      # the plan
    assert "errors=3 warnings=1 info=1" in log
    assert "Fx-9q" not in log


def test_apply_fixes_and_logs_the_statements(tmp_path, leaky):
    env = write_env(tmp_path / "production.env", env_text())
    r = run([f"--env={env}", "--apply"], tmp_path / "logs")
    assert r.returncode == 0, (r.stdout, r.stderr)
    # only the warnings (primary key without tenant_id; in the default setting mode the policy
    # reads a setting the app role can SET: tenant_context_spoofable) and the info remain
    assert summary(r.stdout) == ("apply", "ok", 0, 2, 1)
    assert "statements_applied=3" in r.stdout
    assert catalog(leaky) == (True, True, ["rls_fixer_tenant_isolation"])
    leaky.execute("SELECT dry_run, statement_count FROM rls_fixer.fix_run ORDER BY run_id DESC LIMIT 1")
    assert leaky.fetchone() == (False, 3)
    _, log = the_log(tmp_path / "logs")
    assert "mode: apply" in log
    for stmt in ("CREATE POLICY rls_fixer_tenant_isolation ON fixsh.orders",
                 "ALTER TABLE fixsh.orders ENABLE ROW LEVEL SECURITY",
                 "ALTER TABLE fixsh.orders FORCE ROW LEVEL SECURITY"):
        assert stmt in log, stmt
    assert "-- audit before" in log and "-- audit after" in log
    assert "Fx-9q" not in log and "DB_PASSWORD" not in log

    # the app role now sees no rows without a tenant, only its own with one
    app = connect(user=APP)
    cur = app.cursor()
    cur.execute(f"SELECT count(*) FROM {SCHEMA}.orders")
    assert cur.fetchone()[0] == 0
    cur.execute("SET app.current_tenant_id = 't1'")
    cur.execute(f"SELECT item FROM {SCHEMA}.orders")
    assert cur.fetchall() == [("a",)]
    app.close()

    # a second apply has nothing left to do
    again = run([f"--env={env}", "--apply"], tmp_path / "logs2")
    assert again.returncode == 0, (again.stdout, again.stderr)
    assert "statements_applied=0" in again.stdout


def test_check_reports_without_fixing(tmp_path, leaky):
    before, run_before = catalog(leaky), last_run(leaky)
    env = write_env(tmp_path / "production.env", env_text())
    r = run([f"--env={env}", "--check"], tmp_path / "logs")
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert summary(r.stdout)[:3] == ("check", "errors-remain", 3)
    assert "rls_fix(" not in r.stdout and "statements=none" in r.stdout    # no plan, no apply
    assert catalog(leaky) == before
    assert last_run(leaky) == run_before          # rls_fix() was not called at all
    _, log = the_log(tmp_path / "logs")
    assert "mode: check" in log and "rls_disabled" in log


def test_non_admin_user_may_check_but_not_fix(tmp_path, leaky):
    """rls_fix is revoked from PUBLIC: a plain user gets exit 2 with the grant_admin hint
    (and nothing runs), while --check (rls_audit, PUBLIC) works."""
    env = write_env(tmp_path / "production.env", env_text(user=READER))
    r = run([f"--env={env}", "--apply"], tmp_path / "logs")
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert f"SELECT rls_fixer.grant_admin('{READER}')" in r.stderr, r.stderr
    assert catalog(leaky) == (False, False, [])
    r = run([f"--env={env}", "--check"], tmp_path / "logs2")
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert summary(r.stdout)[:3] == ("check", "errors-remain", 3)
