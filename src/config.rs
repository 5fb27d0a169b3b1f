//! The `rls_fixer.*` settings (GUCs) and their validation.

use std::ffi::CString;

use pgrx::{GucContext, GucFlags, GucRegistry, GucSetting, PostgresGucEnum};

use crate::error::ConfigError;

/// What the checks need to know about the configuration (the `rls_fixer.*` GUCs), already
/// validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub tenant_column: String,
    pub tenant_setting: String,
    /// `rls_fixer.app_roles` when set
    pub app_roles: Option<Vec<String>>,
    pub bypass_roles: Vec<String>,
    /// `rls_fixer.schemas` when set (already applied by the catalog queries)
    pub schemas: Option<Vec<String>>,
    /// `rls_fixer.context_mode`: what generated policies read
    pub context_mode: ContextMode,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            tenant_column: "tenant_id".into(),
            tenant_setting: "app.current_tenant_id".into(),
            app_roles: None,
            bypass_roles: vec![],
            schemas: None,
            context_mode: ContextMode::Setting,
        }
    }
}

pub static TENANT_COLUMN: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(Some(c"tenant_id"));
pub static TENANT_SETTING: GucSetting<Option<CString>> =
    GucSetting::<Option<CString>>::new(Some(c"app.current_tenant_id"));
pub static APP_ROLES: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
pub static BYPASS_ROLES: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
pub static SCHEMAS: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
pub static LOCK_TIMEOUT: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(Some(c"2s"));
pub static TENANT_ID_FORMAT: GucSetting<TenantIdFormat> = GucSetting::<TenantIdFormat>::new(TenantIdFormat::Any);

pub static ON_NEW_TENANT_TABLE: GucSetting<OnNewTenantTable> =
    GucSetting::<OnNewTenantTable>::new(OnNewTenantTable::Warn);

#[derive(PostgresGucEnum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum OnNewTenantTable {
    #[name = c"off"]
    Off,
    #[name = c"warn"]
    Warn,
    #[name = c"protect"]
    Protect,
}

/// What generated policies read the tenant from.
#[derive(PostgresGucEnum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum ContextMode {
    /// `current_setting(rls_fixer.tenant_setting)`: the guide's design; any role can SET it
    #[name = c"setting"]
    Setting,
    /// the extension's accessor over state only its own functions change
    #[name = c"protected"]
    Protected,
}

pub static CONTEXT_MODE: GucSetting<ContextMode> = GucSetting::<ContextMode>::new(ContextMode::Setting);

#[derive(PostgresGucEnum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum TenantIdFormat {
    #[name = c"any"]
    Any,
    #[name = c"uuid"]
    Uuid,
    #[name = c"integer"]
    Integer,
}

pub fn init() {
    GucRegistry::define_enum_guc(
        c"rls_fixer.context_mode",
        c"What generated policies read the tenant from: setting (the configured setting, which any role can SET) or protected (state only set_tenant_context() changes).",
        c"Switching is a normal rls_fix run: it replaces the extension's own generated policies.",
        &CONTEXT_MODE,
        GucContext::Suset,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"rls_fixer.tenant_column",
        c"Name of the column that holds the tenant id; tables with it are tenant tables.",
        c"",
        &TENANT_COLUMN,
        GucContext::Suset,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"rls_fixer.tenant_setting",
        c"Session setting that carries the current tenant id (read by policies, set by set_tenant_context).",
        c"Must be a custom setting name with a dot, e.g. app.current_tenant_id.",
        &TENANT_SETTING,
        GucContext::Suset,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"rls_fixer.app_roles",
        c"Comma-separated application roles; empty: LOGIN roles holding privileges on tenant tables.",
        c"",
        &APP_ROLES,
        GucContext::Suset,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"rls_fixer.bypass_roles",
        c"Comma-separated roles allowed to bypass RLS (migrations, ETL, backup); never treated as app roles.",
        c"",
        &BYPASS_ROLES,
        GucContext::Suset,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"rls_fixer.schemas",
        c"Comma-separated schemas to audit; empty: every non-system schema.",
        c"",
        &SCHEMAS,
        GucContext::Suset,
        GucFlags::default(),
    );
    GucRegistry::define_string_guc(
        c"rls_fixer.lock_timeout",
        c"lock_timeout used while rls_fix applies DDL (a PostgreSQL interval, e.g. 2s).",
        c"",
        &LOCK_TIMEOUT,
        GucContext::Userset,
        GucFlags::default(),
    );
    GucRegistry::define_enum_guc(
        c"rls_fixer.tenant_id_format",
        c"Shape set_tenant_context accepts: any, uuid or integer.",
        c"",
        &TENANT_ID_FORMAT,
        GucContext::Suset,
        GucFlags::default(),
    );
    GucRegistry::define_enum_guc(
        c"rls_fixer.on_new_tenant_table",
        c"What the DDL event trigger does with a new, unprotected tenant table: off, warn or protect.",
        c"protect applies ENABLE + FORCE + the tenant policy in the same transaction.",
        &ON_NEW_TENANT_TABLE,
        GucContext::Suset,
        GucFlags::default(),
    );
}

fn get(s: &GucSetting<Option<CString>>) -> String {
    s.get().map(|c| c.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Split a comma-separated list, trimming blanks; empty → None.
pub fn parse_list(v: &str) -> Option<Vec<String>> {
    let items: Vec<String> = v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    if items.is_empty() {
        None
    } else {
        Some(items)
    }
}

/// A column name: 1–63 bytes, no control characters.
pub fn valid_column_name(v: &str) -> bool {
    !v.is_empty() && v.len() <= 63 && !v.chars().any(|c| c.is_control())
}

/// A custom setting name: two or more identifier parts joined by dots (`app.current_tenant_id`).
pub fn valid_setting_name(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() >= 2
        && v.len() <= 127
        && parts.iter().all(|p| {
            let mut ch = p.chars();
            ch.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && ch.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        })
}

pub fn tenant_setting() -> Result<String, ConfigError> {
    tenant_setting_cstr().map(|c| c.to_string_lossy().into_owned())
}

/// The validated tenant setting name as a C string, one allocation: the per-request path.
pub fn tenant_setting_cstr() -> Result<CString, ConfigError> {
    let c = TENANT_SETTING.get().unwrap_or_default();
    if std::str::from_utf8(c.as_bytes()).is_ok_and(valid_setting_name) {
        Ok(c)
    } else {
        let v = c.to_string_lossy();
        Err(ConfigError {
            guc: "rls_fixer.tenant_setting",
            message: format!("rls_fixer.tenant_setting = '{v}' is not a custom setting name: use letters, digits and underscores with at least one dot, e.g. app.current_tenant_id"),
        })
    }
}

/// The validated configuration.
pub fn config() -> Result<Config, ConfigError> {
    let tenant_column = get(&TENANT_COLUMN);
    if !valid_column_name(&tenant_column) {
        return Err(ConfigError {
            guc: "rls_fixer.tenant_column",
            message: format!(
                "rls_fixer.tenant_column = '{}' is not a valid column name (1 to 63 bytes, no control characters)",
                tenant_column.escape_debug()
            ),
        });
    }
    let schemas = parse_list(&get(&SCHEMAS));
    Ok(Config {
        tenant_column,
        tenant_setting: tenant_setting()?,
        app_roles: parse_list(&get(&APP_ROLES)),
        bypass_roles: parse_list(&get(&BYPASS_ROLES)).unwrap_or_default(),
        schemas,
        context_mode: CONTEXT_MODE.get(),
    })
}

/// The effective configuration, as recorded with every `rls_check()` and shown by
/// `rls_audit_json()`: a changed setting is visible in the history.
pub fn effective(cfg: &Config) -> serde_json::Value {
    serde_json::json!({
        "tenant_column": cfg.tenant_column,
        "tenant_setting": cfg.tenant_setting,
        "app_roles": cfg.app_roles,
        "bypass_roles": cfg.bypass_roles,
        "schemas": cfg.schemas,
        "on_new_tenant_table": format!("{:?}", ON_NEW_TENANT_TABLE.get()).to_lowercase(),
        "tenant_id_format": format!("{:?}", TENANT_ID_FORMAT.get()).to_lowercase(),
        "context_mode": format!("{:?}", cfg.context_mode).to_lowercase(),
    })
}

pub fn lock_timeout() -> String {
    get(&LOCK_TIMEOUT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setting_names() {
        assert!(valid_setting_name("app.current_tenant_id"));
        assert!(valid_setting_name("my_app.tenant.id"));
        assert!(!valid_setting_name("tenant_id"));
        assert!(!valid_setting_name("app."));
        assert!(!valid_setting_name("app.x'; drop"));
        assert!(!valid_setting_name("1app.x"));
    }

    #[test]
    fn lists_and_columns() {
        assert_eq!(parse_list(" a, b ,,c "), Some(vec!["a".into(), "b".into(), "c".into()]));
        assert_eq!(parse_list(" , "), None);
        assert!(valid_column_name("Tenant Id"));
        assert!(!valid_column_name(""));
        assert!(!valid_column_name("a\nb"));
        assert!(!valid_column_name(&"x".repeat(64)));
    }
}
