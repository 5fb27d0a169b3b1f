-- count on the unindexed copy, superuser with an explicit tenant filter
SELECT count(*) FROM public.orders_noidx WHERE tenant_id = 't42';
