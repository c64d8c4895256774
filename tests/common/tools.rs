//! The one rule for tests that need something from outside the repository (a browser, Java, git,
//! the spec files): in CI a missing tool is a failure, since CI installs everything and a skip
//! there would be a test that cannot fail; elsewhere the test says plainly that it was skipped.

use std::ffi::OsStr;
use std::process::Command;

/// Whether `CI` is set to anything but empty, `0` or `false` (CI services set `CI=true`, and so
/// does `.ci/run`).
pub fn in_ci() -> bool {
    ci_from(std::env::var_os("CI").as_deref())
}

/// The reading of one value of `CI`.
pub fn ci_from(value: Option<&OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// Whether a test may go on: true when `found`. Otherwise it fails in CI, and elsewhere prints
/// `SKIPPED: <what>` and returns false, so the test returns early.
pub fn available(what: &str, found: bool) -> bool {
    if !found {
        skip_or_fail(what);
    }
    found
}

/// A tool the test runs: available when `tool args` runs and succeeds.
pub fn command_available(tool: &str, args: &[&str]) -> bool {
    let runs = Command::new(tool)
        .args(args)
        .output()
        .is_ok_and(|out| out.status.success());
    available(&format!("{tool} not installed"), runs)
}

/// Panics in CI, naming what is missing; elsewhere says the test was skipped.
pub fn skip_or_fail(what: &str) {
    assert!(
        !in_ci(),
        "{what}: CI must provide it (.ci/run installs the tools); a test may not skip in CI"
    );
    eprintln!("SKIPPED: {what}");
}
