-- pooled per-request form, reference: raw set_config, superuser (bypasses RLS) with an explicit tenant filter
BEGIN;
SELECT set_config('app.current_tenant_id', 't42', true);
SELECT count(*) FROM public.orders WHERE tenant_id = 't42';
COMMIT;
