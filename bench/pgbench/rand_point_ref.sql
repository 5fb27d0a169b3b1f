-- a random tenant per transaction, reference: point lookup, superuser filtering by the same tenant. Run with -M prepared.
\set t random(1, 100)
\set id :t - 1 + 100 * random(1, :kmax)
BEGIN;
SELECT set_config('app.current_tenant_id', 't' || :t, true);
SELECT amount FROM public.orders WHERE id = :id AND tenant_id = 't' || :t;
COMMIT;
