//! Sources written as `[[source]]` tables, and each checked by reading it back with the book's
//! own reader: what the importer writes is what `check` accepts, by construction.

use super::Imported;
use crate::diagnostic::SourceFile;

/// `[[source]]` tables for appending to a sources file, each after a blank line.
pub fn to_toml(sources: &[Imported]) -> String {
    #[derive(serde::Serialize)]
    struct Tables<'a> {
        source: &'a [Imported],
    }
    if sources.is_empty() {
        return String::new();
    }
    // Strings, lists of strings and tables of them always serialize.
    let text = toml::to_string(&Tables { source: sources }).unwrap_or_default();
    format!("\n{text}")
}

/// One `[[source]]` table, without the blank line before it.
pub fn table(source: &Imported) -> String {
    to_toml(std::slice::from_ref(source))
        .trim_start()
        .to_string()
}

/// Whether the book's reader takes the source as written; else its first complaint.
pub fn check(source: &Imported) -> Result<(), String> {
    let file = SourceFile::new("import.toml", to_toml(std::slice::from_ref(source)));
    let parsed = crate::read::page::parse_sources_file(file);
    match parsed.diagnostics.first() {
        None if parsed.value.is_some_and(|s| s.len() == 1) => Ok(()),
        None => Err("it cannot be read back".into()),
        Some(d) => Err(d.message.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_tables_read_back_as_written_whatever_the_text() {
        let awkward = "a \"b\" \\ c\n'd'\t\u{7}";
        let source = Imported {
            id: "x".into(),
            title: awkward.into(),
            date: "2025".into(),
            note: Some(awkward.into()),
            authors: vec![awkward.into()],
            ..Imported::default()
        };
        let text = to_toml(std::slice::from_ref(&source));
        assert!(text.starts_with("\n[[source]]\nid = \"x\"\n"), "{text}");
        let read: toml::Table = toml::from_str(&text).unwrap();
        let table = &read["source"][0];
        assert_eq!(table["title"].as_str(), Some(awkward));
        assert_eq!(table["note"].as_str(), Some(awkward));
        assert_eq!(table["authors"][0].as_str(), Some(awkward));
        assert_eq!(check(&source), Ok(()));
    }

    #[test]
    fn what_the_book_refuses_is_caught() {
        let bad = Imported {
            id: "X Y".into(),
            title: "T".into(),
            date: "2025-02-30".into(),
            ..Imported::default()
        };
        assert!(check(&bad).is_err());
        let empty_title = Imported {
            id: "x".into(),
            date: "2025".into(),
            ..Imported::default()
        };
        assert!(check(&empty_title).is_err());
    }
}
