//! From files to the book model: loading, `site.toml`, front matter, the typed decoder, page
//! parsing, the git history, and assembling the book. The only stage that reads input.

pub mod book;
pub mod config;
pub mod decode;
pub mod frontmatter;
pub mod history;
pub mod load;
pub mod page;
pub mod parts;
pub mod published;
pub mod walk;
