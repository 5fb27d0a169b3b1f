-- point lookup by primary key of a t42 row, superuser with an explicit tenant filter
\set id 41 + 100 * random(0, :kmax)
SELECT amount FROM public.orders WHERE id = :id AND tenant_id = 't42';
