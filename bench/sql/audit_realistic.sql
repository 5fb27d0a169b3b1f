-- bench: :n tenant tables in schema public shaped like a real application's schema:
--   id bigserial PRIMARY KEY (so a sequence per table), tenant_id uuid NOT NULL, a few more
--   columns, NO index on tenant_id, and the application role bench_app granted DML on each.
-- A third in each RLS state, as they are found in databases that grew RLS by hand:
--   i % 3 = 0: no RLS at all
--   i % 3 = 1: ENABLE ROW LEVEL SECURITY, no policy
--   i % 3 = 2: ENABLE + the hand-written policy of the usual guides (not FORCEd):
--              CREATE POLICY p ON t USING (tenant_id = current_setting('app.current_tenant_id')::uuid)
-- One transaction per 250 tables: default max_locks_per_transaction (64) is enough.
-- Usage: psql -v n=10000 -f audit_realistic.sql  (in a fresh database)
CREATE EXTENSION rls_fixer;
-- building the fixture is not measured: keep the new-table event trigger (if this build has it) quiet
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'rls_fixer.on_new_tenant_table') THEN
        PERFORM set_config('rls_fixer.on_new_tenant_table', 'off', false);
    END IF;
END $$;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bench_app') THEN
        CREATE ROLE bench_app LOGIN;
    END IF;
END $$;
CREATE PROCEDURE public.bench_build_realistic(n int) LANGUAGE plpgsql AS $$
DECLARE
    i int;
    t text;
BEGIN
    FOR i IN 1..n LOOP
        t := 't_' || lpad(i::text, 5, '0');
        EXECUTE format('CREATE TABLE public.%I (
            id          bigserial PRIMARY KEY,
            tenant_id   uuid NOT NULL,
            name        text NOT NULL,
            status      text NOT NULL DEFAULT ''active'',
            amount      numeric(12,2),
            created_at  timestamptz NOT NULL DEFAULT now(),
            updated_at  timestamptz)', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON public.%I TO bench_app', t);
        EXECUTE format('GRANT USAGE ON SEQUENCE public.%I TO bench_app', t || '_id_seq');
        IF i % 3 >= 1 THEN
            EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t);
        END IF;
        IF i % 3 = 2 THEN
            EXECUTE format('CREATE POLICY p ON public.%I USING (tenant_id = current_setting(''app.current_tenant_id'')::uuid)', t);
        END IF;
        IF i % 250 = 0 THEN
            COMMIT;
        END IF;
    END LOOP;
END
$$;
CALL public.bench_build_realistic(:n);
DROP PROCEDURE public.bench_build_realistic(int);
