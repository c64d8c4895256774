//! The Markdown pass: pulldown-cmark events rewritten for citations, `@/` links, heading ids,
//! highlighting and raw-HTML escaping, collecting what later passes check.

pub mod book;
pub mod highlight;
pub mod relocate;
pub mod sanitize;

use std::collections::{BTreeMap, HashMap};

use pulldown_cmark::{BrokenLink, CowStr, Event, Options, Parser};

pub use facts::parse_fact_call;

use crate::diagnostic::{Code, Diagnostic, Limiter, SourceFile};
use crate::markdown::footnotes::Footnotes;
use crate::markdown::highlight::Highlighter;
use crate::markdown::rewrite::Rewrite;
use crate::model::Source;
use crate::text::{escape_html, relative_url, IdAllocator};

/// Ids the page templates use themselves; headings never take them.
pub const TEMPLATE_IDS: &[&str] = &[
    "main",
    "content",
    "references",
    "claims",
    "facts",
    "key-judgments",
    "related",
    "linked-from",
    "footnotes",
    "header-q",
];

/// A fact prose can quote: its value as read, and the URL of the page holding its row.
#[derive(Clone, Debug, PartialEq)]
pub struct QuotedFact {
    pub display: String,
    pub page_url: String,
}

/// Quotable facts by (brief path, fact id).
pub type FactIndex = HashMap<(String, String), QuotedFact>;

/// The ids each brief's page gives its own rows (`claim-<id>`, `fact-<id>`), by content path:
/// a heading of that page may not take them.
pub type RowIds = HashMap<String, std::collections::HashSet<String>>;

/// What one body needs from the rest of the book.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub sources: &'a BTreeMap<String, Source>,
    /// Content path (`chips/h20.md`) to URL (`chips/h20/`).
    pub urls: &'a HashMap<String, String>,
    pub page_url: &'a str,
    /// The body's own content path (`chips/h20.md`), for quoting its facts by bare id.
    pub page_path: &'a str,
    pub facts: &'a FactIndex,
    pub row_ids: &'a RowIds,
    pub highlighter: &'a Highlighter,
    pub allow_raw_html: bool,
    /// Put before every id the body defines (headings, citation markers, footnotes), so several
    /// bodies can share one page (the print edition). Empty on a brief's own page.
    pub id_prefix: &'a str,
    /// Levels added to every heading, for a body shown under other headings (the print edition).
    pub heading_offset: u8,
    /// The URL of the page the body was written for, when it is shown on another page (the
    /// print edition): its relative links and images are rebased from there to `page_url`.
    pub rebase_from: Option<&'a str>,
}

impl<'a> Context<'a> {
    /// A body on its own page at the site's root, with nothing moved or allowed: the rest set
    /// per page with struct update syntax (`Context { page_url, ..Context::new(...) }`).
    pub fn new(
        sources: &'a BTreeMap<String, Source>,
        urls: &'a HashMap<String, String>,
        facts: &'a FactIndex,
        row_ids: &'a RowIds,
        highlighter: &'a Highlighter,
    ) -> Self {
        Context {
            sources,
            urls,
            page_url: "",
            page_path: "",
            facts,
            row_ids,
            highlighter,
            allow_raw_html: false,
            id_prefix: "",
            heading_offset: 0,
            rebase_from: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// An `@/` link to check once every page's headings are known.
#[derive(Clone, Debug)]
pub struct InternalLink {
    pub path: String,
    pub anchor: Option<String>,
    pub offset: usize,
}

/// A relative link or image of a body (neither `@/` nor a URL with a scheme): checked against
/// the files of the site once they are all known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalLink {
    /// As written: `diagram.png`, `../other/#x`, `#notes`.
    pub url: String,
    pub offset: usize,
    pub image: bool,
}

/// What a body cites, links and names: all that `resolve` and `check` need from it.
#[derive(Debug, Default, Clone)]
pub struct Scan {
    pub headings: Vec<Heading>,
    /// Source ids in the order first cited: the citation numbers.
    pub cited: Vec<String>,
    /// For each cited source, the ids of its markers, in order.
    pub markers: BTreeMap<String, Vec<String>>,
    pub links: Vec<InternalLink>,
    /// Relative links and images, in the order written.
    pub local_links: Vec<LocalLink>,
    /// The ids the body's footnotes give the page (`fn-x`, `fnref-x`), which fragments may name.
    pub note_ids: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// The body's words for the search index, as readers read them: prose, inline code and
    /// quoted facts' values, not code blocks nor Markdown syntax, white space folded, at most
    /// `SEARCH_TEXT_LIMIT` bytes.
    pub text: String,
    /// Where `text` had citations, as (byte offset in `text`, index in `cited`): the search
    /// index puts each source's label there, once labels are known (after analysis).
    pub text_citations: Vec<(usize, usize)>,
}

/// How much of a body the search index keeps (about 250 words).
pub const SEARCH_TEXT_LIMIT: usize = 1500;

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

impl Scan {
    /// Whether two scans of a body show other pages the same: its headings (anchors), its
    /// citations and their markers (reference lists, the citation index) and where it links
    /// (backlinks).
    pub fn shows_the_same(&self, other: &Scan) -> bool {
        self.headings == other.headings
            && self.cited == other.cited
            && self.markers == other.markers
            && self
                .links
                .iter()
                .map(|l| (&l.path, &l.anchor))
                .eq(other.links.iter().map(|l| (&l.path, &l.anchor)))
    }
}

/// Scans a body that starts at byte `body_offset` of `file`, without making HTML or
/// highlighting code: cheap enough for `check` and for the whole book before rendering.
pub fn scan(file: &SourceFile, body: &str, body_offset: usize, cx: &Context) -> Scan {
    run(file, body, body_offset, cx, false).0
}

/// The body as HTML. Its ids and citation numbers are those `scan` reports.
pub fn render_html(file: &SourceFile, body: &str, body_offset: usize, cx: &Context) -> String {
    run(file, body, body_offset, cx, true).1
}

fn run(
    file: &SourceFile,
    body: &str,
    body_offset: usize,
    cx: &Context,
    html: bool,
) -> (Scan, String) {
    let mut callback = |link: BrokenLink<'_>| {
        is_citation(&link.reference).then(|| (CowStr::from("@cite"), link.reference.into_static()))
    };
    let parser = Parser::new_with_broken_link_callback(body, options(), Some(&mut callback));
    let mut pass = Pass {
        file,
        body_offset,
        cx,
        html,
        out: Scan::default(),
        footnotes: Footnotes::default(),
        ids: IdAllocator::default(),
        limiter: Limiter::default(),
        citation_numbers: HashMap::new(),
    };
    for id in TEMPLATE_IDS {
        pass.ids.reserve(id);
    }
    if !html {
        pass.refuse_forbidden_characters(body);
    }
    let events = Rewrite::document(&mut pass, parser.into_offset_iter());
    let mut out = String::new();
    if html {
        out.reserve(body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut out, events);
        // Whatever the body held (raw, as an entity such as `&#1;`, or in raw HTML), no page
        // may: U+0000 and the other control characters become U+FFFD.
        out = crate::text::replace_forbidden(out);
        if !cx.allow_raw_html {
            out = crate::markdown::sanitize::clean(out);
        }
        out = task_marks(out);
    } else {
        events.for_each(drop);
    }
    let summaries = pass.limiter.summaries(file);
    pass.out.diagnostics.extend(summaries);
    (pass.out, out)
}

/// Task-list boxes as the marks they are: a disabled form control has nothing to do on a page
/// a reader cannot change, and would need a label of its own (axe-core's `label` rule).
pub fn task_marks(html: String) -> String {
    if !html.contains("<input") {
        return html;
    }
    html.replace(
        "<input disabled=\"\" type=\"checkbox\" checked=\"\"/>",
        "<span class=\"task done\" role=\"img\" aria-label=\"done\">☑</span>",
    )
    .replace(
        "<input disabled=\"\" type=\"checkbox\"/>",
        "<span class=\"task\" role=\"img\" aria-label=\"to do\">☐</span>",
    )
}

fn is_citation(label: &str) -> bool {
    label.trim_start().starts_with('@')
}

struct Pass<'a, 'c> {
    file: &'a SourceFile,
    body_offset: usize,
    cx: &'a Context<'c>,
    /// Whether HTML is wanted: a scan skips highlighting.
    html: bool,
    out: Scan,
    footnotes: Footnotes,
    ids: IdAllocator,
    /// Counts problems by code, so that past a limit they are counted, not made.
    limiter: Limiter,
    /// Each cited source's number (its place in `out.cited`), found in one lookup.
    citation_numbers: HashMap<String, usize>,
}

impl<'a> Pass<'a, '_> {
    /// Whether the body is shown on its own page (not moved under another's headings and ids,
    /// as in the print edition).
    fn on_own_page(&self) -> bool {
        self.cx.id_prefix.is_empty() && self.cx.heading_offset == 0
    }

    /// The id of a heading: its explicit `{#id}` (an error if the page uses it already), else
    /// a slug of its text unique on the page.
    fn heading_id(&mut self, explicit: Option<&str>, text: &str, at: usize) -> String {
        let Some(explicit) = explicit else {
            let slug = crate::text::slugify(text);
            let cx = self.cx;
            return self.ids.unique_unless(&slug, |id| is_row_id(cx, id));
        };
        // As the page will show it, so that links checked against the scan find it.
        let explicit = crate::text::replace_forbidden(explicit.to_string());
        if is_row_id(self.cx, &explicit) {
            let message = format!("the heading id `{explicit}` is the id of a row on this page");
            let help = Some("choose another id for the heading");
            self.error(Code::DuplicateId, at, message, help);
        } else if !self.ids.reserve(&explicit) {
            let message = format!("the heading id `{explicit}` is used twice on this page");
            self.error(Code::DuplicateId, at, message, None);
        }
        explicit
    }

    /// Whether a problem of `code` at `at` is to be reported in full. Past the limit for its
    /// code it is only counted, for the summary, and never made: making one costs its position
    /// and excerpt, and a body can hold a hundred thousand of one mistake.
    fn admit(&mut self, code: Code, at: usize) -> bool {
        self.limiter.admit(code, self.body_offset + at)
    }

    /// An error at `at`, reported unless its code is past the limit.
    fn error(&mut self, code: Code, at: usize, message: String, help: Option<&str>) {
        if self.admit(code, at) {
            let mut d = Diagnostic::error(code, message).at(self.file, self.body_offset + at);
            d.help = help.map(str::to_string);
            self.out.diagnostics.push(d);
        }
    }

    /// Adds text to the search text as written (inline markup does not split words), folding
    /// white space, up to its limit.
    fn keep_text(&mut self, text: &str) {
        // Only the scan's text is kept (for the search index); rendering discards its scan.
        if self.html || self.out.text.len() >= SEARCH_TEXT_LIMIT {
            return;
        }
        let kept = &mut self.out.text;
        for c in text.chars() {
            if kept.len() + c.len_utf8() > SEARCH_TEXT_LIMIT {
                return;
            }
            if c.is_whitespace() {
                if !kept.is_empty() && !kept.ends_with(' ') {
                    kept.push(' ');
                }
            } else {
                kept.push(c);
            }
        }
    }

    /// Control characters and noncharacters written in the body: no page may hold them, so
    /// rendering shows U+FFFD instead (as CommonMark asks for U+0000), with a warning at each.
    fn refuse_forbidden_characters(&mut self, body: &str) {
        for (at, c) in crate::text::forbidden_chars(body) {
            if !self.admit(Code::ControlCharacter, at) {
                continue;
            }
            let kind = if c.is_control() {
                "a control character"
            } else {
                "a noncharacter"
            };
            let message = format!("U+{:04X}, {kind}, is shown as U+FFFD", u32::from(c));
            let d = Diagnostic::warning(Code::ControlCharacter, message)
                .at(self.file, self.body_offset + at)
                .with_help("remove it; it often comes with pasted text");
            self.out.diagnostics.push(d);
        }
    }

    /// A link or image URL with a scheme that could run script: dropped, with a warning.
    fn unsafe_url(&mut self, url: &str, at: usize) {
        if !self.admit(Code::UnsafeUrl, at) {
            return;
        }
        let shown: String = url.chars().take(40).collect();
        let d = Diagnostic::warning(Code::UnsafeUrl, format!("the link `{shown}` was dropped: only http, https, mailto and relative links are allowed"))
            .at(self.file, self.body_offset + at);
        self.out.diagnostics.push(d);
    }

    /// `[@a; @b, p. 4]` as numbered markers linking to the reference list.
    fn citation(&mut self, label: &str, at: usize) -> String {
        let mut parts = Vec::new();
        for part in label.split(';') {
            let part = part.trim();
            let Some(rest) = part.strip_prefix('@') else {
                self.error(
                    Code::InvalidCitation,
                    at,
                    format!("`{part}` in a citation does not start with `@`"),
                    Some("separate several sources with `;`, each written `@id`: `[@a; @b]`"),
                );
                continue;
            };
            let (id, locator) = match rest.split_once(',') {
                Some((id, locator)) => (id.trim(), Some(locator.trim())),
                None => (rest.trim(), None),
            };
            if !self.cx.sources.contains_key(id) {
                if !self.admit(Code::UnknownSource, at) {
                    continue;
                }
                let d = Diagnostic::error(
                    Code::UnknownSource,
                    format!("citation of unknown source `{id}`"),
                )
                .at(self.file, self.body_offset + at)
                .suggest(id, self.cx.sources.keys().map(String::as_str));
                let d = if d.help.is_none() {
                    d.with_help("add it to content/sources.toml or to this brief's `sources`")
                } else {
                    d
                };
                self.out.diagnostics.push(d);
                continue;
            }
            parts.push(self.marker(id, locator));
        }
        if parts.is_empty() {
            return escape_html(&format!("[{label}]"));
        }
        format!("<sup class=\"citation\">[{}]</sup>", parts.join("; "))
    }

    fn marker(&mut self, id: &str, locator: Option<&str>) -> String {
        let number = match self.citation_numbers.get(id) {
            Some(&n) => n,
            None => {
                self.out.cited.push(id.to_string());
                let n = self.out.cited.len();
                self.citation_numbers.insert(id.to_string(), n);
                n
            }
        };
        if !self.html && self.out.text.len() < SEARCH_TEXT_LIMIT {
            self.out
                .text_citations
                .push((self.out.text.len(), number - 1));
        }
        let ids = self.out.markers.entry(id.to_string()).or_default();
        let marker_id = format!("cite-{id}-{}", ids.len() + 1);
        let p = self.cx.id_prefix;
        ids.push(marker_id.clone());
        let title = &self.cx.sources[id].title;
        let locator = locator
            .map(|l| format!(", {}", escape_html(l)))
            .unwrap_or_default();
        format!(
            "<a href=\"#{p}ref-{id}\" id=\"{p}{marker_id}\" title=\"{}\" aria-label=\"Source {number}: {}\">{number}</a>{locator}",
            escape_html(title),
            escape_html(title),
        )
    }

    /// `@/chips/h20.md#anchor` as a relative URL; the anchor is checked later.
    fn internal_link(&mut self, dest: &str, at: usize) -> String {
        let target = &dest[2..];
        let (path, anchor) = match target.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor.to_string())),
            None => (target, None),
        };
        let Some(url) = self.cx.urls.get(path) else {
            if !self.admit(Code::BrokenLink, at) {
                return "#".to_string();
            }
            let d = Diagnostic::error(
                Code::BrokenLink,
                format!("link to `@/{path}`, which is not a page of this book"),
            )
            .at(self.file, self.body_offset + at)
            .suggest(path, self.cx.urls.keys().map(String::as_str));
            self.out.diagnostics.push(d);
            return "#".to_string();
        };
        self.out.links.push(InternalLink {
            path: path.to_string(),
            anchor: anchor.clone(),
            offset: self.body_offset + at,
        });
        let mut href = relative_url(self.cx.page_url, url);
        if let Some(anchor) = anchor {
            href.push('#');
            href.push_str(&anchor);
        }
        href
    }
}

/// Whether the page gives `id` to one of its own rows or markers: a claim's or fact's row
/// (`claim-<id>`, `fact-<id>`), a reference (`ref-<source>`) or a citation marker
/// (`cite-<source>-<n>`). Headings may not take those ids.
fn is_row_id(cx: &Context, id: &str) -> bool {
    let source = |s: &str| cx.sources.contains_key(s);
    let own_row = cx
        .row_ids
        .get(cx.page_path)
        .is_some_and(|ids| ids.contains(id));
    let reference = id.strip_prefix("ref-").is_some_and(source);
    let marker = id
        .strip_prefix("cite-")
        .and_then(|rest| rest.rsplit_once('-'))
        .is_some_and(|(s, n)| source(s) && n.bytes().all(|b| b.is_ascii_digit()));
    own_row || reference || marker
}

/// The text of a heading's events, for its slug.
fn plain_text(events: &[(Event<'_>, std::ops::Range<usize>)]) -> String {
    let mut text = String::new();
    for (e, _) in events {
        if let Event::Text(t) | Event::Code(t) = e {
            text.push_str(t);
        }
    }
    text
}

mod facts;
mod footnotes;
mod rewrite;

#[cfg(test)]
mod tests;
