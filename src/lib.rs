//! briefbook: a static-site generator for briefing books.
//!
//! The build is one pipeline (see [`build`]): load → front matter → model → book →
//! markdown → resolve → check → render → output.

pub mod book;
pub mod build;
pub mod check;
pub mod config;
pub mod date;
pub mod decode;
pub mod diagnostic;
pub mod frontmatter;
pub mod highlight;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod page;
pub mod render;
pub mod resolve;
pub mod text;
pub mod theme;
pub mod views;
