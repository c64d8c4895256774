//! CSL-JSON items (what Zotero, Mendeley and citation tools export) made into sources, item by
//! item: one item that cannot be read is skipped at its line and column, the others imported.

use serde_json::Value;

use super::clean::{note_with_editors, Notes};
use super::{dates, ids, kinds, latex, names, Candidate, Imported};
use crate::diagnostic::{Code, Diagnostic, SourceFile};
use crate::model::{RELIABILITY, SOURCE_KINDS, SOURCE_STATUSES};

/// Every item of the file as a candidate, and the warnings; an error when the file is no
/// CSL-JSON at all.
pub fn read(file: &SourceFile) -> Result<(Vec<Candidate>, Vec<Diagnostic>), Diagnostic> {
    let spans = item_spans(&file.text).map_err(|(at, message)| {
        Diagnostic::error(Code::Syntax, format!("invalid CSL-JSON: {message}")).at(file, at)
    })?;
    let mut candidates = Vec::new();
    let mut diagnostics = Vec::new();
    for (n, (start, end)) in spans.into_iter().enumerate() {
        let text = &file.text[start..end];
        let mut notes = Notes::new(file, &format!("item {}", n + 1));
        let item = match serde_json::from_str::<Value>(text) {
            Ok(item) if item.is_object() => item,
            Ok(_) => {
                diagnostics.push(notes.skipped(start, "is not a JSON object"));
                continue;
            }
            Err(e) => {
                diagnostics.push(notes.skipped(start, format!("is not valid JSON ({e})")));
                continue;
            }
        };
        let at = |key: &str| {
            text.find(&format!("\"{key}\""))
                .map_or(start, |i| start + i)
        };
        match build(&item, n, &at, &mut notes) {
            Ok(c) => candidates.push(c),
            Err(d) => diagnostics.push(d),
        }
        diagnostics.append(&mut notes.diagnostics);
    }
    Ok((candidates, diagnostics))
}

fn build(
    item: &Value,
    n: usize,
    at: &dyn Fn(&str) -> usize,
    notes: &mut Notes,
) -> Result<Candidate, Diagnostic> {
    let text = |key: &str| text_of(item.get(key)?);
    let (note, extra) = extra_lines(item.get("note").and_then(Value::as_str).unwrap_or(""));
    let from_extra = |name: &str| {
        extra
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let key = match (&item["citation-key"], &item["id"]) {
        (Value::String(k), _) if !k.trim().is_empty() => k.clone(),
        _ if from_extra("citation key").is_some() => from_extra("citation key").unwrap_or_default(),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Number(x)) => x.to_string(),
        _ => format!("item-{}", n + 1),
    };
    notes.key = key.clone();
    let Some(title) = text("title") else {
        return Err(notes.skipped(at("title"), "has no title"));
    };
    let authors = name_list(&item["author"]);
    let editors = name_list(&item["editor"]);
    let date = issued(item, at, notes)?;
    let custom = &item["custom"]["briefbook"];
    let own = |key: &str| {
        custom
            .get(key)
            .and_then(text_of)
            .or_else(|| from_extra(key))
    };
    let checked = |notes: &mut Notes, key: &str, allowed: &[&str]| {
        own(key).and_then(|v| notes.one_of(&v, at("custom"), key, allowed))
    };
    let kind = checked(notes, "kind", SOURCE_KINDS)
        .unwrap_or_else(|| kinds::from_csl(&text("type").unwrap_or_default()).to_string());
    let url = text("URL").and_then(|u| notes.url(&u, at("URL"), "URL"));
    let doi = match text("DOI") {
        Some(d) => notes.doi(&d, at("DOI")),
        None => url.as_deref().and_then(super::links::doi_in_url),
    };
    let source = Imported {
        title: title.clone(),
        date: date.to_string(),
        kind: Some(kind),
        authors,
        publisher: text("publisher"),
        container: text("container-title"),
        volume: text("volume"),
        issue: text("issue").or_else(|| text("number")),
        pages: text("page"),
        doi,
        url,
        accessed: item
            .get("accessed")
            .and_then(|a| accessed(a, at("accessed"), notes)),
        archived_url: own("archived_url").and_then(|u| notes.url(&u, at("custom"), "archived_url")),
        label: own("label"),
        reliability: checked(notes, "reliability", RELIABILITY),
        status: checked(notes, "status", SOURCE_STATUSES),
        superseded_by: own("superseded_by"),
        note: note_with_editors(note, &editors),
        ..Imported::default()
    };
    let family = super::bib_entry::first_family(&source.authors);
    let year = source.date[..4].to_string();
    // A number is no key to keep: Zotero numbers items, and `1.5e300` reads badly as an id.
    let numbered = item["id"].is_number() && item.get("citation-key").is_none();
    let from_key = if numbered && from_extra("citation key").is_none() {
        None
    } else {
        ids::from_key(&key)
    };
    Ok(Candidate {
        id: from_key.unwrap_or_else(|| ids::made(family.as_deref(), &year, &title)),
        key,
        offset: at("id"),
        source,
    })
}

fn issued(
    item: &Value,
    at: &dyn Fn(&str) -> usize,
    notes: &mut Notes,
) -> Result<String, Diagnostic> {
    let reason = match item.get("issued").map(dates::from_csl) {
        Some(Ok(d)) => {
            if let Some(change) = d.change {
                notes.changed(at("issued"), format!("issued: {change}"));
            }
            return Ok(d.date.to_string());
        }
        Some(Err(e)) => e,
        None => "no issued date".to_string(),
    };
    if let Some(Ok(d)) = item.get("accessed").map(dates::from_csl) {
        let date = d.date.to_string();
        notes.changed(
            at("accessed"),
            format!("{reason}; the date it was accessed, {date}, is used as its date"),
        );
        return Ok(date);
    }
    Err(notes.skipped(
        at("issued"),
        format!("has no date the book can hold: {reason}"),
    ))
}

fn accessed(value: &Value, at: usize, notes: &mut Notes) -> Option<String> {
    match dates::from_csl(value) {
        Ok(d) => {
            if let Some(change) = d.change {
                notes.changed(at, format!("accessed: {change}"));
            }
            Some(d.date.to_string())
        }
        Err(e) => {
            notes.changed(at, format!("accessed: {e}; dropped"));
            None
        }
    }
}

/// Zotero's Extra field arrives as the note: its `Citation Key: …`, `reliability: …` and
/// `status: …` lines are read as those values and taken out of the note.
fn extra_lines(note: &str) -> (Option<String>, Vec<(String, String)>) {
    const NAMES: &[&str] = &["citation key", "reliability", "status"];
    let mut kept = Vec::new();
    let mut values = Vec::new();
    for line in note.lines() {
        let pair = line
            .split_once(':')
            .map(|(n, v)| (n.trim().to_lowercase(), v.trim()));
        match pair {
            Some((name, value)) if NAMES.contains(&name.as_str()) && !value.is_empty() => {
                values.push((name, value.to_string()));
            }
            _ => kept.push(line),
        }
    }
    let note = latex::collapse_spaces(&without_tags(&kept.join("\n")));
    ((!note.is_empty()).then_some(note), values)
}

fn name_list(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|names| names.iter().filter_map(names::csl_name).collect())
        .unwrap_or_default()
}

/// A CSL text value: a string (its rich-text tags `<i>`, `<b>`, `<sup>`… taken out), a number,
/// or the first of a list.
fn text_of(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => without_tags(s),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => return items.first().and_then(text_of),
        _ => return None,
    };
    let text = latex::collapse_spaces(&text);
    (!text.is_empty()).then_some(text)
}

/// CSL's rich-text markup removed: `<i>`, `<b>`, `<sup>`, `<sub>`, `<span …>` and their ends.
fn without_tags(text: &str) -> String {
    const TAGS: &[&str] = &["i", "b", "sup", "sub", "sc", "span"];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name: String = after
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        match after.find('>') {
            Some(close) if TAGS.contains(&name.as_str()) => rest = &after[close + 1..],
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where each item of the top-level array starts and ends (a lone object is one item), found by
/// matching brackets outside strings, so that each item is read and reported on its own.
fn item_spans(text: &str) -> Result<Vec<(usize, usize)>, (usize, String)> {
    let bytes = text.as_bytes();
    let first = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0xef && *b != 0xbb && *b != 0xbf);
    match first.map(|i| (i, bytes[i])) {
        Some((i, b'{')) => return Ok(vec![(i, text.len())]),
        Some((_, b'[')) => {}
        Some((i, _)) => return Err((i, "expected a list of items (`[`)".into())),
        None => return Err((0, "the file is empty".into())),
    }
    let mut spans = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut start) = (0usize, false, false, None);
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                if depth == 1 && start.is_none() {
                    start = Some(i);
                }
                depth += 1;
            }
            b']' | b'}' if depth <= 1 => {
                // The end of the list, after a last bare value perhaps.
                spans.extend(start.take().map(|s| (s, i)));
                return Ok(spans);
            }
            b']' | b'}' => {
                depth -= 1;
                if depth == 1 {
                    spans.extend(start.take().map(|s| (s, i + 1)));
                }
            }
            _ if depth == 1 && !b.is_ascii_whitespace() && b != b',' && start.is_none() => {
                // A bare value in the list (a number, `null`): an item that is no object.
                start = Some(i);
            }
            b',' if depth == 1 => {
                if let Some(s) = start.take() {
                    spans.push((s, i));
                }
            }
            _ => {}
        }
    }
    Err((text.len(), "the list of items is not closed (`]`)".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_found_one_by_one() {
        let text = r#"[ {"id": "a", "title": "x]}"}, 7, {"id": "b"}, null]"#;
        let spans = item_spans(text).unwrap();
        let items: Vec<&str> = spans.iter().map(|(s, e)| &text[*s..*e]).collect();
        assert_eq!(
            items,
            [
                r#"{"id": "a", "title": "x]}"}"#,
                "7",
                r#"{"id": "b"}"#,
                "null"
            ]
        );
        assert!(item_spans("[{").is_err());
        assert!(item_spans("nope").is_err());
        assert_eq!(item_spans("[]").unwrap(), []);
    }

    #[test]
    fn zotero_extra_lines_in_the_note_are_read() {
        let (note, values) =
            extra_lines("Citation Key: liu2025\nreliability: B\nRead twice.\nstatus: retracted");
        assert_eq!(note.as_deref(), Some("Read twice."));
        assert_eq!(
            values,
            [
                ("citation key".to_string(), "liu2025".to_string()),
                ("reliability".into(), "B".into()),
                ("status".into(), "retracted".into())
            ]
        );
        assert_eq!(extra_lines("").0, None);
    }

    #[test]
    fn rich_text_tags_go() {
        assert_eq!(
            without_tags("H<sub>2</sub>O and <i>x</i> <span class=\"nocase\">iPhone</span> a < b"),
            "H2O and x iPhone a < b"
        );
    }
}
