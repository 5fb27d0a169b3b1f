SELECT set_tenant_context('t42');
