-- point lookup by primary key of a t42 row, app role under the generated policy
\if :ctx = 0
SELECT set_tenant_context('t42');
\set ctx 1
\endif
\set id 41 + 100 * random(0, :kmax)
SELECT amount FROM public.orders WHERE id = :id;
