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

use std::io;
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};

pub use place::{check_output_dir, INPUTS};
pub use staging::Staging;

pub(crate) fn io_error(what: &str, path: &Path, err: io::Error) -> Diagnostic {
    Diagnostic::error(Code::Io, format!("cannot {what} {}: {err}", path.display()))
}
