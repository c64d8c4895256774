//! What a file names, and where: source ids (where they are defined, cited, and listed by
//! claims and facts), fact ids (defined and quoted), claim ids, `@/` links and likelihoods.
//! Read from the text as it is now: the front matter through the same spanned tree the build
//! parses, bodies through the same Markdown parser (so code spans cite nothing).

use std::ops::Range;

use pulldown_cmark::{BrokenLink, CowStr, Event, Parser, Tag};

use crate::diagnostic::SourceFile;
use crate::read::frontmatter::{self, Format, Node, Value};

/// What an occurrence names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Symbol {
    Source(String),
    /// A fact of a brief, by the brief's content path (`chips/h20.md`).
    Fact {
        brief: String,
        id: String,
    },
    Claim {
        brief: String,
        id: String,
    },
    /// A page by content path, with an anchor.
    Link {
        path: String,
        anchor: Option<String>,
    },
    Likelihood(String),
}

/// How it is named there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Where the source, fact or claim is defined (its `id`).
    Definition,
    /// `[@id]` in a body.
    Citation,
    /// In a claim's `sources`.
    ClaimSource,
    /// A fact's `source`.
    FactSource,
    /// A source's `superseded_by`.
    SupersededBy,
    /// `{{ fact(id="…") }}` in a body.
    Quote,
    /// An `@/` link in a body or `related`.
    Link,
    /// A claim's `likelihood`.
    Value,
}

#[derive(Clone, Debug)]
pub struct Occurrence {
    pub symbol: Symbol,
    pub role: Role,
    /// The bytes of the name itself in the file (without quotes, `@` or `@/`).
    pub range: Range<usize>,
}

/// Every occurrence in a content file: `path` is its path from `content/`.
pub fn occurrences(path: &str, file: &SourceFile) -> Vec<Occurrence> {
    let text = &file.text;
    let mut found = Vec::new();
    if path == "sources.toml" {
        if let Ok(node) = frontmatter::parse(Format::Toml, text, 0) {
            let tables = field(&node, "source");
            each_item(tables, |t| source_table(text, t, &mut found));
        }
        return found;
    }
    let Ok(split) = frontmatter::split(text) else {
        return found;
    };
    if let Ok(node) = frontmatter::parse(split.format, split.matter, split.matter_offset) {
        front_matter(path, text, &node, &mut found);
    }
    body(path, text, split.body_offset, &mut found);
    found
}

/// The occurrence at a byte offset (its end included, where the cursor stands after typing).
pub fn at(occurrences: &[Occurrence], offset: usize) -> Option<&Occurrence> {
    occurrences
        .iter()
        .find(|o| o.range.start <= offset && offset <= o.range.end)
}

fn front_matter(path: &str, text: &str, node: &Node, found: &mut Vec<Occurrence>) {
    each_item(field(node, "sources"), |t| source_table(text, t, found));
    each_item(field(node, "claims"), |claim| {
        let brief = path.to_string();
        if let Some((id, range)) = string(text, field(claim, "id")) {
            let symbol = Symbol::Claim { brief, id };
            push(found, symbol, Role::Definition, range);
        }
        each_item(field(claim, "sources"), |s| {
            if let Some((id, range)) = string(text, Some(s)) {
                push(found, Symbol::Source(id), Role::ClaimSource, range);
            }
        });
        if let Some((term, range)) = string(text, field(claim, "likelihood")) {
            push(found, Symbol::Likelihood(term), Role::Value, range);
        }
    });
    each_item(field(node, "facts"), |fact| {
        if let Some((id, range)) = string(text, field(fact, "source")) {
            push(found, Symbol::Source(id), Role::FactSource, range);
        }
        if let Some((id, range)) = string(text, field(fact, "id")) {
            let symbol = Symbol::Fact {
                brief: path.to_string(),
                id,
            };
            push(found, symbol, Role::Definition, range);
        }
    });
    each_item(field(node, "related"), |r| {
        if let Some((target, range)) = string(text, Some(r)) {
            if let Some(p) = target.strip_prefix("@/") {
                let range = range.start + 2..range.end;
                push(found, link(p), Role::Link, range);
            }
        }
    });
}

fn source_table(text: &str, table: &Node, found: &mut Vec<Occurrence>) {
    if let Some((id, range)) = string(text, field(table, "id")) {
        push(found, Symbol::Source(id), Role::Definition, range);
    }
    if let Some((id, range)) = string(text, field(table, "superseded_by")) {
        push(found, Symbol::Source(id), Role::SupersededBy, range);
    }
}

fn push(found: &mut Vec<Occurrence>, symbol: Symbol, role: Role, range: Range<usize>) {
    found.push(Occurrence {
        symbol,
        role,
        range,
    });
}

fn link(target: &str) -> Symbol {
    match target.split_once('#') {
        Some((path, anchor)) => Symbol::Link {
            path: path.to_string(),
            anchor: Some(anchor.to_string()),
        },
        None => Symbol::Link {
            path: target.to_string(),
            anchor: None,
        },
    }
}

/// The value of `key` in a table node.
pub fn field<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    match &node.value {
        Value::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
        _ => None,
    }
}

fn each_item<'n>(list: Option<&'n Node>, mut f: impl FnMut(&'n Node)) {
    if let Some(Value::Seq(items)) = list.map(|n| &n.value) {
        items.iter().for_each(&mut f);
    }
}

/// A string value and the bytes of its text (inside any quotes). YAML nodes carry only their
/// start, so the end is found from the value; a value written with escapes has no such bytes.
pub fn string(text: &str, node: Option<&Node>) -> Option<(String, Range<usize>)> {
    let node = node?;
    let Value::Str(value) = &node.value else {
        return None;
    };
    let quoted = matches!(text.as_bytes().get(node.span.start), Some(b'"' | b'\''));
    let start = node.span.start + usize::from(quoted);
    let end = start + value.len();
    (text.get(start..end) == Some(value.as_str())).then(|| (value.clone(), start..end))
}

/// Citations, quoted facts and `@/` links of a body starting at `offset`.
fn body(path: &str, text: &str, offset: usize, found: &mut Vec<Occurrence>) {
    let body = text.get(offset..).unwrap_or("");
    let mut callback = |link: BrokenLink<'_>| {
        let label = link.reference.trim_start();
        label
            .starts_with('@')
            .then(|| (CowStr::from("@cite"), CowStr::from("")))
    };
    let parser = Parser::new_with_broken_link_callback(
        body,
        crate::markdown::options(),
        Some(&mut callback),
    );
    for (event, range) in parser.into_offset_iter() {
        let source = &body[range.clone()];
        let at = offset + range.start;
        match event {
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.as_ref() == "@cite" => {
                citations(source, at, found);
            }
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with("@/") => {
                if let Some(i) = source.find(dest_url.as_ref()) {
                    let start = at + i + 2;
                    let range = start..start + dest_url.len() - 2;
                    push(found, link(&dest_url[2..]), Role::Link, range);
                }
            }
            Event::Text(_) if source.contains("{{") => quotes(path, source, at, found),
            _ => {}
        }
    }
}

/// The `@id`s of one citation's source text, `[@a; @b, p. 4]`.
fn citations(source: &str, at: usize, found: &mut Vec<Occurrence>) {
    let Some(inner_start) = source.find('[') else {
        return;
    };
    let inner_end = source.rfind(']').unwrap_or(source.len());
    let mut part_start = inner_start + 1;
    for part in source[inner_start + 1..inner_end.max(inner_start + 1)].split(';') {
        let lead = part.len() - part.trim_start().len();
        let trimmed = part.trim_start();
        if let Some(rest) = trimmed.strip_prefix('@') {
            let id_end = rest.find(',').unwrap_or(rest.len());
            let id = rest[..id_end].trim_end();
            let start = at + part_start + lead + 1;
            if !id.is_empty() {
                push(
                    found,
                    Symbol::Source(id.to_string()),
                    Role::Citation,
                    start..start + id.len(),
                );
            }
        }
        part_start += part.len() + 1;
    }
}

/// `{{ fact(id="x") }}` and `{{ fact(id="chips/h20.md#x") }}` in a text's source.
fn quotes(path: &str, source: &str, at: usize, found: &mut Vec<Occurrence>) {
    let mut from = 0;
    while let Some(i) = source[from..].find("{{") {
        let start = from + i;
        from = start + 2;
        let Some((id, id_start)) = fact_call(&source[start..]) else {
            continue;
        };
        let id_at = at + start + id_start;
        let (brief, fact, fact_at) = match id.split_once('#') {
            Some((p, f)) => (
                p.trim_start_matches("@/").to_string(),
                f,
                id_at + p.len() + 1,
            ),
            None => (path.to_string(), id, id_at),
        };
        let symbol = Symbol::Fact {
            brief,
            id: fact.to_string(),
        };
        push(found, symbol, Role::Quote, fact_at..fact_at + fact.len());
    }
}

/// `{{ fact(id="x") }}` at the start of `s`: the id and where it starts in `s`.
fn fact_call(s: &str) -> Option<(&str, usize)> {
    let rest = s.strip_prefix("{{")?.trim_start();
    let rest = rest.strip_prefix("fact")?.trim_start();
    let rest = rest.strip_prefix('(')?.trim_start();
    let rest = rest.strip_prefix("id")?.trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find('"')?;
    let tail = rest[end + 1..].trim_start().strip_prefix(')')?.trim_start();
    tail.strip_prefix("}}")?;
    Some((&rest[..end], s.len() - rest.len()))
}

/// The byte ranges of a body's headings, in order (as the scan lists their ids).
pub fn headings(text: &str, offset: usize) -> Vec<Range<usize>> {
    let body = text.get(offset..).unwrap_or("");
    Parser::new_ext(body, crate::markdown::options())
        .into_offset_iter()
        .filter(|(e, _)| matches!(e, Event::Start(Tag::Heading { .. })))
        .map(|(_, r)| offset + r.start..offset + r.end)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BRIEF: &str = "+++\ntitle = \"T\"\ndate = \"2025\"\nrelated = [\"@/chips/b.md\"]\n\n[[claims]]\nid = \"c\"\ntext = \"x\"\nsources = [\"a\", 'b']\nlikelihood = \"likely\"\n\n[[facts]]\nid = \"f\"\nsubject = \"s\"\nmetric = \"m\"\nvalue = 1\nsource = \"a\"\n+++\n\nSee [@a; @b, p. 4] and {{ fact(id=\"f\") }} and {{ fact(id=\"chips/b.md#g\") }}.\n`[@code]` [x](@/chips/b.md#top)\n";

    fn named(found: &[Occurrence], text: &str) -> Vec<(String, Role)> {
        found
            .iter()
            .map(|o| (text[o.range.clone()].to_string(), o.role))
            .collect()
    }

    #[test]
    fn a_brief_names_sources_facts_and_links_at_their_bytes() {
        let file = SourceFile::new("content/chips/a.md", BRIEF);
        let found = occurrences("chips/a.md", &file);
        let names = named(&found, BRIEF);
        let expect = [
            ("c", Role::Definition),
            ("a", Role::ClaimSource),
            ("b", Role::ClaimSource),
            ("likely", Role::Value),
            ("a", Role::FactSource),
            ("f", Role::Definition),
            ("chips/b.md", Role::Link),
            ("a", Role::Citation),
            ("b", Role::Citation),
            ("f", Role::Quote),
            ("g", Role::Quote),
            ("chips/b.md#top", Role::Link),
        ];
        let expect: Vec<(String, Role)> = expect.iter().map(|(s, r)| (s.to_string(), *r)).collect();
        assert_eq!(names, expect);
        let quoted = found.iter().filter(|o| o.role == Role::Quote);
        let briefs: Vec<&Symbol> = quoted.map(|o| &o.symbol).collect();
        assert_eq!(
            briefs,
            [
                &Symbol::Fact {
                    brief: "chips/a.md".into(),
                    id: "f".into()
                },
                &Symbol::Fact {
                    brief: "chips/b.md".into(),
                    id: "g".into()
                },
            ]
        );
    }

    #[test]
    fn yaml_and_the_registry_too() {
        let yaml = "---\ntitle: T\ndate: 2025\nfacts:\n  - source: ft-2025\n    id: x\n---\nBody [@ft-2025].\n";
        let found = occurrences("c/y.md", &SourceFile::new("content/c/y.md", yaml));
        let names = named(&found, yaml);
        assert_eq!(names[0], ("ft-2025".into(), Role::FactSource));
        assert_eq!(names[1], ("x".into(), Role::Definition));
        assert_eq!(names[2], ("ft-2025".into(), Role::Citation));
        let registry = "[[source]]\nid = \"a\"\nsuperseded_by = \"b\"\n";
        let found = occurrences(
            "sources.toml",
            &SourceFile::new("content/sources.toml", registry),
        );
        assert_eq!(
            named(&found, registry),
            [
                ("a".into(), Role::Definition),
                ("b".into(), Role::SupersededBy)
            ]
        );
    }
}
