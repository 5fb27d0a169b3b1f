-- set_tenant_context / clear_tenant_context / current_tenant_id: validation with SQLSTATE
-- 22023, the previous context kept on error, is_local only inside a transaction.
\set VERBOSITY default
SELECT current_tenant_id() IS NULL AS unset_is_null;
SELECT set_tenant_context('tenant1');
SELECT current_tenant_id(), current_setting('app.current_tenant_id');
SELECT set_tenant_context(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT set_tenant_context('');
\echo :LAST_ERROR_SQLSTATE
SELECT set_tenant_context('   ');
SELECT set_tenant_context('a b');
SELECT set_tenant_context(E'a\nb');
SELECT set_tenant_context('x''; DROP TABLE t; --');
SELECT set_tenant_context('a\b');
SELECT set_tenant_context('a;b');
SELECT set_tenant_context(repeat('x', 256));
\echo :LAST_ERROR_SQLSTATE
-- the context in force before the bad calls is unchanged
SELECT current_tenant_id();
SELECT length(set_tenant_context(repeat('x', 255)));
-- is_local outside a transaction block: an error with a hint
SELECT set_tenant_context('tenant2', true);
\echo :LAST_ERROR_SQLSTATE
BEGIN;
SELECT set_tenant_context('tenant2', true);
SELECT current_tenant_id();
COMMIT;
-- the local setting vanished with the transaction
SELECT current_tenant_id() = repeat('x', 255) AS session_value_back;
SELECT clear_tenant_context();
SELECT current_tenant_id() IS NULL AS cleared_is_null, current_setting('app.current_tenant_id') AS raw;
-- formats
SET rls_fixer.tenant_id_format = 'uuid';
SELECT set_tenant_context('tenant1');
\echo :LAST_ERROR_SQLSTATE
SELECT set_tenant_context('6f1c2b9e-8d3a-4c5b-9e7f-0a1b2c3d4e5f');
SET rls_fixer.tenant_id_format = 'integer';
SELECT set_tenant_context('12x');
SELECT set_tenant_context('1234');
RESET rls_fixer.tenant_id_format;
-- a different configured setting
SET rls_fixer.tenant_setting = 'myapp.tenant';
SELECT set_tenant_context('acme');
SELECT current_setting('myapp.tenant'), current_tenant_id();
SET rls_fixer.tenant_setting = 'no_dot';
SELECT set_tenant_context('acme');
\echo :LAST_ERROR_SQLSTATE
RESET rls_fixer.tenant_setting;
SELECT clear_tenant_context();
