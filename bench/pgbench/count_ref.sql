-- indexed count, superuser (bypasses RLS) with an explicit tenant filter
SELECT count(*) FROM public.orders WHERE tenant_id = 't42';
