//! Reading the big catalog queries' rows (one per relation, policy, constraint): each row is
//! deformed once and each value converted in place.
//!
//! pgrx's row API builds a vector of every column per row, checks the type of each value read
//! (a catalog lookup for some types), and copies every text value into the caller's memory
//! context, which lives until the audit returns: at 10,000 policies that was 85 ms of a 95 ms
//! phase, and tens of megabytes held to the end. Here the column types are checked once, by
//! name, when a query's columns are looked up; a text value is borrowed from the SPI result
//! (decompressed, when it is compressed, into SPI's memory, freed when the snapshot's SPI
//! connection closes); and [`Rows::raw`] gives a value's stored bytes, so that identical
//! compressed values (a policy tree shared by thousands of tables) are decompressed once.

use std::marker::PhantomData;

use pgrx::datum::FromDatum;
use pgrx::pg_sys;
use pgrx::spi::{SpiError, SpiResult, SpiTupleTable};

/// The rows of one SPI result. Valid while the query's [`SpiTupleTable`] is: no other SPI call
/// may run between [`Rows::of`] and the last read.
pub struct Rows<'t> {
    table: *mut pg_sys::SPITupleTable,
    len: usize,
    values: Vec<pg_sys::Datum>,
    nulls: Vec<bool>,
    _table: PhantomData<&'t ()>,
}

impl<'t> Rows<'t> {
    /// The rows of `t`, which must be the result of the SPI query that ran last.
    pub fn of(t: &'t SpiTupleTable<'_>) -> SpiResult<Rows<'t>> {
        // SAFETY: SPI_tuptable is the last query's result, checked against `t` below; it lives
        // as long as `t` (freed when the SPI connection closes)
        let table = unsafe { pg_sys::SPI_tuptable };
        let mut rows = Rows { table, len: 0, values: Vec::new(), nulls: Vec::new(), _table: PhantomData };
        if t.is_empty() {
            return Ok(rows);
        }
        if table.is_null() {
            return Err(SpiError::NoTupleTable);
        }
        let (numvals, natts) = unsafe { ((*table).numvals as usize, (*(*table).tupdesc).natts as usize) };
        if numvals != t.len() || natts != t.columns()? {
            // not the result of `t`'s query
            return Err(SpiError::NoTupleTable);
        }
        rows.len = numvals;
        rows.values = vec![pg_sys::Datum::from(0usize); natts];
        rows.nulls = vec![true; natts];
        Ok(rows)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The position (0-based) of column `name`, which must be of type `ty`.
    pub fn col(&self, name: &str, ty: pg_sys::Oid) -> SpiResult<usize> {
        if self.is_empty() {
            return Ok(0);
        }
        // SAFETY: `table` is a valid SPI result (checked in `of`); its descriptor is not ours
        // to release
        let desc = unsafe { pgrx::PgTupleDesc::from_pg_unchecked((*self.table).tupdesc) };
        for (i, att) in desc.iter().enumerate() {
            if att.name() == name {
                if att.atttypid != ty {
                    pgrx::warning!("rls_fixer: catalog column {name} has type {:?}, not {:?}", att.atttypid, ty);
                    return Err(SpiError::InvalidPosition);
                }
                return Ok(i);
            }
        }
        pgrx::warning!("rls_fixer: catalog query has no column {name}");
        Err(SpiError::InvalidPosition)
    }

    /// Makes row `i` (0-based, < `len`) the current one.
    pub fn at(&mut self, i: usize) {
        assert!(i < self.len, "row {i} of {}", self.len);
        // SAFETY: `i` is in range; values/nulls have room for every attribute
        unsafe {
            let tuple = *(*self.table).vals.add(i);
            pg_sys::heap_deform_tuple(tuple, (*self.table).tupdesc, self.values.as_mut_ptr(), self.nulls.as_mut_ptr());
        }
    }

    fn datum(&self, c: usize) -> Option<pg_sys::Datum> {
        (!self.nulls[c]).then(|| self.values[c])
    }

    /// A text column's value, borrowed (decompressed into SPI's memory when compressed).
    pub fn text(&self, c: usize) -> Option<&'t str> {
        // SAFETY: the column is text (checked by `col`) and not null
        self.datum(c).and_then(|d| unsafe { <&'t str>::from_polymorphic_datum(d, false, pg_sys::TEXTOID) })
    }

    pub fn string(&self, c: usize) -> Option<String> {
        self.text(c).map(str::to_string)
    }

    /// A varlena column's stored bytes (compressed or a TOAST pointer as stored): equal bytes
    /// are equal values.
    pub fn raw(&self, c: usize) -> Option<&'t [u8]> {
        // SAFETY: the column is a varlena type (text) and not null; its bytes live in the result
        self.datum(c).map(|d| unsafe {
            let p = d.cast_mut_ptr::<pg_sys::varlena>();
            std::slice::from_raw_parts(p as *const u8, pgrx::varlena::varsize_any(p))
        })
    }

    pub fn int8(&self, c: usize) -> Option<i64> {
        self.datum(c).and_then(|d| unsafe { i64::from_polymorphic_datum(d, false, pg_sys::INT8OID) })
    }

    pub fn int2(&self, c: usize) -> Option<i16> {
        self.datum(c).and_then(|d| unsafe { i16::from_polymorphic_datum(d, false, pg_sys::INT2OID) })
    }

    pub fn bool(&self, c: usize) -> Option<bool> {
        self.datum(c).and_then(|d| unsafe { bool::from_polymorphic_datum(d, false, pg_sys::BOOLOID) })
    }

    pub fn int8_array(&self, c: usize) -> Option<Vec<i64>> {
        self.datum(c).and_then(|d| unsafe {
            Vec::<Option<i64>>::from_polymorphic_datum(d, false, pg_sys::INT8ARRAYOID)
                .map(|v| v.into_iter().flatten().collect())
        })
    }

    pub fn int2_array(&self, c: usize) -> Option<Vec<i16>> {
        self.datum(c).and_then(|d| unsafe {
            Vec::<Option<i16>>::from_polymorphic_datum(d, false, pg_sys::INT2ARRAYOID)
                .map(|v| v.into_iter().flatten().collect())
        })
    }
}
