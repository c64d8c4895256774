//! A Markdown body as Typst markup: pulldown-cmark's events, with the book's citations, `@/`
//! links, quoted facts, footnotes and co-located images, every text escaped.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use pulldown_cmark::{Alignment, BrokenLink, CodeBlockKind, CowStr, Event, Parser, Tag, TagEnd};

use crate::markdown::{FactIndex, Heading};
use crate::model::Source;
use crate::pdf::escape::{markup, string};
use crate::pdf::labels::{self, Labels};

/// What a body needs from the rest of the book.
pub struct BodyContext<'a> {
    pub sources: &'a BTreeMap<String, Source>,
    /// The body's content path (`chips/h20.md`): its labels and bare fact ids are its own.
    pub page_path: &'a str,
    /// Source ids in the order first cited: the citation numbers (empty outside briefs).
    pub cited: &'a [String],
    /// The body's headings with their ids, in order, as the scan found them.
    pub headings: &'a [Heading],
    /// The level of the page's own title: body headings go below it.
    pub level: usize,
    pub facts: &'a FactIndex,
    pub labels: &'a Labels,
    /// Files images may show, by path under `content/`.
    pub images: &'a BTreeMap<String, PathBuf>,
    pub allow_raw_html: bool,
    /// Makes the labels of this body's footnotes unique in the document.
    pub footnote_prefix: &'a str,
}

/// The body as markup.
pub fn body(markdown: &str, cx: &BodyContext) -> String {
    let mut callback = |link: BrokenLink<'_>| {
        let citation = link.reference.trim_start().starts_with('@');
        citation.then(|| (CowStr::from("@cite"), link.reference.into_static()))
    };
    let parser = Parser::new_with_broken_link_callback(
        markdown,
        crate::markdown::options(),
        Some(&mut callback),
    );
    let events: Vec<Event> = parser.collect();
    let notes = footnote_definitions(&events, cx);
    let mut writer = Writer::new(cx, &notes);
    writer.heading_ids = heading_ids(&events, cx.headings);
    writer.run(&events, true);
    writer.out
}

/// Each footnote's text, by label, written where it is first referenced.
fn footnote_definitions(events: &[Event], cx: &BodyContext) -> HashMap<String, String> {
    let empty = HashMap::new();
    let mut notes = HashMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::FootnoteDefinition(label)) = &events[i] {
            let end = block_end(events, i);
            let mut writer = Writer::new(cx, &empty);
            writer.run(&events[i + 1..end], false);
            notes
                .entry(label.to_string())
                .or_insert_with(|| writer.out.trim_end().to_string());
            i = end;
        }
        i += 1;
    }
    notes
}

/// The index of the event that closes the block opened at `start`.
fn block_end(events: &[Event], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, event) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1).max(start)
}

/// The id of each heading, by event index: the scan's ids, in the same order.
fn heading_ids(events: &[Event], headings: &[Heading]) -> HashMap<usize, String> {
    let starts = events
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e, Event::Start(Tag::Heading { .. })))
        .map(|(i, _)| i);
    starts.zip(headings.iter().map(|h| h.id.clone())).collect()
}

struct Writer<'c, 'n> {
    cx: &'c BodyContext<'c>,
    notes: &'n HashMap<String, String>,
    out: String,
    /// What closes each open element.
    closers: Vec<String>,
    heading_ids: HashMap<usize, String>,
    /// Footnotes already placed, with their labels.
    placed: HashMap<String, String>,
}

impl<'c, 'n> Writer<'c, 'n> {
    fn new(cx: &'c BodyContext<'c>, notes: &'n HashMap<String, String>) -> Self {
        Writer {
            cx,
            notes,
            out: String::new(),
            closers: Vec::new(),
            heading_ids: HashMap::new(),
            placed: HashMap::new(),
        }
    }

    /// Writes `events`; `main` is false inside a footnote, whose headings take no labels.
    fn run(&mut self, events: &[Event], main: bool) {
        let mut i = 0;
        while i < events.len() {
            i = self.event(events, i, main) + 1;
        }
        // Whatever a malformed stream left open is closed, so the markup stays balanced.
        while let Some(closer) = self.closers.pop() {
            self.out.push_str(&closer);
        }
    }

    /// Writes the event at `i`; returns the index of the last event it used.
    fn event(&mut self, events: &[Event], i: usize, main: bool) -> usize {
        match &events[i] {
            Event::Start(Tag::FootnoteDefinition(_)) => return block_end(events, i),
            Event::Start(Tag::CodeBlock(kind)) => return self.code_block(events, i, kind),
            Event::Start(Tag::Image { dest_url, .. }) => return self.image(events, i, dest_url),
            Event::Start(Tag::Link {
                dest_url, title, ..
            }) if dest_url.as_ref() == "@cite" => {
                self.citation(title);
                return block_end(events, i);
            }
            Event::Start(Tag::Heading { level, .. }) => {
                let id = main.then(|| self.heading_ids.get(&i).cloned()).flatten();
                self.heading(*level as usize, id);
            }
            Event::Start(tag) => self.start(tag),
            Event::End(TagEnd::FootnoteDefinition) => {}
            Event::End(_) => {
                if let Some(closer) = self.closers.pop() {
                    self.out.push_str(&closer);
                }
            }
            Event::Text(text) => self.text(text),
            Event::Code(code) => {
                self.out.push_str(&format!("#raw({});", string(code)));
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                // Raw HTML means nothing on paper; where the site shows it as text, so does this.
                if !self.cx.allow_raw_html {
                    self.out.push_str(&markup(html));
                }
            }
            Event::FootnoteReference(label) => self.footnote(label),
            Event::SoftBreak => self.out.push_str("#\" \";"),
            Event::HardBreak => self.out.push_str("#linebreak();"),
            Event::Rule => self
                .out
                .push_str("\n#line(length: 100%, stroke: 0.5pt + luma(190))\n"),
            Event::TaskListMarker(done) => {
                self.out
                    .push_str(&markup(if *done { "[x] " } else { "[ ] " }));
            }
            Event::InlineMath(text) | Event::DisplayMath(text) => self.text(text),
        }
        i
    }

    fn open(&mut self, opening: &str, closer: &str) {
        self.out.push_str(opening);
        self.closers.push(closer.to_string());
    }

    fn start(&mut self, tag: &Tag) {
        match tag {
            Tag::Paragraph => self.open("", "\n\n"),
            Tag::BlockQuote(_) => self.open("#quote(block: true)[", "]\n"),
            Tag::List(Some(first)) => self.open(&format!("\n#enum(start: {first}, "), ")\n"),
            Tag::List(None) => self.open("\n#list(", ")\n"),
            Tag::Item => self.open("[", "],"),
            Tag::Table(alignments) => self.table(alignments),
            Tag::TableHead => self.open("table.header(", "),"),
            Tag::TableRow => self.open("", ""),
            Tag::TableCell => self.open("[", "],"),
            Tag::Emphasis => self.open("#emph[", "]"),
            Tag::Strong => self.open("#strong[", "]"),
            Tag::Strikethrough => self.open("#strike[", "]"),
            Tag::Link { dest_url, .. } => self.link(dest_url),
            // Extensions the book's Markdown does not turn on: their text is kept.
            _ => self.open("", ""),
        }
    }

    fn heading(&mut self, level: usize, id: Option<String>) {
        let level = self.cx.level + level.saturating_sub(1).max(1);
        let label = id
            .map(|id| labels::anchor(self.cx.page_path, &id))
            .filter(|l| self.cx.labels.contains(l))
            .map(|l| format!("#label({})", string(&l)))
            .unwrap_or_default();
        self.open(
            &format!("\n#heading(level: {level}, outlined: false, bookmarked: false)["),
            &format!("]{label}\n"),
        );
    }

    fn table(&mut self, alignments: &[Alignment]) {
        let align: Vec<&str> = alignments
            .iter()
            .map(|a| match a {
                Alignment::None | Alignment::Left => "left",
                Alignment::Center => "center",
                Alignment::Right => "right",
            })
            .collect();
        let columns = alignments.len().max(1);
        self.open(
            &format!(
                "\n#table(columns: {columns}, align: ({},), ",
                align.join(", ")
            ),
            ")\n",
        );
    }

    /// A web link stays a web link; an `@/` link goes to its place in this document; any other
    /// link (a file of the site) is kept as its text.
    fn link(&mut self, dest: &str) {
        if let Some(target) = dest.strip_prefix("@/") {
            let label = match target.split_once('#') {
                Some((path, anchor)) => labels::anchor(path, anchor),
                None => target.to_string(),
            };
            if self.cx.labels.contains(&label) {
                return self.open(&format!("#link(label({}))[", string(&label)), "]");
            }
        } else if is_web(dest) {
            return self.open(&format!("#link({})[", string(dest)), "]");
        }
        self.open("", "");
    }

    fn text(&mut self, text: &str) {
        if !text.contains("{{") {
            self.out.push_str(&markup(text));
            return;
        }
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            let (before, call) = rest.split_at(start);
            self.out.push_str(&markup(before));
            match crate::markdown::parse_fact_call(call) {
                Some((length, id)) => {
                    self.quoted_fact(&id);
                    rest = &call[length..];
                }
                None => {
                    self.out.push_str(&markup("{{"));
                    rest = &call[2..];
                }
            }
        }
        self.out.push_str(&markup(rest));
    }

    /// A quoted fact: its value, linked to its row.
    fn quoted_fact(&mut self, id: &str) {
        let (path, fact) = match id.split_once('#') {
            Some((path, fact)) => (path.trim_start_matches("@/"), fact),
            None => (self.cx.page_path, id),
        };
        let key = (path.to_string(), fact.to_string());
        let Some(quoted) = self.cx.facts.get(&key) else {
            self.out
                .push_str(&markup(&format!("{{{{ fact(id=\"{id}\") }}}}")));
            return;
        };
        let label = labels::anchor(path, &format!("fact-{fact}"));
        if self.cx.labels.contains(&label) {
            self.out.push_str(&format!(
                "#link(label({}))[{}]",
                string(&label),
                markup(&quoted.display)
            ));
        } else {
            self.out.push_str(&markup(&quoted.display));
        }
    }

    /// `[@a; @b, p. 4]` as superscript numbers linking to the brief's references.
    fn citation(&mut self, label: &str) {
        let mut parts = Vec::new();
        for part in label.split(';') {
            let part = part.trim().trim_start_matches('@');
            let (id, locator) = match part.split_once(',') {
                Some((id, locator)) => (id.trim(), Some(locator.trim())),
                None => (part.trim(), None),
            };
            let locator = locator
                .map(|l| markup(&format!(", {l}")))
                .unwrap_or_default();
            let number = self.cx.cited.iter().position(|c| c == id).map(|n| n + 1);
            let target = labels::anchor(self.cx.page_path, &format!("ref-{id}"));
            match number {
                Some(n) if self.cx.labels.contains(&target) => parts.push(format!(
                    "#link(label({}))[#\"{n}\";]{locator}",
                    string(&target)
                )),
                _ => match self.cx.sources.get(id) {
                    Some(source) => parts.push(format!("{}{locator}", markup(&source.title))),
                    None => parts.push(markup(part)),
                },
            }
        }
        self.out
            .push_str(&format!("#super[#\"[\";{}#\"]\";]", parts.join("#\"; \";")));
    }

    fn footnote(&mut self, label: &str) {
        if let Some(placed) = self.placed.get(label) {
            self.out
                .push_str(&format!("#footnote(label({}))", string(placed)));
            return;
        }
        let Some(note) = self.notes.get(label) else {
            self.out.push_str(&markup(&format!("[^{label}]")));
            return;
        };
        let name = format!("{}§fn{}", self.cx.footnote_prefix, self.placed.len() + 1);
        self.out
            .push_str(&format!("#footnote[{note}]#label({})", string(&name)));
        self.placed.insert(label.to_string(), name);
    }

    fn code_block(&mut self, events: &[Event], i: usize, kind: &CodeBlockKind) -> usize {
        let end = block_end(events, i);
        let code: String = events[i + 1..end]
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let lang = match kind {
            CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or(""),
            CodeBlockKind::Indented => "",
        };
        let lang = if lang.is_empty() {
            String::new()
        } else {
            format!("lang: {}, ", string(lang))
        };
        let code = code.strip_suffix('\n').unwrap_or(&code);
        self.out
            .push_str(&format!("\n#raw(block: true, {lang}{})\n", string(code)));
        end
    }

    /// An image co-located with the page, shown; any other image is its description.
    fn image(&mut self, events: &[Event], i: usize, dest: &str) -> usize {
        let end = block_end(events, i);
        let alt: String = events[i + 1..end]
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        // PDF/A holds an alt text of at most 32,767 bytes; a description needs far less.
        let alt: String = alt.chars().take(1000).collect();
        match self.image_path(dest) {
            Some(path) => self.out.push_str(&format!(
                "#box(image({}, alt: {}))",
                string(&format!("{}{path}", crate::pdf::world::CONTENT_DIR)),
                string(&alt)
            )),
            None => self.out.push_str(&markup(&format!("[{alt}]"))),
        }
        end
    }

    /// The content path of an image beside the page, when the typesetter can show it.
    fn image_path(&self, dest: &str) -> Option<String> {
        if dest.contains(':') || dest.starts_with('/') {
            return None;
        }
        let dest = dest.split(['#', '?']).next()?;
        let dest = percent_encoding::percent_decode_str(dest)
            .decode_utf8()
            .ok()?;
        let folder = match self.cx.page_path.rsplit_once('/') {
            Some((folder, _)) => format!("{folder}/"),
            None => String::new(),
        };
        let path = normalise(&format!("{folder}{dest}"))?;
        let extension = path.rsplit('.').next()?.to_ascii_lowercase();
        let shown = ["png", "jpg", "jpeg", "gif", "svg"].contains(&extension.as_str());
        (shown && self.cx.images.contains_key(&path)).then_some(path)
    }
}

/// A path with `.` and `..` worked out; none when it leaves `content/`.
fn normalise(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

fn is_web(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(markdown: &str, cited: &[String], labels: &Labels) -> String {
        let (sources, facts, images) = (BTreeMap::new(), FactIndex::new(), BTreeMap::new());
        let cx = BodyContext {
            sources: &sources,
            page_path: "c/x.md",
            cited,
            headings: &[],
            level: 2,
            facts: &facts,
            labels,
            images: &images,
            allow_raw_html: false,
            footnote_prefix: "c/x.md",
        };
        body(markdown, &cx)
    }

    #[test]
    fn text_is_a_string_literal_and_structure_is_markup() {
        let out = convert("A #b $c *d*", &[], &Labels::default());
        assert_eq!(out, "#\"A #b $c \";#emph[#\"d\";]\n\n");
    }

    #[test]
    fn a_citation_links_to_its_reference_by_number() {
        let mut labels = Labels::default();
        labels.insert("c/x.md#ref-s".into());
        let out = convert("See [@s, p. 4].", &["s".to_string()], &labels);
        assert!(
            out.contains(
                "#super[#\"[\";#link(label(\"c/x.md#ref-s\"))[#\"1\";]#\", p. 4\";#\"]\";]"
            ),
            "{out}"
        );
    }

    #[test]
    fn a_link_to_a_place_the_pdf_lacks_is_its_text() {
        let mut labels = Labels::default();
        labels.insert("c/y.md".into());
        let out = convert(
            "[y](@/c/y.md) [z](@/c/z.md#h) [w](https://e.org/)",
            &[],
            &labels,
        );
        assert!(out.contains("#link(label(\"c/y.md\"))[#\"y\";]"), "{out}");
        assert!(!out.contains("c/z.md"), "{out}");
        assert!(out.contains("#link(\"https://e.org/\")[#\"w\";]"), "{out}");
    }

    #[test]
    fn a_footnote_is_placed_once_and_referred_to_after() {
        let out = convert("A[^n] b[^n].\n\n[^n]: The *note*.", &[], &Labels::default());
        assert!(
            out.contains("#footnote[#\"The \";#emph[#\"note\";]#\".\";]#label(\"c/x.md§fn1\")"),
            "{out}"
        );
        assert!(out.contains("#footnote(label(\"c/x.md§fn1\"))"), "{out}");
    }
}
