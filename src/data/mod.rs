//! The site's machine-readable files: book.json, facts.csv, the feed, the sitemap, the search
//! index and CSL-JSON. Each is made from the book as an output file; nothing is written here.

pub mod csl;
pub mod export;
pub mod feeds;
pub mod search;
