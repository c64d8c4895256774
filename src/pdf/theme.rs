//! The PDF edition's theme: the default files built into the binary, and a book's own files
//! (`themes/<name>/pdf/`, then `templates/pdf/`) replacing them by name.

use std::sync::Arc;

use crate::diagnostic::SourceFile;

/// The default theme's PDF files, by name.
pub const FILES: &[(&str, &str)] = &[
    (
        "book.typ",
        include_str!("../../themes/default/pdf/book.typ"),
    ),
    (
        "parts.typ",
        include_str!("../../themes/default/pdf/parts.typ"),
    ),
];

/// One file of the theme: its name, text, and where it came from, for messages.
#[derive(Clone, Debug)]
pub struct ThemeFile {
    pub name: String,
    pub file: Arc<SourceFile>,
}

/// The theme's files: the default ones with `overrides` (in order, later ones win) put in
/// their place, and any further files of the book's theme beside them.
pub fn files(overrides: &[(String, Arc<SourceFile>)]) -> Vec<ThemeFile> {
    let mut files: Vec<ThemeFile> = FILES
        .iter()
        .map(|(name, text)| ThemeFile {
            name: name.to_string(),
            file: SourceFile::new(format!("(built-in theme) pdf/{name}"), *text),
        })
        .collect();
    for (name, file) in overrides {
        files.retain(|f| &f.name != name);
        files.push(ThemeFile {
            name: name.clone(),
            file: file.clone(),
        });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_book_file_replaces_the_default_of_its_name() {
        let mine = SourceFile::new("templates/pdf/parts.typ", "// mine");
        let files = files(&[("parts.typ".to_string(), mine)]);
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["book.typ", "parts.typ"]);
        assert_eq!(files[1].file.text, "// mine");
        assert!(files[0].file.text.contains("#let book("));
    }

    #[test]
    fn every_default_file_is_embedded() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/pdf");
        let mut on_disk: Vec<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let names: Vec<&str> = FILES.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, on_disk);
    }
}
