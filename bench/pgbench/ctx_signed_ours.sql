-- the signed per-request call (a context key is set; :token is minted once by rls_fixer.sign_tenant_token)
BEGIN;
SELECT set_tenant_context_signed(':token', true);
COMMIT;
