//! Footnotes written by the pass itself: numbered by first reference, with back-links and ids
//! under the page's prefix (so several bodies can share the print edition).

use std::collections::HashMap;

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

impl Pass<'_, '_> {
    /// `[^label]` in the text; the first reference carries the id the note links back to.
    pub(super) fn footnote_reference(&mut self, label: &str) -> String {
        let (n, id, first) = self.footnotes.note(label);
        if first && !self.html {
            self.out.note_ids.push(format!("fnref-{id}"));
        }
        let p = self.cx.id_prefix;
        let back = if first {
            format!(" id=\"{p}fnref-{id}\"")
        } else {
            String::new()
        };
        format!("<sup class=\"footnote-reference\"{back}><a href=\"#{p}fn-{id}\">{n}</a></sup>")
    }

    /// The start of `[^label]: ...`, with an id unique on the page.
    pub(super) fn footnote_definition(&mut self, label: &str) -> String {
        let (n, id, _) = self.footnotes.note(label);
        if !self.html {
            self.out.note_ids.push(format!("fn-{id}"));
        }
        let p = self.cx.id_prefix;
        format!("<div class=\"footnote-definition\" id=\"{p}fn-{id}\"><sup class=\"footnote-definition-label\"><a href=\"#{p}fnref-{id}\">{n}</a></sup>")
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
