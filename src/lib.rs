//! briefbook: a static-site generator for briefing books.
//!
//! The folders follow the build (see [`pipeline`]), and each uses only those listed before it
//! (`tests/layout.rs` holds the rule): the model, reading it from files, Markdown, analysis,
//! rendering, the data files, writing the output; then the whole build, and what is made of
//! it: editions in git, the importer, the development server, the language server, the command
//! line.

// Diagnostics are rich values (file, position, source line, help) and errors are rare:
// boxing them everywhere would cost clarity for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod diagnostic;
pub mod text;

pub mod model;
pub mod read;
pub mod markdown;
pub mod analyse;
pub mod render;
pub mod data;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod output;
pub mod pipeline;
pub mod links;
pub mod git;
pub mod import;
pub mod serve;
pub mod lsp;
pub mod cli;
