-- indexed count, app role under the generated policy (tenant set once per connection)
\if :ctx = 0
SELECT set_tenant_context('t42');
\set ctx 1
\endif
SELECT count(*) FROM public.orders;
