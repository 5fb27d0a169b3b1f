-- a random tenant per transaction (t1 .. t100): point lookup by primary key of one of its rows
-- (tenant 't' || t owns ids t - 1 + 100 k), app role under the generated policy. Run with -M prepared.
\set t random(1, 100)
\set id :t - 1 + 100 * random(1, :kmax)
BEGIN;
SELECT set_tenant_context('t' || :t, true);
SELECT amount FROM public.orders WHERE id = :id;
COMMIT;
