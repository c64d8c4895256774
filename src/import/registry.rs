//! The sources the book already has, where each is written, and rewriting the tables of the
//! sources file that `--update` changes, leaving the rest of the file as it was.

use std::collections::HashMap;
use std::path::Path;

use super::Imported;
use crate::diagnostic::{Diagnostics, SourceFile};
use crate::model::Source;

/// A source of the book, with the file (relative to the book) and offset it is written at.
pub struct Existing {
    pub path: String,
    pub offset: usize,
    pub source: Imported,
    /// Another file that defines the same id (the same fields, or `check` would have said).
    pub also: Option<String>,
}

/// Every source of the book by id: the registry's and the briefs'. When the book cannot be
/// loaded (no `site.toml`), the target file's alone.
pub fn existing(root: &Path, target: &Path) -> HashMap<String, Existing> {
    let mut all = HashMap::new();
    let mut add = |s: &Source| {
        let path = &s.origin.file.path;
        let existing = all.entry(s.id.clone()).or_insert_with(|| Existing {
            path: path.clone(),
            offset: s.origin.offset,
            source: from_model(s),
            also: None,
        });
        if existing.path != *path {
            existing.also.get_or_insert_with(|| path.clone());
        }
    };
    let loaded = crate::read::load::read_config(root)
        .ok()
        .and_then(|config| {
            let (settings, _) = crate::read::config::parse(&config);
            let theme = settings.map(|c| c.theme).unwrap_or_default();
            crate::read::load::load(root, config, &theme).ok()
        });
    if let Some(files) = loaded {
        let mut ignored = Diagnostics::default();
        let (parts, _) = crate::read::parts::parse(&files, &Default::default(), &mut ignored);
        parts.registry_sources.iter().for_each(&mut add);
        parts
            .briefs
            .iter()
            .flat_map(|b| &b.sources)
            .for_each(&mut add);
    }
    if let Ok(text) = std::fs::read_to_string(target) {
        let shown = target
            .strip_prefix(root)
            .unwrap_or(target)
            .to_string_lossy()
            .replace('\\', "/");
        let file = SourceFile::new(shown, text);
        let parsed = crate::read::page::parse_sources_file(file);
        parsed.value.unwrap_or_default().iter().for_each(&mut add);
    }
    all
}

/// A source of the book as the importer writes it.
pub fn from_model(s: &Source) -> Imported {
    Imported {
        id: s.id.clone(),
        title: s.title.clone(),
        date: s.date.to_string(),
        kind: (s.kind != "other").then(|| s.kind.clone()),
        authors: s.authors.clone(),
        publisher: s.publisher.clone(),
        container: s.container.clone(),
        volume: s.volume.clone(),
        issue: s.issue.clone(),
        pages: s.pages.clone(),
        doi: s.doi.clone(),
        url: s.url.clone(),
        accessed: s.accessed.map(|a| a.to_string()),
        archived_url: s.archived_url.clone(),
        label: s.label.clone(),
        reliability: s.reliability.clone(),
        status: (s.status != "active").then(|| s.status.clone()),
        superseded_by: s.superseded_by.as_ref().map(|l| l.value.clone()),
        note: s.note.clone(),
    }
}

/// `old` updated from `new`: every field the file gives replaces the book's, a field the file
/// lacks is kept (the book's own `reliability`, `label`, a note written by hand). Returns the
/// names of the fields that changed.
pub fn merge(old: &Imported, new: &Imported) -> (Imported, Vec<&'static str>) {
    let mut merged = old.clone();
    let mut changed = Vec::new();
    let mut take = |name: &'static str, to: &mut Option<String>, from: &Option<String>| {
        if from.is_some() && to != from {
            *to = from.clone();
            changed.push(name);
        }
    };
    take("kind", &mut merged.kind, &new.kind);
    take("publisher", &mut merged.publisher, &new.publisher);
    take("container", &mut merged.container, &new.container);
    take("volume", &mut merged.volume, &new.volume);
    take("issue", &mut merged.issue, &new.issue);
    take("pages", &mut merged.pages, &new.pages);
    take("doi", &mut merged.doi, &new.doi);
    take("url", &mut merged.url, &new.url);
    take("accessed", &mut merged.accessed, &new.accessed);
    take("archived_url", &mut merged.archived_url, &new.archived_url);
    take("label", &mut merged.label, &new.label);
    take("reliability", &mut merged.reliability, &new.reliability);
    take("status", &mut merged.status, &new.status);
    take(
        "superseded_by",
        &mut merged.superseded_by,
        &new.superseded_by,
    );
    take("note", &mut merged.note, &new.note);
    let mut front = vec![];
    if merged.title != new.title {
        merged.title = new.title.clone();
        front.push("title");
    }
    if merged.date != new.date {
        merged.date = new.date.clone();
        front.push("date");
    }
    if !new.authors.is_empty() && merged.authors != new.authors {
        merged.authors = new.authors.clone();
        front.push("authors");
    }
    front.extend(changed);
    (merged, front)
}

/// `text` with the `[[source]]` tables at `offsets` replaced by new ones: each table runs from
/// its header to the next header, less the blank and comment lines before that one.
pub fn replace_tables(text: &str, mut replacements: Vec<(usize, String)>) -> String {
    replacements.sort_by_key(|(offset, _)| std::cmp::Reverse(*offset));
    let mut out = text.to_string();
    for (offset, table) in replacements {
        let (start, end) = table_span(&out, offset);
        out.replace_range(start..end, table.trim_end());
    }
    out
}

/// The span of the table whose contents include `offset`.
fn table_span(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |at, line| {
            let start = *at;
            *at += line.len();
            Some((start, line))
        })
        .collect();
    let is_header = |line: &str| line.trim_start().starts_with('[');
    let here = lines.iter().rposition(|(s, _)| *s <= offset).unwrap_or(0);
    let start_line = lines[..=here.min(lines.len().saturating_sub(1))]
        .iter()
        .rposition(|(_, l)| is_header(l))
        .unwrap_or(0);
    let next_header = lines
        .iter()
        .skip(start_line + 1)
        .position(|(_, l)| is_header(l))
        .map_or(lines.len(), |p| start_line + 1 + p);
    let mut last = next_header;
    while last > start_line + 1 {
        let line = lines[last - 1].1.trim();
        if line.is_empty() || line.starts_with('#') {
            last -= 1;
        } else {
            break;
        }
    }
    let start = lines.get(start_line).map_or(0, |(s, _)| *s);
    let end = lines.get(last - 1).map_or(text.len(), |(s, l)| {
        s + l.trim_end_matches(['\n', '\r']).len()
    });
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_table_is_replaced_and_comments_around_it_stay() {
        let text = "# mine\n[[source]]\nid = \"a\"\ntitle = \"A\"\n\n# next one\n[[source]]\nid = \"b\"\ntitle = \"B\"\n";
        let offset = text.find("id = \"b\"").unwrap();
        let out = replace_tables(
            text,
            vec![(offset, "[[source]]\nid = \"b\"\ntitle = \"B2\"\n".into())],
        );
        assert_eq!(out, "# mine\n[[source]]\nid = \"a\"\ntitle = \"A\"\n\n# next one\n[[source]]\nid = \"b\"\ntitle = \"B2\"\n");
        let offset = text.find("id = \"a\"").unwrap();
        let out = replace_tables(
            text,
            vec![(offset, "[[source]]\nid = \"a\"\ntitle = \"A2\"".into())],
        );
        assert!(
            out.starts_with("# mine\n[[source]]\nid = \"a\"\ntitle = \"A2\"\n\n# next one\n"),
            "{out}"
        );
    }

    #[test]
    fn merge_lists_what_changed_and_keeps_the_book_s_own_fields() {
        let old = Imported {
            id: "a".into(),
            title: "Old".into(),
            date: "2020".into(),
            reliability: Some("B".into()),
            ..Default::default()
        };
        let new = Imported {
            id: "a".into(),
            title: "New".into(),
            date: "2020".into(),
            pages: Some("3".into()),
            ..Default::default()
        };
        let (merged, changed) = merge(&old, &new);
        assert_eq!(changed, ["title", "pages"]);
        assert_eq!(merged.reliability.as_deref(), Some("B"));
        assert_eq!(merge(&merged, &new).1, Vec::<&str>::new());
    }
}
