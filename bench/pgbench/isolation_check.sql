-- not timed: a random tenant per transaction (run with -M prepared, so cached plans are reused
-- across tenant switches); any row of another tenant, or a wrong row count, raises division by
-- zero and pgbench aborts: the run then fails.
\set t random(1, 100)
\set id :t - 1 + 100 * random(1, :kmax)
BEGIN;
SELECT set_tenant_context('t' || :t, true);
SELECT 1 / (count(*) = :per)::int FROM public.orders;
SELECT 1 / (count(*) = 0)::int FROM public.orders WHERE tenant_id <> 't' || :t;
SELECT 1 / (count(*) = :per)::int FROM public.orders_noidx;
SELECT 1 / (count(*) = 1)::int FROM public.orders WHERE id = :id;
SELECT 1 / (count(*) = 0)::int FROM public.orders WHERE id = :id + 1;
COMMIT;
SELECT 1 / (count(*) = 0)::int FROM public.orders;
