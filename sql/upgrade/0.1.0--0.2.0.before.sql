-- Hand-written part of the 0.1.0 -> 0.2.0 upgrade, run before the 0.2.0 install script is
-- replayed (see scripts/upgrade_sql.py). The replay creates what is new (context_key, the
-- signed-context and protected-mode functions) and replaces every function.

-- check_history.config is new in 0.2.0: rows of 0.1.0 checks get '{}' (the settings they ran
-- with were not recorded). A constant default adds no table rewrite.
ALTER TABLE rls_fixer.check_history ADD COLUMN IF NOT EXISTS config jsonb NOT NULL DEFAULT '{}';

-- fix_run.database_id is new in 0.2.0 (rls_undo after a restore into another database finds
-- objects by name): runs of 0.1.0 recorded none and are taken as this database's.
ALTER TABLE rls_fixer.fix_run ADD COLUMN IF NOT EXISTS database_id text;

-- rls_audit() gained a parameter (include_waived) and a column (waiver): a new signature, so the
-- old function goes and the replay creates the new one.
DROP FUNCTION IF EXISTS @extschema@.rls_audit();
