//! Front matter: split it from the body, then parse TOML or YAML into one spanned node tree.

mod node;
mod split;
mod toml_tree;
mod yaml_tree;

pub use node::{Key, Node, Value};
pub use split::{split, Format, Split, SplitError};

/// Parses front matter text into a node tree whose spans are offsets into the whole file.
///
/// `offset` is where the front matter text starts in its file.
pub fn parse(format: Format, text: &str, offset: usize) -> Result<Node, (String, usize)> {
    match format {
        Format::Toml => toml_tree::parse(text, offset),
        Format::Yaml => yaml_tree::parse(text, offset),
    }
}
