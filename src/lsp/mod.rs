//! `briefbook lsp`: a language server over standard input and output. For the book that holds
//! an opened file it publishes `check`'s diagnostics as the user types (compiling with the
//! editor's unsaved texts, reusing the last compile), and answers completion, hover, go to
//! definition, find references, rename and quick fixes.
//!
//! The modules: `transport` (framing), `server` (the protocol loop), `workspace` (documents and
//! books), `compile` (the compile thread and publishing), `knowledge` (what requests read of a
//! book), `symbols` (what a file names, and where), `cursor` and `completion`, `hover`,
//! `navigation` (definition, references), `rename`, `actions` (diagnostics and quick fixes),
//! `position` and `uri`.

mod actions;
mod compile;
mod completion;
mod cursor;
mod hover;
mod knowledge;
mod navigation;
mod position;
mod rename;
mod server;
mod symbols;
mod transport;
mod uri;
mod workspace;

use std::process::ExitCode;

/// Serves one editor on standard input and output until it exits: 0 after `shutdown` then
/// `exit`, 1 when the session ended otherwise (as the protocol asks).
pub fn run() -> ExitCode {
    let (incoming, client, _writer) = transport::stdio();
    if server::serve(&incoming, client) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
