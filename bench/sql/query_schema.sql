-- bench: :rows orders over 100 tenants (t1 .. t100, tenant = 't' || (id % 100 + 1)),
--   orders:       primary key (id) and an index on tenant_id
--   orders_noidx: the same rows, no index at all
-- then rls_fix(false) puts the generated policy (ENABLE + FORCE + CREATE POLICY) on both,
-- and the non-superuser bench_app may read them.
-- Usage: psql -v rows=1000000 -f query_schema.sql  (in a fresh database)
CREATE EXTENSION rls_fixer;
-- building the fixture is not measured: keep the new-table event trigger (if this build has it) quiet
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'rls_fixer.on_new_tenant_table') THEN
        PERFORM set_config('rls_fixer.on_new_tenant_table', 'off', false);
    END IF;
END $$;
CREATE TABLE public.orders (
    id         bigint PRIMARY KEY,
    tenant_id  text NOT NULL,
    amount     numeric(12,2) NOT NULL,
    created_at timestamptz NOT NULL
);
INSERT INTO public.orders
SELECT i, 't' || (i % 100 + 1), (i % 100000) / 100.0, timestamptz '2024-01-01 00:00+00' + i * interval '1 minute'
  FROM generate_series(1, :rows) AS i;
CREATE INDEX orders_tenant_id_idx ON public.orders (tenant_id);
CREATE TABLE public.orders_noidx AS TABLE public.orders;
ALTER TABLE public.orders_noidx ALTER tenant_id SET NOT NULL;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bench_app') THEN
        CREATE ROLE bench_app LOGIN;
    END IF;
END $$;
GRANT SELECT ON public.orders, public.orders_noidx TO bench_app;
\pset format unaligned
\pset tuples_only on
SELECT 'rls_fix applied ' || count(*) || ' statements' FROM rls_fix(false);
SELECT 'policy on ' || tablename || ': ' || qual FROM pg_policies WHERE schemaname = 'public' ORDER BY tablename;
VACUUM ANALYZE public.orders;
VACUUM ANALYZE public.orders_noidx;
