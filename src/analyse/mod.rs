//! What the book says about itself: links and citations resolved, fact conflicts, editorial
//! warnings and the rigor checks, and what changed between two editions. No I/O.

pub mod changes;
pub mod conflicts;
pub mod labels;
pub mod local_links;
pub mod resolve;
pub mod rigor;
pub mod sections;
pub mod warnings;
