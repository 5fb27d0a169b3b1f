//! Where an audit's time goes: each phase (catalog queries, analysis, each check) is timed and
//! the total reported at DEBUG1 (`SET client_min_messages = debug1` before `rls_audit()` shows
//! it). Reading the clock costs tens of nanoseconds a phase; nothing is formatted unless the
//! message would be shown or logged.

use std::cell::RefCell;
use std::time::{Duration, Instant};

thread_local! {
    static PHASES: RefCell<Vec<(&'static str, Duration)>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f`, recording how long it took under `name` (repeated names add up).
pub fn phase<T>(name: &'static str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    let d = t.elapsed();
    PHASES.with(|p| {
        let mut p = p.borrow_mut();
        match p.iter_mut().find(|(n, _)| *n == name) {
            Some((_, acc)) => *acc += d,
            None => p.push((name, d)),
        }
    });
    out
}

/// Forgets what was recorded (a new audit starts).
pub fn reset() {
    PHASES.with(|p| p.borrow_mut().clear());
}

/// The recorded phases as one line, the slowest first: `total 512.3 ms: relations 180.1, ...`.
pub fn summary(total: Duration) -> String {
    PHASES.with(|p| {
        let mut v = p.borrow().clone();
        v.sort_by_key(|p| std::cmp::Reverse(p.1));
        let parts: Vec<String> = v.iter().map(|(n, d)| format!("{n} {:.1}", d.as_secs_f64() * 1000.0)).collect();
        format!("total {:.1} ms: {}", total.as_secs_f64() * 1000.0, parts.join(", "))
    })
}

/// Reports the phases at DEBUG1 under `what`, then forgets them.
pub fn report(what: &str, total: Duration) {
    // formatting is skipped when no one would see the message
    if unsafe { pgrx::pg_sys::message_level_is_interesting(pgrx::pg_sys::DEBUG1 as i32) } {
        pgrx::debug1!("rls_fixer: {what}: {}", summary(total));
    }
    reset();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_add_up_by_name_and_list_the_slowest_first() {
        reset();
        phase("fast", || ());
        phase("slow", || std::thread::sleep(Duration::from_millis(20)));
        phase("fast", || ());
        let s = summary(Duration::from_millis(25));
        assert!(s.starts_with("total 25.0 ms: slow "), "{s}");
        assert_eq!(s.matches("fast").count(), 1, "{s}");
        reset();
        assert_eq!(summary(Duration::ZERO), "total 0.0 ms: ");
    }
}
