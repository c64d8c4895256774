//! Writing files: the site, into a staging folder beside `output_dir` swapped in only when
//! complete (one build at a time, never into a folder briefbook did not write, never into the
//! book's inputs), and the files `new`, `init` and `import` add to the book (`book_file`).
//!
//! In pipeline order: `place` resolves the output and refuses outputs over the book's inputs;
//! `guard` refuses what must not be written over; `lock` keeps builds apart; `staging` writes
//! the site (a file that changes in a reused site is written anew, `anew`); `swap` publishes it
//! and cleans what interrupted builds left; `fingerprint` lets unchanged files go unread.

pub mod book_file;
pub mod counted;
pub mod fingerprint;

mod anew;
mod guard;
mod lock;
mod place;
mod staging;
mod swap;

use std::cell::Cell;
use std::io;
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};

pub use place::{check_output_dir, INPUTS};
pub use staging::Staging;

thread_local! {
    static TAKE_OVER: Cell<bool> = const { Cell::new(false) };
}

/// Runs `build` allowed (or not) to take over an output folder that briefbook did not write
/// (`build --force`). A setting of the calling thread, not an argument: the build creates its
/// `Staging` on this thread inside `pipeline::write`, whose signature this leaves alone.
pub fn with_take_over<T>(allowed: bool, build: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            TAKE_OVER.with(|t| t.set(self.0));
        }
    }
    let _restore = Restore(TAKE_OVER.with(|t| t.replace(allowed)));
    build()
}

fn take_over_allowed() -> bool {
    TAKE_OVER.with(Cell::get)
}

pub(crate) fn io_error(what: &str, path: &Path, err: io::Error) -> Diagnostic {
    Diagnostic::error(Code::Io, format!("cannot {what} {}: {err}", path.display()))
}
