-- Hand-written part of the 0.1.0 -> 0.2.0 upgrade, run before the 0.2.0 install script is
-- replayed (see scripts/upgrade_sql.py). The replay creates what is new (context_key, the
-- signed-context and protected-mode functions) and replaces every function.

-- check_history.config is new in 0.2.0: rows of 0.1.0 checks get '{}' (the settings they ran
-- with were not recorded). A constant default adds no table rewrite.
ALTER TABLE rls_fixer.check_history ADD COLUMN IF NOT EXISTS config jsonb NOT NULL DEFAULT '{}';
