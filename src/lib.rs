//! briefbook: a static-site generator for briefing books.

pub mod book;
pub mod config;
pub mod date;
pub mod decode;
pub mod diagnostic;
pub mod frontmatter;
pub mod highlight;
pub mod load;
pub mod markdown;
pub mod model;
pub mod page;
pub mod text;
