//! briefbook: a static-site generator for briefing books.

pub mod date;
pub mod diagnostic;
pub mod frontmatter;
pub mod text;
