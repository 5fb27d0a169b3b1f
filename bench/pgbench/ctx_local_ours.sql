BEGIN;
SELECT set_tenant_context('t42', true);
COMMIT;
