-- bench: :n tenant tables in schema public, a third in each weak RLS state.
--   i % 3 = 0: no RLS at all                        -> rls_disabled + tenant_policy_missing + rls_not_forced
--   i % 3 = 1: ENABLE ROW LEVEL SECURITY, no policy -> tenant_policy_missing + rls_not_forced
--   i % 3 = 2: ENABLE + a correct tenant policy     -> rls_not_forced
-- The primary key leads with tenant_id, so no index/uniqueness warnings add to the findings.
-- One transaction per 500 tables: default max_locks_per_transaction (64) is enough.
-- Usage: psql -v n=10000 -f audit_schema.sql  (in a fresh database)
CREATE EXTENSION rls_fixer;
-- building the fixture is not measured: keep the new-table event trigger (if this build has it) quiet
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'rls_fixer.on_new_tenant_table') THEN
        PERFORM set_config('rls_fixer.on_new_tenant_table', 'off', false);
    END IF;
END $$;
CREATE PROCEDURE public.bench_build(n int) LANGUAGE plpgsql AS $$
DECLARE
    i int;
    t text;
BEGIN
    FOR i IN 1..n LOOP
        t := 't_' || lpad(i::text, 5, '0');
        EXECUTE format('CREATE TABLE public.%I (tenant_id text NOT NULL, id bigint NOT NULL, payload text, PRIMARY KEY (tenant_id, id))', t);
        IF i % 3 >= 1 THEN
            EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t);
        END IF;
        IF i % 3 = 2 THEN
            EXECUTE format('CREATE POLICY tenant_isolation ON public.%I USING (tenant_id = NULLIF(current_setting(''app.current_tenant_id'', true), ''''))', t);
        END IF;
        IF i % 500 = 0 THEN
            COMMIT;
        END IF;
    END LOOP;
END
$$;
CALL public.bench_build(:n);
DROP PROCEDURE public.bench_build(int);
