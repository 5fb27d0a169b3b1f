//! The relation names in a statement's text, read with PostgreSQL's own parser
//! (`pg_parse_query`, the raw grammar only): no catalog lookup, no lock, nothing executed. The
//! raw parse tree is walked with `raw_expression_tree_walker` for every `RangeVar` (FROM,
//! JOIN, sub-selects, WITH queries, INSERT/UPDATE/DELETE/MERGE targets) and every WITH query's
//! name. Utility statements are skipped, except those that hold a query: EXPLAIN, COPY,
//! CREATE TABLE AS, DECLARE CURSOR.
//!
//! Parser errors (a text that is not one of this server's statements) and walker errors are
//! raised as PostgreSQL errors: callers run this inside a subtransaction (`super::caught`).

use std::ffi::{c_char, c_void, CStr, CString};

use pgrx::pg_sys;
use pgrx::prelude::*;
use pgrx::PgList;

use super::touch::Refs;

fn text(p: *const c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }
}

fn push_range_var(refs: &mut Refs, rv: *const pg_sys::RangeVar) {
    if rv.is_null() {
        return;
    }
    let rv = unsafe { &*rv };
    if let Some(name) = text(rv.relname) {
        refs.relations.push((text(rv.schemaname), name));
    }
}

#[pg_guard]
unsafe extern "C-unwind" fn walker(node: *mut pg_sys::Node, cx: *mut c_void) -> bool {
    if node.is_null() {
        return false;
    }
    match unsafe { (*node).type_ } {
        pg_sys::NodeTag::T_RangeVar => {
            let refs = unsafe { &mut *(cx as *mut Refs) };
            push_range_var(refs, node as *const pg_sys::RangeVar);
            return false;
        }
        pg_sys::NodeTag::T_CommonTableExpr => {
            let refs = unsafe { &mut *(cx as *mut Refs) };
            if let Some(name) = text(unsafe { (*(node as *const pg_sys::CommonTableExpr)).ctename }) {
                refs.ctes.push(name);
            }
        }
        _ => {}
    }
    unsafe { pg_sys::raw_expression_tree_walker(node, Some(walker), cx) }
}

/// One raw statement: DML is walked; utility statements only for the query they hold.
unsafe fn statement(node: *mut pg_sys::Node, refs: &mut Refs) {
    if node.is_null() {
        return;
    }
    let cx = refs as *mut Refs as *mut c_void;
    unsafe {
        match (*node).type_ {
            pg_sys::NodeTag::T_SelectStmt
            | pg_sys::NodeTag::T_InsertStmt
            | pg_sys::NodeTag::T_UpdateStmt
            | pg_sys::NodeTag::T_DeleteStmt => {
                walker(node, cx);
            }
            #[cfg(not(any(feature = "pg13", feature = "pg14")))]
            pg_sys::NodeTag::T_MergeStmt => {
                walker(node, cx);
            }
            pg_sys::NodeTag::T_ExplainStmt => statement((*(node as *mut pg_sys::ExplainStmt)).query, refs),
            pg_sys::NodeTag::T_CreateTableAsStmt => statement((*(node as *mut pg_sys::CreateTableAsStmt)).query, refs),
            pg_sys::NodeTag::T_DeclareCursorStmt => statement((*(node as *mut pg_sys::DeclareCursorStmt)).query, refs),
            pg_sys::NodeTag::T_CopyStmt => {
                let c = node as *mut pg_sys::CopyStmt;
                push_range_var(refs, (*c).relation);
                statement((*c).query, refs);
            }
            _ => {}
        }
    }
}

/// The relation names and WITH query names in `query` (every statement of it). Raises the
/// parser's error for a text that does not parse.
pub fn relation_refs(query: &str) -> Refs {
    let mut refs = Refs::default();
    let Ok(c) = CString::new(query) else { return refs };
    unsafe {
        let list = pg_sys::pg_parse_query(c.as_ptr());
        let list = PgList::<pg_sys::RawStmt>::from_pg(list);
        for raw in list.iter_ptr() {
            if !raw.is_null() {
                statement((*raw).stmt, &mut refs);
            }
        }
    }
    refs
}
