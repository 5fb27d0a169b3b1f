"""rls_check() scheduled by the real pg_cron: the job runs, cron.job_run_details records it,
and rls_fixer.check_history gets the audit."""
import time

from conftest import connect


def test_pg_cron_runs_rls_check():
    conn = connect()
    cur = conn.cursor()
    cur.execute("CREATE SCHEMA IF NOT EXISTS cronchk")
    cur.execute("CREATE TABLE IF NOT EXISTS cronchk.leaky (tenant_id text NOT NULL)")
    cur.execute("SELECT count(*) FROM rls_fixer.check_history")
    before = cur.fetchone()[0]
    # the README's recipe, every minute instead of weekly (pg_cron 1.4 has minute granularity)
    cur.execute("SELECT cron.schedule('rls-check-test', '* * * * *', 'SELECT rls_check()')")
    job_id = cur.fetchone()[0]
    try:
        deadline = time.time() + 150
        row = None
        while time.time() < deadline:
            cur.execute(
                "SELECT status, return_message FROM cron.job_run_details WHERE jobid = %s AND status IN ('succeeded', 'failed')",
                [job_id],
            )
            row = cur.fetchone()
            if row:
                break
            time.sleep(2)
        assert row is not None, "pg_cron did not run the job within 150 s"
        assert row[0] == "succeeded", row
        cur.execute("SELECT count(*), max(error_count) FROM rls_fixer.check_history")
        count, max_errors = cur.fetchone()
        assert count > before
        # cronchk.leaky has no RLS: the check counted errors
        assert max_errors >= 1
        cur.execute("SELECT findings -> 'summary' ->> 'error' FROM rls_fixer.check_history ORDER BY check_id DESC LIMIT 1")
        assert int(cur.fetchone()[0]) >= 1
    finally:
        cur.execute("SELECT cron.unschedule(%s)", [job_id])
        cur.execute("DROP SCHEMA cronchk CASCADE")
        conn.close()


def test_rls_check_raise_on_error_fails_the_statement():
    conn = connect()
    cur = conn.cursor()
    cur.execute("CREATE SCHEMA IF NOT EXISTS cronchk2")
    cur.execute("CREATE TABLE cronchk2.leaky (tenant_id text NOT NULL)")
    cur.execute("SET rls_fixer.schemas = 'cronchk2'")
    cur.execute("SELECT rls_check()")
    assert cur.fetchone()[0] == 3  # rls_disabled, rls_not_forced, tenant_policy_missing
    try:
        cur.execute("SELECT rls_check(raise_on_error => true)")
        raise AssertionError("rls_check(true) should raise")
    except Exception as e:  # psycopg2 error
        assert getattr(e, "pgcode", None) == "P0001", e
        assert "3 tenant-isolation error(s)" in str(e)
    cur.execute("RESET rls_fixer.schemas")
    cur.execute("DROP SCHEMA cronchk2 CASCADE")
    conn.close()
