//! The event pass as a stream: each of pulldown-cmark's events is rewritten as the HTML writer
//! (or the scan) asks for it, so a body's events are never all held at once. Collecting them
//! cost twice pulldown-cmark's own memory on pathological bodies (a million events to the MiB,
//! and the vector's doubling on top); see `examples/pathological.rs`.

use std::collections::VecDeque;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::{plain_text, Heading, Pass};
use crate::text::is_safe_url;

/// An event with the byte range of the body it came from.
pub(super) type Located<'a> = (Event<'a>, Range<usize>);

/// The rewritten events of `events`, one at a time.
pub(super) struct Rewrite<'p, 'a, 'c, I> {
    pass: &'p mut Pass<'a, 'c>,
    events: I,
    /// What the last event became, not yet handed on (most events become one).
    pending: VecDeque<Event<'a>>,
    /// Whether this is the whole body (not a heading's or a note's inside), which ends with the
    /// notes section.
    document: bool,
}

impl<'p, 'a, 'c, I: Iterator<Item = Located<'a>>> Rewrite<'p, 'a, 'c, I> {
    pub(super) fn new(pass: &'p mut Pass<'a, 'c>, events: I) -> Self {
        Rewrite {
            pass,
            events,
            pending: VecDeque::new(),
            document: false,
        }
    }

    /// The rewrite of a whole body: after its last event come its notes, if it has any.
    pub(super) fn document(pass: &'p mut Pass<'a, 'c>, events: I) -> Self {
        Rewrite {
            document: true,
            ..Rewrite::new(pass, events)
        }
    }
}

impl<'a, I: Iterator<Item = Located<'a>>> Iterator for Rewrite<'_, 'a, '_, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some(event);
            }
            let Some((event, range)) = self.events.next() else {
                // Once only: the section is taken from the pass.
                let notes = self.document.then(|| self.pass.notes_section()).flatten();
                self.document = false;
                return notes.map(|html| Event::Html(html.into()));
            };
            self.pass
                .rewrite_event(event, range.start, &mut self.events, &mut self.pending);
        }
    }
}

impl<'a> Pass<'a, '_> {
    /// Rewrites one event (at byte `at` of the body) into `out`, taking from `events` what
    /// belongs to it (a heading's text, a code block's lines, a citation's label).
    fn rewrite_event(
        &mut self,
        event: Event<'a>,
        at: usize,
        events: &mut dyn Iterator<Item = Located<'a>>,
        out: &mut VecDeque<Event<'a>>,
    ) {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let inner: Vec<Located<'a>> = events
                    .take_while(|(e, _)| !matches!(e, Event::End(TagEnd::Heading(_))))
                    .collect();
                let start = |level, id| Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                };
                self.heading(level, id.as_deref(), start, inner, at, out);
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(language))) => {
                let code = events
                    .map(|(e, _)| e)
                    .take_while(|e| !matches!(e, Event::End(TagEnd::CodeBlock)))
                    .filter_map(|e| match e {
                        Event::Text(t) => Some(t),
                        _ => None,
                    })
                    .fold(String::new(), |mut code, t| {
                        code.push_str(&t);
                        code
                    });
                if self.html {
                    let highlighted = self.cx.highlighter.highlight(&code, &language);
                    out.push_back(Event::Html(highlighted.into()));
                }
            }
            Event::Start(tag @ Tag::CodeBlock(CodeBlockKind::Indented)) => {
                // Code, not prose: as written, and kept out of the search text.
                out.push_back(Event::Start(tag));
                for (e, _) in &mut *events {
                    let end = matches!(e, Event::End(TagEnd::CodeBlock));
                    out.push_back(e);
                    if end {
                        break;
                    }
                }
            }
            Event::Start(Tag::Link {
                dest_url, title, ..
            }) if dest_url.as_ref() == "@cite" => {
                skip_link_label(events);
                out.push_back(Event::InlineHtml(self.citation(&title, at).into()));
            }
            Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                out.push_back(Event::Start(self.link(tag, at)));
            }
            Event::FootnoteReference(label) => {
                let html = self.footnote_reference(&label);
                out.push_back(Event::InlineHtml(html.into()));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                // Notes are gathered where they are written and shown together at the end.
                let inner: Vec<Located<'a>> = events
                    .take_while(|(e, _)| !matches!(e, Event::End(TagEnd::FootnoteDefinition)))
                    .collect();
                self.footnote_definition(&label, inner);
            }
            Event::Html(html) | Event::InlineHtml(html) if !self.cx.allow_raw_html => {
                out.push_back(Event::Text(html));
            }
            Event::Text(text) if text.contains("{{") => {
                out.extend(self.quote_facts(&text, at));
            }
            Event::Text(ref text) | Event::Code(ref text) => {
                self.keep_text(text);
                out.push_back(event);
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                self.keep_text(" ");
                out.push_back(event);
            }
            other => out.push_back(other),
        }
    }

    /// A heading with its id (`heading_id`), its level moved by the context's offset, and its
    /// text rewritten; noted in the scan.
    fn heading(
        &mut self,
        level: HeadingLevel,
        explicit: Option<&str>,
        start: impl FnOnce(HeadingLevel, Option<CowStr<'a>>) -> Tag<'a>,
        inner: Vec<Located<'a>>,
        at: usize,
        out: &mut VecDeque<Event<'a>>,
    ) {
        let text = plain_text(&inner);
        let id = self.heading_id(explicit, &text, at);
        let shown = format!("{}{id}", self.cx.id_prefix);
        let level =
            HeadingLevel::try_from((level as usize + self.cx.heading_offset as usize).min(6))
                .unwrap_or(HeadingLevel::H6);
        // A link to copy, named for screen readers; not in the print edition, where nobody
        // copies a link from paper.
        let self_link = (self.html && self.on_own_page()).then(|| {
            format!(
                " <a class=\"self-link\" href=\"#{shown}\" aria-label=\"Link to the section {}\">#</a>",
                crate::text::escape_html(&text)
            )
        });
        self.out.headings.push(Heading {
            level: level as u8,
            id,
            text,
        });
        out.push_back(Event::Start(start(level, Some(shown.into()))));
        let rewritten: Vec<Event<'a>> = Rewrite::new(self, inner.into_iter()).collect();
        out.extend(rewritten);
        if let Some(link) = self_link {
            out.push_back(Event::InlineHtml(link.into()));
        }
        out.push_back(Event::End(TagEnd::Heading(level)));
        self.keep_text(" ");
    }

    /// A link or image: `@/` links to the page's relative URL; a URL with a scheme that could
    /// run script dropped (links point to `#`, images to nothing), with a warning.
    fn link(&mut self, tag: Tag<'a>, at: usize) -> Tag<'a> {
        match tag {
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } if dest_url.starts_with("@/") || !is_safe_url(&dest_url) => {
                let dest = if dest_url.starts_with("@/") {
                    self.internal_link(&dest_url, at)
                } else {
                    self.unsafe_url(&dest_url, at);
                    "#".to_string()
                };
                Tag::Link {
                    link_type,
                    dest_url: dest.into(),
                    title,
                    id,
                }
            }
            Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            } if !is_safe_url(&dest_url) => {
                self.unsafe_url(&dest_url, at);
                Tag::Image {
                    link_type,
                    dest_url: "".into(),
                    title,
                    id,
                }
            }
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } if is_relative_url(&dest_url) => {
                self.note_local_link(&dest_url, false, at);
                Tag::Link {
                    link_type,
                    dest_url: self.placed(with_index_page(dest_url)),
                    title,
                    id,
                }
            }
            Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            } if is_relative_url(&dest_url) => {
                self.note_local_link(&dest_url, true, at);
                Tag::Image {
                    link_type,
                    dest_url: self.placed(dest_url),
                    title,
                    id,
                }
            }
            other => other,
        }
    }

    /// A relative URL as it reads on the page shown: one from the site's root (`/img/x.png`)
    /// made relative to the page, so the site works from disk and from any sub-path; any other
    /// as `moved` gives it.
    fn placed<'u>(&self, url: CowStr<'u>) -> CowStr<'u> {
        match url.strip_prefix('/') {
            Some(rooted) => {
                let end = rooted.find(['?', '#']).unwrap_or(rooted.len());
                let (path, rest) = rooted.split_at(end);
                let relative = crate::text::rebase(path, "", self.cx.page_url);
                let relative = relative.unwrap_or_else(|| path.to_string());
                let relative = if relative.is_empty() {
                    "./".to_string()
                } else {
                    relative
                };
                format!("{relative}{rest}").into()
            }
            None => self.moved(url),
        }
    }

    /// A relative URL as it reads on the page shown: unchanged on the body's own page; on
    /// another (`rebase_from`), its path rebased there and its fragment under the id prefix.
    fn moved<'u>(&self, url: CowStr<'u>) -> CowStr<'u> {
        let Some(home) = self.cx.rebase_from else {
            return url;
        };
        if let Some(fragment) = url
            .strip_prefix('#')
            .filter(|f| !f.is_empty() && *f != "top")
        {
            return format!("#{}{fragment}", self.cx.id_prefix).into();
        }
        let end = url.find(['?', '#']).unwrap_or(url.len());
        let (path, rest) = url.split_at(end);
        if path.starts_with('/') {
            return url;
        }
        match crate::text::rebase(path, home, self.cx.page_url) {
            Some(rebased) => format!("{rebased}{rest}").into(),
            None => url,
        }
    }

    /// Keeps a relative link or image for the check against the site's files (the scan only).
    fn note_local_link(&mut self, dest_url: &str, image: bool, at: usize) {
        if self.html {
            return;
        }
        self.out.local_links.push(super::LocalLink {
            url: dest_url.to_string(),
            offset: self.body_offset + at,
            image,
        });
    }
}

/// A relative link to a folder (`../supply/`, `..`) made a link to its page
/// (`../supply/index.html`): opened from disk, a browser shows a folder's listing, not its
/// `index.html`, and the site must work from disk.
fn with_index_page(url: CowStr<'_>) -> CowStr<'_> {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let (path, rest) = url.split_at(end);
    let folder = path.ends_with('/')
        || path == "."
        || path == ".."
        || path.ends_with("/..")
        || path.ends_with("/.");
    if path.is_empty() || !folder {
        return url;
    }
    let slash = if path.ends_with('/') { "" } else { "/" };
    format!("{path}{slash}index.html{rest}").into()
}

/// Whether a URL names a place of this site: no scheme (`https:`, `mailto:`), not
/// protocol-relative (`//host`), and not empty (an empty link goes nowhere and harms nothing).
fn is_relative_url(url: &str) -> bool {
    let url = url.trim();
    if url.is_empty() || url.starts_with("//") {
        return false;
    }
    let scheme_end = url.find([':', '/', '?', '#']);
    !matches!(scheme_end, Some(i) if url[i..].starts_with(':'))
}

/// Skips the events pulldown-cmark made of a citation's label, through the link's end: the
/// label text is the citation.
fn skip_link_label<'a>(events: &mut dyn Iterator<Item = Located<'a>>) {
    let mut depth = 0;
    for (e, _) in events {
        match e {
            Event::Start(Tag::Link { .. }) => depth += 1,
            Event::End(TagEnd::Link) if depth == 0 => break,
            Event::End(TagEnd::Link) => depth -= 1,
            _ => {}
        }
    }
}
