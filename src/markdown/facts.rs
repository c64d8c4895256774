//! Quoted facts: `{{ fact(id="x") }}` in prose replaced by the fact's value, linked to its row.

use pulldown_cmark::Event;

use super::Pass;
use crate::diagnostic::{Code, Diagnostic};
use crate::text::{escape_html, relative_url};

impl<'a> Pass<'a, '_> {
    /// Text with `{{ fact(id="x") }}` (or `id="chapter/brief.md#x"`) replaced by the fact's value,
    /// linked to its row; anything else in braces stays as written. The search text keeps what
    /// readers read: the values, not the calls.
    pub(super) fn quote_facts(&mut self, text: &str, at: usize) -> Vec<Event<'a>> {
        let mut events = Vec::new();
        let mut rest = text;
        let mut offset = at;
        while let Some(start) = rest.find("{{") {
            let (before, call) = rest.split_at(start);
            let Some((length, id)) = parse_fact_call(call) else {
                if call[2..].trim_start().starts_with("fact") {
                    self.error(
                        Code::InvalidFactQuote,
                        offset + start,
                        "a fact quotation reads `{{ fact(id=\"x\") }}`".to_string(),
                        None,
                    );
                }
                self.keep_text(&rest[..start + 2]);
                events.push(Event::Text(rest[..start + 2].to_string().into()));
                offset += start + 2;
                rest = &rest[start + 2..];
                continue;
            };
            if !before.is_empty() {
                self.keep_text(before);
                events.push(Event::Text(before.to_string().into()));
            }
            events.push(Event::InlineHtml(
                self.quoted_fact(&id, offset + start).into(),
            ));
            offset += start + length;
            rest = &call[length..];
        }
        if !rest.is_empty() {
            self.keep_text(rest);
            events.push(Event::Text(rest.to_string().into()));
        }
        events
    }

    /// The value of a quoted fact, linked to its row; an unknown id is an error.
    fn quoted_fact(&mut self, id: &str, at: usize) -> String {
        let (path, fact) = match id.split_once('#') {
            Some((path, fact)) => (path.trim_start_matches("@/"), fact),
            None => (self.cx.page_path, id),
        };
        let Some(quoted) = self.cx.facts.get(&(path.to_string(), fact.to_string())) else {
            if !self.admit(Code::UnknownFact, at) {
                return escape_html(&format!("{{{{ fact(id=\"{id}\") }}}}"));
            }
            let known: Vec<String> = self
                .cx
                .facts
                .keys()
                .filter(|(p, _)| p == path)
                .map(|(_, f)| f.clone())
                .collect();
            let d = Diagnostic::error(
                Code::UnknownFact,
                format!(
                    "`{id}` is not a fact with an id in {}",
                    if path == self.cx.page_path {
                        "this brief".to_string()
                    } else {
                        format!("`@/{path}`")
                    }
                ),
            )
            .at(self.file, self.body_offset + at)
            .suggest(fact, known.iter().map(String::as_str));
            let d = if d.help.is_some() {
                d
            } else {
                d.with_help("give the fact an `id` and quote it with {{ fact(id=\"that-id\") }}")
            };
            self.out.diagnostics.push(d);
            return escape_html(&format!("{{{{ fact(id=\"{id}\") }}}}"));
        };
        self.keep_text(&quoted.display);
        let href = if path == self.cx.page_path {
            format!("#{}fact-{fact}", self.cx.id_prefix)
        } else {
            format!(
                "{}#fact-{fact}",
                relative_url(self.cx.page_url, &quoted.page_url)
            )
        };
        // A value and its unit never wrap apart.
        format!(
            "<a class=\"quoted-fact\" href=\"{}\">{}</a>",
            escape_html(&href),
            escape_html(&quoted.display).replace(' ', "\u{a0}")
        )
    }
}

/// `{{ fact(id="x") }}` at the start of `s`: its length and the id.
pub fn parse_fact_call(s: &str) -> Option<(usize, String)> {
    let rest = s.strip_prefix("{{")?.trim_start();
    let rest = rest.strip_prefix("fact")?.trim_start();
    let rest = rest.strip_prefix('(')?.trim_start();
    let rest = rest.strip_prefix("id")?.trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find('"')?;
    let id = rest[..end].to_string();
    let rest = rest[end + 1..].trim_start().strip_prefix(')')?.trim_start();
    let rest = rest.strip_prefix("}}")?;
    Some((s.len() - rest.len(), id))
}
