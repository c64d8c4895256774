//! The default theme, built into the binary; a book's theme and `templates/` override it by file.

macro_rules! embed {
    ($dir:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/", $dir, "/", $name)))),*]
    };
}

/// Templates of the default theme, by name.
pub const TEMPLATES: &[(&str, &str)] = embed!("templates":
    "base.html", "contents.html", "macros.html", "cover.html", "chapter.html", "brief.html", "404.html",
    "sources.html", "sources_rows.html", "claims.html", "claims_rows.html", "facts.html", "facts_rows.html",
    "tags.html", "tag.html", "print.html", "print_item.html", "search.html", "method.html", "changes.html",
);

/// Static files of the default theme, by path under the output root.
pub const STATIC: &[(&str, &str)] = embed!("static": "style.css", "search.js", "sidebar.js");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_index_page_has_its_template() {
        for page in crate::model::index_pages::IndexPage::ALL {
            let template = page.template();
            assert!(
                TEMPLATES.iter().any(|(name, _)| *name == template),
                "{template}"
            );
        }
    }

    #[test]
    fn every_theme_file_is_embedded() {
        for (dir, embedded) in [("templates", TEMPLATES), ("static", STATIC)] {
            let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("themes/default")
                .join(dir);
            let mut on_disk: Vec<String> = std::fs::read_dir(folder)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            on_disk.sort();
            let mut names: Vec<String> = embedded.iter().map(|(n, _)| n.to_string()).collect();
            names.sort();
            assert_eq!(names, on_disk, "themes/default/{dir}");
        }
    }
}
