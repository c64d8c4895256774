//! Watching the book: which changed paths call for a rebuild.

use std::path::Path;

/// Whether a change at `path` (inside the book at `root`) should rebuild the site: files under
/// content/, static/, templates/ and themes/, and site.toml; never the output folder, hidden
/// files, or the swap and backup files editors write while saving.
pub fn matters(root: &Path, output_dir: &Path, path: &Path) -> bool {
    if path.starts_with(output_dir) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut components = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let Some(first) = components.next() else {
        return false;
    };
    let watched = matches!(
        first.as_ref(),
        "content" | "static" | "templates" | "themes"
    ) || (first == "site.toml" && rel.components().count() == 1);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let hidden = rel
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    watched && !hidden && !is_editor_temp(&name)
}

/// Swap, backup and lock files of common editors (Vim, Emacs, JetBrains, gedit), and the file
/// Vim writes to test that a folder is writable.
fn is_editor_temp(name: &str) -> bool {
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_book_files_trigger_rebuilds() {
        let root = Path::new("/book");
        let out = Path::new("/book/public");
        for yes in [
            "content/a/b.md",
            "content/sources.toml",
            "site.toml",
            "static/x.css",
            "templates/brief.html",
            "themes/t/static/s.css",
        ] {
            assert!(matters(root, out, &root.join(yes)), "{yes}");
        }
        for no in [
            "public/index.html",
            "content/a/.b.md.swp",
            "content/a/b.md~",
            "content/a/#b.md#",
            "content/4913",
            "README.md",
            "content/.git/x",
            "target/x",
            "site.toml.bak/x",
        ] {
            assert!(!matters(root, out, &root.join(no)), "{no}");
        }
        assert!(!matters(root, out, Path::new("/elsewhere/content/a.md")));
    }
}
