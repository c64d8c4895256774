//! The rule for missing tools (`common::tools`): in CI a test that needs a missing tool fails;
//! elsewhere it passes and says SKIPPED. Checked by running a probe test of this very binary
//! with and without `CI`.

mod common;

use std::ffi::OsStr;
use std::process::Command;

use common::tools;

/// Needs a tool no machine has. Ignored, so it runs only when `probe` asks for it.
#[test]
#[ignore = "run by the tests below, with and without CI"]
fn probe_needs_a_missing_tool() {
    if !tools::command_available("briefbook-no-such-tool", &[]) {
        return;
    }
    panic!("the missing tool was found");
}

/// Runs the probe with `CI` set to `ci` (or unset); whether it passed, and what it printed.
fn probe(ci: Option<&str>) -> (bool, String) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args([
        "--ignored",
        "--exact",
        "probe_needs_a_missing_tool",
        "--nocapture",
    ]);
    match ci {
        Some(value) => command.env("CI", value),
        None => command.env_remove("CI"),
    };
    let out = command.output().expect("run the probe");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("1 passed") || text.contains("1 failed"),
        "the probe did not run:\n{text}"
    );
    (out.status.success(), text)
}

#[test]
fn a_missing_tool_fails_in_ci() {
    for ci in ["true", "1", "yes"] {
        let (passed, text) = probe(Some(ci));
        assert!(!passed, "CI={ci}: the probe passed:\n{text}");
        assert!(
            text.contains("briefbook-no-such-tool not installed: CI must provide it"),
            "CI={ci}:\n{text}"
        );
    }
}

#[test]
fn a_missing_tool_is_a_plain_skip_elsewhere() {
    for ci in [None, Some(""), Some("false"), Some("0")] {
        let (passed, text) = probe(ci);
        assert!(passed, "CI={ci:?}: the probe failed:\n{text}");
        assert!(
            text.contains("SKIPPED: briefbook-no-such-tool not installed"),
            "CI={ci:?}:\n{text}"
        );
    }
}

#[test]
fn ci_is_any_value_but_empty_zero_or_false() {
    assert!(tools::ci_from(Some(OsStr::new("true"))));
    assert!(tools::ci_from(Some(OsStr::new("TRUE"))));
    assert!(!tools::ci_from(Some(OsStr::new("FALSE"))));
    assert!(!tools::ci_from(None));
}
