-- pooled per-request form (transaction pooling): tenant set per transaction, indexed count,
-- app role under the generated policy (setting or protected form: the database decides)
BEGIN;
SELECT set_tenant_context('t42', true);
SELECT count(*) FROM public.orders;
COMMIT;
