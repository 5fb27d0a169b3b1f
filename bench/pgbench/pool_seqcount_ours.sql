-- pooled per-request form: count on the unindexed copy, app role under the generated policy
BEGIN;
SELECT set_tenant_context('t42', true);
SELECT count(*) FROM public.orders_noidx;
COMMIT;
