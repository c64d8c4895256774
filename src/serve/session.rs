//! The editing loop's state, apart from threads and HTTP: the last site that built (the base of
//! the next rebuild) and whether a build failed since. After a failure the files on disk may
//! differ from the last good build in more than the next edit, so the next build reads them all
//! again: what the server shows is always the state of the files on disk.

use std::path::PathBuf;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::pipeline::Options;
use crate::serve::memory::{self, MemorySite};

#[derive(Default)]
pub struct Session {
    /// The last site that built.
    pub last: Option<MemorySite>,
    /// Whether the latest build failed.
    failed: bool,
}

impl Session {
    /// Builds after a change to `edited` (`None`: not known) from the last site that built.
    pub fn rebuild(
        &mut self,
        options: &Options,
        edited: Option<&[PathBuf]>,
    ) -> Result<&MemorySite, Diagnostics> {
        let edited = edited.filter(|_| !self.failed);
        let result = guarded(|| memory::rebuild(options, self.last.as_ref(), edited));
        self.settle(result)
    }

    /// Takes a build's result: a site that built is the next base, and a failure is remembered.
    pub fn settle(
        &mut self,
        result: Result<MemorySite, Diagnostics>,
    ) -> Result<&MemorySite, Diagnostics> {
        self.failed = result.is_err();
        let site = result?;
        Ok(self.last.insert(site))
    }

    /// Whether the latest build failed (the server shows its errors over the last good site).
    pub fn failed(&self) -> bool {
        self.failed
    }
}

/// Runs a build, turning a panic (a bug) into an error shown like any other, so that the server
/// keeps watching and serving the last good site.
pub fn guarded(
    build: impl FnOnce() -> Result<MemorySite, Diagnostics>,
) -> Result<MemorySite, Diagnostics> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(build)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into());
        let error = Diagnostic::error(Code::Internal, format!("the build panicked: {what}"))
            .with_help("this is a bug in briefbook: please report it with the book that causes it");
        Err(Diagnostics::from_iter([error]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_build_becomes_an_error_to_show() {
        let result = guarded(|| panic!("boom"));
        let problems: Vec<Diagnostic> = result.err().expect("an error").into_iter().collect();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].code, Code::Internal);
        assert!(
            problems[0].message.contains("boom"),
            "{}",
            problems[0].message
        );
    }
}
