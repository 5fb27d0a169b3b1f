-- pooled per-request form, reference: point lookup of a t42 row, superuser with an explicit tenant filter
\set id 41 + 100 * random(0, :kmax)
BEGIN;
SELECT set_config('app.current_tenant_id', 't42', true);
SELECT amount FROM public.orders WHERE id = :id AND tenant_id = 't42';
COMMIT;
