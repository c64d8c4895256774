//! briefbook: a static-site generator for briefing books.
//!
//! The build is one pipeline (see [`build`]): load → front matter → model → book →
//! markdown → resolve → check → render → output.

// Diagnostics are rich values (file, position, source line, help) and errors are rare:
// boxing them everywhere would cost clarity for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod book;
pub mod build;
pub mod check;
pub mod config;
pub mod conflicts;
pub mod date;
pub mod decode;
pub mod diagnostic;
pub mod diff;
pub mod export;
pub mod feeds;
pub mod fingerprint;
pub mod frontmatter;
pub mod highlight;
pub mod history;
pub mod indexes;
pub mod load;
pub mod markdown;
pub mod memory;
pub mod model;
pub mod output;
pub mod page;
pub mod print;
pub mod recompile;
pub mod relocate;
pub mod render;
pub mod resolve;
pub mod rigor;
pub mod sanitize;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod sources_io;
pub mod splice;
pub mod text;
pub mod theme;
pub mod views;
