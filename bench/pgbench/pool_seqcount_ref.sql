-- pooled per-request form, reference: count on the unindexed copy, superuser with an explicit tenant filter
BEGIN;
SELECT set_config('app.current_tenant_id', 't42', true);
SELECT count(*) FROM public.orders_noidx WHERE tenant_id = 't42';
COMMIT;
