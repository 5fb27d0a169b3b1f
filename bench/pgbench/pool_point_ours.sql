-- pooled per-request form: point lookup by primary key of a t42 row, app role under the generated policy
\set id 41 + 100 * random(0, :kmax)
BEGIN;
SELECT set_tenant_context('t42', true);
SELECT amount FROM public.orders WHERE id = :id;
COMMIT;
