SELECT set_config('app.current_tenant_id', 't42', false);
