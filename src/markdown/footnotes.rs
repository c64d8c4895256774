//! Footnotes written by the pass itself: numbered by first reference, with back-links and ids
//! under the page's prefix (so several bodies can share the print edition). Definitions are
//! gathered where they are written and shown at the end of the body as one "Notes" section,
//! apart from the reference list: a reader tells an author's aside from a source.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::Event;

use super::rewrite::{Located, Rewrite};
use super::Pass;
use crate::text::IdAllocator;

/// The footnotes of one body: each label's number and id, found in one hash lookup, so a body
/// with tens of thousands of notes costs time linear in its size.
#[derive(Default)]
pub(super) struct Footnotes {
    /// By label: the number (by first reference, as readers count them) and the id.
    notes: HashMap<String, (usize, String)>,
    /// Ids of the notes: two labels with one slug (`a b`, `a-b`) get `a-b` and `a-b-1`.
    ids: IdAllocator,
    /// Labels looked up in all: the work done, which tests hold to one per reference.
    probes: usize,
    /// Numbers of the notes the text refers to: only those have a reference to go back to.
    referenced: HashSet<usize>,
    /// Whether the body defines a note: then it has a notes section.
    any_defined: bool,
    /// Each definition's number, id and content as HTML, for the notes section.
    written: Vec<(usize, String, String)>,
}

impl Footnotes {
    /// The number and id of the note `label`, and whether this is its first mention.
    fn note(&mut self, label: &str) -> (usize, String, bool) {
        self.probes += 1;
        if let Some((n, id)) = self.notes.get(label) {
            return (*n, id.clone(), false);
        }
        let n = self.notes.len() + 1;
        let id = self.ids.unique(&crate::text::slugify(label));
        self.notes.insert(label.to_string(), (n, id.clone()));
        (n, id, true)
    }

    #[cfg(test)]
    pub(super) fn probes(&self) -> usize {
        self.probes
    }
}

impl<'a> Pass<'a, '_> {
    /// `[^label]` in the text; the first reference carries the id the note links back to.
    pub(super) fn footnote_reference(&mut self, label: &str) -> String {
        let (n, id, _) = self.footnotes.note(label);
        let first = self.footnotes.referenced.insert(n);
        if first && !self.html {
            self.out.note_ids.push(format!("fnref-{id}"));
        }
        let p = self.cx.id_prefix;
        let back = if first {
            format!(" id=\"{p}fnref-{id}\"")
        } else {
            String::new()
        };
        format!("<sup class=\"footnote-reference\"{back}><a href=\"#{p}fn-{id}\" aria-label=\"Note {n}\">{n}</a></sup>")
    }

    /// `[^label]: ...` with its content `inner`: rewritten like the text (citations and links
    /// in a note count as anywhere else) and kept, as HTML, for the notes section.
    pub(super) fn footnote_definition(&mut self, label: &str, inner: Vec<Located<'a>>) {
        let (n, id, _) = self.footnotes.note(label);
        if !self.html {
            self.out.note_ids.push(format!("fn-{id}"));
            // The notes section's heading, once, for links to `#footnotes`.
            if !self.footnotes.any_defined {
                self.out.note_ids.push("footnotes".to_string());
            }
        }
        self.footnotes.any_defined = true;
        let events: Vec<Event<'a>> = Rewrite::new(self, inner.into_iter()).collect();
        if !self.html {
            return;
        }
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        self.footnotes.written.push((n, id, html));
    }

    /// The notes section, in number order (a note may be written before or after its text);
    /// nothing when the body has no notes. Taken once, at the end of the body.
    pub(super) fn notes_section(&mut self) -> Option<String> {
        let mut notes = std::mem::take(&mut self.footnotes.written);
        if notes.is_empty() {
            return None;
        }
        notes.sort_by_key(|(n, _, _)| *n);
        let p = self.cx.id_prefix;
        let level = (2 + usize::from(self.cx.heading_offset)).min(6);
        let mut html = format!(
            "<section class=\"footnotes\">\n<h{level} id=\"{p}footnotes\">Notes</h{level}>\n<ol class=\"notes\">\n"
        );
        for (n, id, content) in notes {
            html.push_str(&format!(
                "<li id=\"{p}fn-{id}\"><span class=\"note-number\">{n}.</span>"
            ));
            // Known only now: a note may be written before the text that refers to it.
            let back = self.footnotes.referenced.contains(&n).then(|| {
                format!(" <a class=\"footnote-backref\" href=\"#{p}fnref-{id}\" aria-label=\"Back to the text of note {n}\">↩</a>")
            });
            match (back, content.strip_suffix("</p>\n")) {
                // Inside the note's last paragraph, so that it does not stand on a line of its own.
                (Some(back), Some(text)) => {
                    html.push_str(text);
                    html.push_str(&back);
                    html.push_str("</p>\n");
                }
                (back, _) => {
                    html.push_str(&content);
                    html.push_str(&back.unwrap_or_default());
                }
            }
            html.push_str("</li>\n");
        }
        html.push_str("</ol>\n</section>\n");
        Some(html)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_note_is_one_lookup_however_many_there_are() {
        let mut notes = Footnotes::default();
        let count = 80_000;
        for i in 0..count {
            assert_eq!(notes.note(&format!("n{i}")).0, i + 1);
        }
        for i in (0..count).rev() {
            let (n, id, first) = notes.note(&format!("n{i}"));
            assert_eq!(
                (n, id.as_str(), first),
                (i + 1, format!("n{i}").as_str(), false)
            );
        }
        // A scan of the labels seen so far would have made 3.2 billion comparisons here.
        assert_eq!(notes.probes(), 2 * count);
    }

    #[test]
    fn labels_with_one_slug_get_ids_of_their_own() {
        let mut notes = Footnotes::default();
        assert_eq!(notes.note("a b").1, "a-b");
        assert_eq!(notes.note("a-b").1, "a-b-1");
        assert_eq!(notes.note("a b").1, "a-b");
    }
}
