-- count on the unindexed copy, app role under the generated policy
\if :ctx = 0
SELECT set_tenant_context('t42');
\set ctx 1
\endif
SELECT count(*) FROM public.orders_noidx;
