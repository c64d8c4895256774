//! The importer: BibTeX/BibLaTeX and CSL-JSON (what Zotero and other reference managers
//! export) turned into `[[source]]` tables appended to the book's registry.

use biblatex::{Bibliography, ChunksExt};
use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic};

/// A source read from a reference manager's file, ready to be written as a `[[source]]` table
/// (its fields in the order they are written).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Imported {
    pub id: String,
    pub title: String,
    pub date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accessed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reliability: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
}

/// Reads BibTeX or BibLaTeX; each entry needs a title and a date (or year).
pub fn from_bibtex(text: &str) -> Result<Vec<Imported>, Vec<Diagnostic>> {
    let bibliography = Bibliography::parse(text).map_err(|e| {
        vec![Diagnostic::error(
            Code::Syntax,
            format!("invalid BibTeX: {e}"),
        )]
    })?;
    let mut problems = Vec::new();
    let mut sources = Vec::new();
    for entry in bibliography.iter() {
        let field = |name: &str| {
            entry
                .get(name)
                .map(|chunks| chunks.format_verbatim())
                .filter(|s| !s.trim().is_empty())
        };
        let date = field("date").or_else(|| {
            let year = field("year")?;
            Some(match field("month").and_then(|m| month_number(&m)) {
                Some(month) => format!("{year}-{month:02}"),
                None => year,
            })
        });
        let (Some(title), Some(date)) = (field("title"), date) else {
            problems.push(Diagnostic::error(
                Code::Import,
                format!(
                    "the entry `{}` needs a title and a date (or year)",
                    entry.key
                ),
            ));
            continue;
        };
        let authors = entry
            .author()
            .map(|people| {
                people
                    .iter()
                    .map(|p| format!("{} {}", p.given_name, p.name).trim().to_string())
                    .collect()
            })
            .unwrap_or_default();
        let kind = match entry.entry_type.to_string().to_ascii_lowercase().as_str() {
            "article" => "news",
            "report" | "techreport" => "report",
            "dataset" => "dataset",
            _ => "other",
        };
        sources.push(Imported {
            id: clean_id(&entry.key),
            title,
            date,
            publisher: field("publisher")
                .or_else(|| field("organization"))
                .or_else(|| field("institution"))
                .or_else(|| field("journaltitle"))
                .or_else(|| field("journal")),
            authors,
            url: field("url"),
            accessed: field("urldate"),
            kind: Some(kind.to_string()),
            note: field("note"),
            ..Imported::default()
        });
    }
    if problems.is_empty() {
        Ok(sources)
    } else {
        Err(problems)
    }
}

fn month_number(month: &str) -> Option<u8> {
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    month.trim().parse::<u8>().ok().or_else(|| {
        NAMES
            .iter()
            .position(|n| month.to_ascii_lowercase().starts_with(n))
            .map(|i| i as u8 + 1)
    })
}

/// A key as a briefbook id: lowercase, and only the characters ids allow.
fn clean_id(key: &str) -> String {
    let id: String = key
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let id = id
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_string();
    if id.is_empty() {
        "source".to_string()
    } else {
        id
    }
}

/// Reads a CSL-JSON array of items.
pub fn from_csl_json(text: &str) -> Result<Vec<Imported>, Vec<Diagnostic>> {
    let items: Vec<Value> = serde_json::from_str(text).map_err(|e| {
        vec![Diagnostic::error(
            Code::Syntax,
            format!("invalid CSL-JSON: {e}"),
        )]
    })?;
    let mut problems = Vec::new();
    let mut sources = Vec::new();
    for (n, item) in items.iter().enumerate() {
        let text = |key: &str| {
            item.get(key)
                .and_then(Value::as_str)
                .map(str::to_string)
                .filter(|s| !s.trim().is_empty())
        };
        let id = match &item["id"] {
            Value::String(s) => clean_id(s),
            Value::Number(n) => format!("item-{n}"),
            _ => format!("item-{}", n + 1),
        };
        let (Some(title), Some(date)) = (text("title"), csl_date(&item["issued"])) else {
            problems.push(Diagnostic::error(
                Code::Import,
                format!("item {} (`{id}`) needs a title and an issued date", n + 1),
            ));
            continue;
        };
        let custom = &item["custom"]["briefbook"];
        let own = |key: &str| custom.get(key).and_then(Value::as_str).map(str::to_string);
        let csl_type = text("type").unwrap_or_default();
        let kind = own("kind").or_else(|| {
            crate::data::csl::KINDS
                .iter()
                .find(|(_, t)| *t == csl_type)
                .map(|(k, _)| k.to_string())
        });
        let authors = item["author"]
            .as_array()
            .map(|names| {
                names
                    .iter()
                    .filter_map(|a| {
                        a["literal"].as_str().map(str::to_string).or_else(|| {
                            let given = a["given"].as_str().unwrap_or("");
                            let family = a["family"].as_str().unwrap_or("");
                            let name = format!("{given} {family}").trim().to_string();
                            (!name.is_empty()).then_some(name)
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        sources.push(Imported {
            id,
            title,
            date,
            publisher: text("publisher").or_else(|| text("container-title")),
            authors,
            url: text("URL"),
            accessed: csl_date(&item["accessed"]),
            archived_url: own("archived_url"),
            kind,
            reliability: own("reliability"),
            status: own("status"),
            superseded_by: own("superseded_by"),
            note: text("note"),
        });
    }
    if problems.is_empty() {
        Ok(sources)
    } else {
        Err(problems)
    }
}

/// `{"date-parts": [[2025, 8, 17]]}` (or a `raw` date) as `2025-08-17`, keeping its precision.
fn csl_date(value: &Value) -> Option<String> {
    if let Some(parts) = value["date-parts"].get(0).and_then(Value::as_array) {
        let numbers: Vec<i64> = parts
            .iter()
            .filter_map(|p| p.as_i64().or_else(|| p.as_str()?.parse().ok()))
            .collect();
        return match numbers.as_slice() {
            [y] => Some(format!("{y:04}")),
            [y, m] => Some(format!("{y:04}-{m:02}")),
            [y, m, d, ..] => Some(format!("{y:04}-{m:02}-{d:02}")),
            [] => None,
        };
    }
    value["raw"].as_str().map(str::to_string)
}

/// `[[source]]` tables for appending to a sources file, each after a blank line.
pub fn to_toml(sources: &[Imported]) -> String {
    #[derive(serde::Serialize)]
    struct Tables<'a> {
        source: &'a [Imported],
    }
    if sources.is_empty() {
        return String::new();
    }
    let text = toml::to_string(&Tables { source: sources }).expect("sources serialize as TOML");
    format!("\n{text}")
}

/// `briefbook import`: reads `file` (`.bib`, `.bibtex`, `.biblatex` or `.json`) and appends its
/// sources to `into` (relative to `root`), refusing every id the book already has. Returns the
/// ids imported; on any problem nothing is written.
pub fn import(
    root: &std::path::Path,
    file: &std::path::Path,
    into: &std::path::Path,
) -> Result<Vec<String>, Vec<Diagnostic>> {
    let shown = file.display().to_string();
    let text = std::fs::read_to_string(file).map_err(|e| {
        vec![Diagnostic::error(
            Code::Io,
            format!("cannot read {shown}: {e}"),
        )]
    })?;
    let extension = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let parsed = match extension.as_str() {
        "bib" | "bibtex" | "biblatex" => from_bibtex(&text),
        "json" => from_csl_json(&text),
        _ => Err(vec![Diagnostic::error(
            Code::Usage,
            format!("{shown}: import reads .bib (BibTeX, BibLaTeX) or .json (CSL-JSON)"),
        )]),
    };
    let sources = parsed.map_err(|ds| {
        ds.into_iter()
            .map(|d| d.in_file(shown.clone()))
            .collect::<Vec<_>>()
    })?;
    let target = root.join(into);
    let existing = existing_ids(root, &target);
    let mut seen = std::collections::HashSet::new();
    let clashes: Vec<Diagnostic> = sources
        .iter()
        .filter(|s| existing.contains(&s.id) || !seen.insert(s.id.clone()))
        .map(|s| {
            Diagnostic::error(
                Code::DuplicateId,
                format!("the source id `{}` is already used in the book", s.id),
            )
            .in_file(shown.clone())
            .with_help("change the entry's key, or remove the entry if it is the same source")
        })
        .collect();
    if !clashes.is_empty() {
        return Err(clashes);
    }
    let mut content = std::fs::read_to_string(&target).unwrap_or_default();
    content.push_str(&to_toml(&sources));
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            vec![Diagnostic::error(
                Code::Io,
                format!("cannot create {}: {e}", dir.display()),
            )]
        })?;
    }
    // Written whole and renamed into place: a full disk leaves the registry as it was.
    crate::output::book_file::replace(&target, content.as_bytes()).map_err(|e| {
        vec![Diagnostic::error(
            Code::Io,
            format!("cannot write {}: {e}; it is unchanged", target.display()),
        )]
    })?;
    Ok(sources.into_iter().map(|s| s.id).collect())
}

/// Ids the book already defines: its whole registry when it compiles, else the target file's.
fn existing_ids(
    root: &std::path::Path,
    target: &std::path::Path,
) -> std::collections::HashSet<String> {
    let options = crate::pipeline::Options {
        root: root.to_path_buf(),
        ..Default::default()
    };
    if let Ok(compiled) = crate::pipeline::compile(&options) {
        return compiled.book.sources.keys().cloned().collect();
    }
    let Ok(text) = std::fs::read_to_string(target) else {
        return Default::default();
    };
    let file = crate::diagnostic::SourceFile::new(target.display().to_string(), text);
    crate::read::page::parse_sources_file(file)
        .value
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bibtex_entries_become_sources() {
        let bib = "@article{Liu2025, author = {Liu, John and Tayir, Hassan}, title = {Beijing is not celebrating}, journal = {CNN}, date = {2025-08-17}, url = {https://example.com/cnn}, urldate = {2025-08-18}}\n@techreport{bernstein:h20, title = {China semis}, institution = {Bernstein}, year = {2025}, month = aug}\n";
        let sources = from_bibtex(bib).unwrap();
        assert_eq!(sources[0].id, "liu2025");
        assert_eq!(sources[0].authors, ["John Liu", "Hassan Tayir"]);
        assert_eq!(sources[0].publisher.as_deref(), Some("CNN"));
        assert_eq!(sources[0].date, "2025-08-17");
        assert_eq!(sources[0].kind.as_deref(), Some("news"));
        assert_eq!(sources[1].id, "bernstein:h20");
        assert_eq!(sources[1].date, "2025-08");
        assert_eq!(sources[1].kind.as_deref(), Some("report"));
        assert!(to_toml(&sources).contains("[[source]]\nid = \"liu2025\"\ntitle = \"Beijing is not celebrating\"\ndate = \"2025-08-17\"\n"));
    }

    #[test]
    fn entries_without_a_date_are_refused_by_name() {
        let errors = from_bibtex("@misc{nodate, title = {T}}").unwrap_err();
        assert_eq!(
            errors[0].message,
            "the entry `nodate` needs a title and a date (or year)"
        );
        let errors = from_csl_json(r#"[{"id": "x", "title": "T"}]"#).unwrap_err();
        assert_eq!(
            errors[0].message,
            "item 1 (`x`) needs a title and an issued date"
        );
    }

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
    }
}
