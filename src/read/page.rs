//! Parsing one content file (text in, model out): a cover, chapter or brief, or `sources.toml`.

use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, SourceFile};
use crate::model::*;
use crate::read::decode::{Decoder, Fields};
use crate::read::frontmatter::{self, Format, Node, Value};

pub const SECTION_FIELDS: &[&str] = &["title", "summary", "weight", "draft", "extra"];
pub const BRIEF_FIELDS: &[&str] = &[
    "title", "date", "summary", "updated", "weight", "slug", "authors", "tags", "draft", "related",
    "aliases", "sources", "claims", "facts", "extra",
];
pub const SOURCE_FIELDS: &[&str] = &[
    "id",
    "title",
    "date",
    "publisher",
    "authors",
    "url",
    "accessed",
    "archived_url",
    "kind",
    "label",
    "container",
    "volume",
    "issue",
    "pages",
    "doi",
    "reliability",
    "status",
    "superseded_by",
    "note",
];
pub const CLAIM_FIELDS: &[&str] = &[
    "id",
    "text",
    "sources",
    "attributed_to",
    "confidence",
    "likelihood",
    "credibility",
    "key",
    "status",
    "date",
];
pub const FACT_FIELDS: &[&str] = &[
    "subject", "metric", "value", "unit", "as_of", "source", "note", "id",
];

/// What parsing one file gave: the value if it was usable, and every problem found.
pub struct Parsed<T> {
    pub value: Option<T>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a chapter's or the cover's `_index.md`.
pub fn parse_section(path: &str, file: Arc<SourceFile>) -> Parsed<Section> {
    with_front_matter(&file, |d, node, body_offset| {
        let fields = d.fields(node, "a chapter's front matter", SECTION_FIELDS)?;
        let header = header(d, &fields, body_offset)?;
        Some(Section {
            path: path.to_string(),
            file: file.clone(),
            header,
        })
    })
}

/// Parses a brief.
pub fn parse_brief(path: &str, file: Arc<SourceFile>) -> Parsed<Brief> {
    with_front_matter(&file, |d, node, body_offset| {
        let f = d.fields(node, "a brief's front matter", BRIEF_FIELDS)?;
        let header = header(d, &f, body_offset);
        let date = d.required(&f, "date").and_then(|n| d.date(n));
        let updated = f.get("updated").and_then(|n| d.date(n));
        let date_offset = f
            .get("updated")
            .or(f.get("date"))
            .map_or(f.at(), |n| n.span.start);
        let slug = f.get("slug").and_then(|n| slug(d, n));
        let authors = f
            .get("authors")
            .map(|n| d.string_list(n))
            .unwrap_or_default();
        let tags = f.get("tags").map(|n| d.string_list(n)).unwrap_or_default();
        let related = f
            .get("related")
            .map(|n| located_strings(d, n))
            .unwrap_or_default();
        let aliases = f.get("aliases").map(|n| aliases(d, n)).unwrap_or_default();
        let sources = tables(d, f.get("sources"), parse_source);
        let claims = tables(d, f.get("claims"), parse_claim);
        let facts = tables(d, f.get("facts"), parse_fact);
        check_unique(d, claims.iter().map(|c| (c.id.as_str(), c.offset)), "claim");
        check_unique(
            d,
            facts
                .iter()
                .filter_map(|x| Some((x.id.as_deref()?, x.offset))),
            "fact",
        );
        Some(Brief {
            path: path.to_string(),
            file: file.clone(),
            header: header?,
            date: date?,
            date_offset,
            updated,
            slug,
            authors,
            tags,
            related,
            aliases,
            sources,
            claims,
            facts,
        })
    })
}

/// Parses `content/sources.toml`: a list of `[[source]]` tables.
pub fn parse_sources_file(file: Arc<SourceFile>) -> Parsed<Vec<Source>> {
    let mut d = Decoder::new(&file);
    let value = match frontmatter::parse(Format::Toml, &file.text, 0) {
        Ok(node) => d
            .fields(&node, "sources.toml", &["source"])
            .map(|f| tables(&mut d, f.get("source"), parse_source)),
        Err((message, at)) => {
            d.error(Code::Syntax, at, format!("invalid TOML: {message}"));
            None
        }
    };
    Parsed {
        value,
        diagnostics: d.diagnostics,
    }
}

/// Splits and parses the front matter, then hands the tree to `build`.
fn with_front_matter<T>(
    file: &Arc<SourceFile>,
    build: impl FnOnce(&mut Decoder, &Node, usize) -> Option<T>,
) -> Parsed<T> {
    let mut d = Decoder::new(file);
    let value = match frontmatter::split(&file.text) {
        Err(err) => {
            d.error(Code::FrontMatter, err.offset, err.message).help = Some(err.help);
            None
        }
        Ok(split) => match frontmatter::parse(split.format, split.matter, split.matter_offset) {
            Err((message, at)) => {
                let language = if split.format == Format::Toml {
                    "TOML"
                } else {
                    "YAML"
                };
                d.error(
                    Code::Syntax,
                    at,
                    format!("invalid {language} front matter: {message}"),
                );
                None
            }
            Ok(node) => build(&mut d, &node, split.body_offset),
        },
    };
    Parsed {
        value,
        diagnostics: d.diagnostics,
    }
}

fn header(d: &mut Decoder, f: &Fields, body_offset: usize) -> Option<PageHeader> {
    let title = d.required(f, "title").and_then(|n| nonempty(d, n, "title"));
    let summary = f.get("summary").and_then(|n| d.string(n));
    let weight = f.get("weight").and_then(|n| d.int(n));
    let draft = f.get("draft").and_then(|n| d.bool(n)).unwrap_or(false);
    let extra = f
        .get("extra")
        .map_or(serde_json::Value::Object(Default::default()), |n| {
            if !matches!(n.value, Value::Map(_)) {
                d.error(
                    Code::InvalidType,
                    n.span.start,
                    format!("expected `extra` to be a table, found {}", n.value.kind()),
                );
            }
            n.value.to_json()
        });
    Some(PageHeader {
        title: title?,
        summary,
        weight,
        draft,
        extra,
        body_offset,
    })
}

fn nonempty(d: &mut Decoder, node: &Node, what: &str) -> Option<String> {
    let s = d.string(node)?;
    if s.trim().is_empty() {
        d.error(
            Code::InvalidValue,
            node.span.start,
            format!("`{what}` must not be empty"),
        );
        return None;
    }
    Some(s)
}

fn slug(d: &mut Decoder, node: &Node) -> Option<String> {
    let s = d.string(node)?;
    let clean = crate::text::slugify(&s);
    if clean != s {
        d.error(
            Code::InvalidSlug,
            node.span.start,
            format!("`{s}` is not a valid slug"),
        )
        .help = Some(format!(
            "use lowercase letters, digits and hyphens, for example `{clean}`"
        ));
        return None;
    }
    Some(s)
}

/// A brief's old site paths, each normalised (`/policy/h20` → `policy/h20/`); one that names no
/// folder of the site is an error at its place.
fn aliases(d: &mut Decoder, node: &Node) -> Vec<Located<String>> {
    let mut out = Vec::new();
    for Located { value, offset } in located_strings(d, node) {
        match alias_path(&value) {
            Ok(path) => out.push(Located {
                value: path,
                offset,
            }),
            Err(why) => {
                d.error(
                    Code::InvalidValue,
                    offset,
                    format!("`{value}` is not a path of the site: {why}"),
                )
                .help = Some(
                    "write the old page's folder from the site's root, as in `policy/h20/`".into(),
                );
            }
        }
    }
    out
}

/// An old page's folder from the site's root, with one trailing slash.
pub fn alias_path(raw: &str) -> Result<String, &'static str> {
    let trimmed = raw.trim_matches('/');
    if trimmed.is_empty() {
        return Err("it is the site's root");
    }
    if trimmed.contains("://") || trimmed.starts_with("//") {
        return Err("it is a URL, not a path");
    }
    if trimmed.contains(['?', '#', '\\', ' ']) || trimmed.chars().any(char::is_control) {
        return Err("it holds a character a folder name may not");
    }
    let segments: Vec<&str> = trimmed.split('/').collect();
    if segments.iter().any(|s| s.is_empty() || s.starts_with('.')) {
        return Err("it has an empty, `.`, `..` or hidden segment");
    }
    if segments.iter().any(|s| s.len() > 255) {
        return Err("a segment is longer than a file name may be");
    }
    Ok(format!("{trimmed}/"))
}

fn located_strings(d: &mut Decoder, node: &Node) -> Vec<Located<String>> {
    d.located_strings(node)
        .into_iter()
        .map(|(value, offset)| Located { value, offset })
        .collect()
}

/// Each table of a list (`[[claims]]`), parsed by `item`.
fn tables<T>(
    d: &mut Decoder,
    node: Option<&Node>,
    item: fn(&mut Decoder, &Node) -> Option<T>,
) -> Vec<T> {
    node.map(|n| d.list(n, item)).unwrap_or_default()
}

fn check_unique<'a>(d: &mut Decoder, ids: impl Iterator<Item = (&'a str, usize)>, what: &str) {
    let mut seen = std::collections::HashMap::new();
    for (id, offset) in ids {
        if let Some(first) = seen.insert(id, offset) {
            let (line, _) = d.file.position(first);
            d.error(
                Code::DuplicateId,
                offset,
                format!("the {what} id `{id}` is already used on line {line} of this brief"),
            );
        }
    }
}

pub fn parse_source(d: &mut Decoder, node: &Node) -> Option<Source> {
    let f = d.fields(node, "a source", SOURCE_FIELDS)?;
    let id = d.required(&f, "id").and_then(|n| d.id(n, "source"));
    let title = d
        .required(&f, "title")
        .and_then(|n| nonempty(d, n, "title"));
    let date = d.required(&f, "date").and_then(|n| d.date(n));
    let publisher = f.get("publisher").and_then(|n| d.string(n));
    let authors = f
        .get("authors")
        .map(|n| d.string_list(n))
        .unwrap_or_default();
    let url = f.get("url").and_then(|n| d.web_url(n));
    let accessed = f.get("accessed").and_then(|n| d.date(n));
    let archived_url = f.get("archived_url").and_then(|n| d.web_url(n));
    let kind = f
        .get("kind")
        .and_then(|n| d.one_of(n, "source kind", SOURCE_KINDS));
    let label = f.get("label").and_then(|n| nonempty(d, n, "label"));
    let container = f.get("container").and_then(|n| d.string(n));
    let volume = f.get("volume").and_then(|n| d.string_or_number(n));
    let issue = f.get("issue").and_then(|n| d.string_or_number(n));
    let pages = f.get("pages").and_then(|n| d.string_or_number(n));
    let doi = f.get("doi").and_then(|n| d.doi(n));
    let reliability = f
        .get("reliability")
        .and_then(|n| d.one_of(n, "reliability grade", RELIABILITY));
    let status = f
        .get("status")
        .and_then(|n| d.one_of(n, "source status", SOURCE_STATUSES));
    let superseded_by = f.get("superseded_by").and_then(|n| {
        d.id(n, "source").map(|value| Located {
            value,
            offset: n.span.start,
        })
    });
    let note = f.get("note").and_then(|n| d.string(n));
    Some(Source {
        id: id?,
        title: title?,
        date: date?,
        publisher,
        authors,
        url,
        accessed,
        archived_url,
        kind: kind.unwrap_or_else(|| "other".into()),
        label,
        container,
        volume,
        issue,
        pages,
        doi,
        reliability,
        status: status.unwrap_or_else(|| "active".into()),
        superseded_by,
        note,
        origin: Origin {
            file: d.file.clone(),
            offset: node.span.start,
        },
    })
}

fn parse_claim(d: &mut Decoder, node: &Node) -> Option<Claim> {
    let f = d.fields(node, "a claim", CLAIM_FIELDS)?;
    let id = d.required(&f, "id").and_then(|n| d.id(n, "claim"));
    let text = d.required(&f, "text").and_then(|n| nonempty(d, n, "text"));
    let sources = d
        .required(&f, "sources")
        .map(|n| (located_strings(d, n), n.span.start));
    if let Some((list, at)) = &sources {
        if list.is_empty() {
            d.error(
                Code::MissingSource,
                *at,
                "a claim needs at least one source",
            );
        }
    }
    let attributed_to = f.get("attributed_to").and_then(|n| d.string(n));
    let confidence = f
        .get("confidence")
        .and_then(|n| d.one_of(n, "confidence", CONFIDENCE));
    let likelihood = f
        .get("likelihood")
        .and_then(|n| d.one_of(n, "likelihood", LIKELIHOOD));
    let credibility = f.get("credibility").and_then(|n| {
        let value = d.int(n)?;
        if (1..=6).contains(&value) {
            Some(value)
        } else {
            d.error(
                Code::InvalidValue,
                n.span.start,
                format!("credibility {value} is out of range"),
            )
            .help = Some("credibility is graded from 1 (confirmed) to 6 (cannot be judged)".into());
            None
        }
    });
    let key = f.get("key").and_then(|n| d.bool(n)).unwrap_or(false);
    let status = f
        .get("status")
        .and_then(|n| d.one_of(n, "claim status", CLAIM_STATUSES));
    let date = f.get("date").and_then(|n| d.date(n));
    Some(Claim {
        id: id?,
        text: text?,
        sources: sources?.0,
        attributed_to,
        confidence,
        likelihood,
        credibility,
        key,
        status: status.unwrap_or_else(|| "reported".into()),
        date,
        offset: node.span.start,
    })
}

fn parse_fact(d: &mut Decoder, node: &Node) -> Option<Fact> {
    let f = d.fields(node, "a fact", FACT_FIELDS)?;
    let id = f.get("id").and_then(|n| d.id(n, "fact"));
    let subject = d
        .required(&f, "subject")
        .and_then(|n| nonempty(d, n, "subject"));
    let metric = d
        .required(&f, "metric")
        .and_then(|n| nonempty(d, n, "metric"));
    let value = d.required(&f, "value").and_then(|n| match &n.value {
        Value::Int(i) => Some(FactValue::Int(*i)),
        Value::Float(x) if x.is_finite() => Some(FactValue::Float(*x)),
        Value::Str(s) => Some(FactValue::Text(s.clone())),
        other => {
            d.error(
                Code::InvalidType,
                n.span.start,
                format!("expected a number or a string, found {}", other.kind()),
            );
            None
        }
    });
    let unit = f.get("unit").and_then(|n| d.string(n));
    let as_of = f.get("as_of").and_then(|n| d.date(n));
    let source = d.required(&f, "source").and_then(|n| {
        d.string(n).map(|value| Located {
            value,
            offset: n.span.start,
        })
    });
    let note = f.get("note").and_then(|n| d.string(n));
    Some(Fact {
        id,
        subject: subject?,
        metric: metric?,
        value: value?,
        unit,
        as_of,
        source: source?,
        note,
        offset: node.span.start,
    })
}
