-- bench: public.parted, LIST-partitioned by tenant_id into :parts partitions (parted_1 holds 't1',
--   parted_2 't2', ...), :per small rows per tenant, primary key (tenant_id, id);
-- then, in protected mode, rls_fix(false) puts the generated policy (ENABLE + FORCE + CREATE
-- POLICY ... USING (tenant_id = rls_fixer.tenant())) on the parent and on every partition,
-- and the non-superuser bench_app may read the parent.
-- Usage: psql -v parts=1000 -v per=10 -f parted_schema.sql  (in a fresh database)
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
CREATE TABLE public.parted (
    tenant_id text NOT NULL,
    id        bigint NOT NULL,
    v         int NOT NULL,
    PRIMARY KEY (tenant_id, id)
) PARTITION BY LIST (tenant_id);
CREATE PROCEDURE public.bench_build_parted(parts int) LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1..parts LOOP
        EXECUTE format('CREATE TABLE public.%I PARTITION OF public.parted FOR VALUES IN (%L)', 'parted_' || i, 't' || i);
        IF i % 250 = 0 THEN
            COMMIT;
        END IF;
    END LOOP;
END
$$;
CALL public.bench_build_parted(:parts);
DROP PROCEDURE public.bench_build_parted(int);
INSERT INTO public.parted SELECT 't' || (i % :parts + 1), i, i % 1000 FROM generate_series(1, :parts * :per) AS i;
GRANT SELECT ON public.parted TO bench_app;
SET rls_fixer.context_mode = protected;
ALTER DATABASE :"DBNAME" SET rls_fixer.context_mode = protected;
\pset format unaligned
\pset tuples_only on
SELECT 'parted rls_fix applied ' || count(*) || ' statements' FROM rls_fix(false);
SELECT 'parted policy on ' || tablename || ': ' || qual FROM pg_policies WHERE schemaname = 'public' AND tablename IN ('parted', 'parted_42') ORDER BY tablename;
VACUUM ANALYZE public.parted;
