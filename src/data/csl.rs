//! `data/sources.json`: every source of the book as a CSL-JSON item, for citation tools.

use serde_json::{json, Value};

use crate::model::date::PartialDate;
use crate::model::Source;
use crate::read::book::Book;
use crate::render::OutputFile;

/// Our kinds and the CSL types they correspond to (the first match wins on the way in).
pub const KINDS: &[(&str, &str)] = &[
    ("news", "article-newspaper"),
    ("report", "report"),
    ("dataset", "dataset"),
    ("statement", "speech"),
    ("interview", "interview"),
    ("filing", "legal_case"),
    ("other", "document"),
];

/// `data/sources.json`: every source as a CSL-JSON item, sorted by id.
pub fn csl_json(book: &Book) -> OutputFile {
    let items: Vec<Value> = book.sources.values().map(csl_item).collect();
    let mut bytes =
        crate::text::json_for_html(&serde_json::to_vec_pretty(&items).expect("sources serialize"));
    bytes.push(b'\n');
    OutputFile {
        path: "data/sources.json".into(),
        bytes,
    }
}

fn csl_item(s: &Source) -> Value {
    let csl_type = KINDS
        .iter()
        .find(|(k, _)| *k == s.kind)
        .map_or("document", |(_, t)| t);
    let mut item =
        json!({"id": s.id, "type": csl_type, "title": s.title, "issued": date_parts(s.date)});
    if !s.authors.is_empty() {
        item["author"] = s.authors.iter().map(|a| json!({"literal": a})).collect();
    }
    if let Some(p) = &s.publisher {
        item["publisher"] = json!(p);
    }
    if let Some(u) = &s.url {
        item["URL"] = json!(u);
    }
    if let Some(a) = s.accessed {
        item["accessed"] = date_parts(a);
    }
    if let Some(n) = &s.note {
        item["note"] = json!(n);
    }
    let mut own = json!({"kind": s.kind, "status": s.status});
    if let Some(r) = &s.reliability {
        own["reliability"] = json!(r);
    }
    if let Some(next) = &s.superseded_by {
        own["superseded_by"] = json!(next.value);
    }
    if let Some(a) = &s.archived_url {
        own["archived_url"] = json!(a);
    }
    item["custom"] = json!({"briefbook": own});
    item
}

fn date_parts(date: PartialDate) -> Value {
    let parts: Vec<i64> = date
        .to_string()
        .split('-')
        .filter_map(|p| p.parse().ok())
        .collect();
    json!({"date-parts": [parts]})
}
