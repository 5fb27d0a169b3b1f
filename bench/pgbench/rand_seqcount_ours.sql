-- a random tenant per transaction (t1 .. t100): count on the unindexed copy, app role under the
-- generated policy. Run with -M prepared.
\set t random(1, 100)
BEGIN;
SELECT set_tenant_context('t' || :t, true);
SELECT count(*) FROM public.orders_noidx;
COMMIT;
