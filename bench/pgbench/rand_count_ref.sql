-- a random tenant per transaction, reference: superuser filtering by the same tenant. Run with -M prepared.
\set t random(1, 100)
BEGIN;
SELECT set_config('app.current_tenant_id', 't' || :t, true);
SELECT count(*) FROM public.orders WHERE tenant_id = 't' || :t;
COMMIT;
