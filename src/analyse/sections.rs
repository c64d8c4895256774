//! A brief's body cut into sections at its headings, to tell which sections an edit added,
//! removed or changed (the changes page). Headings are found by pulldown-cmark, so a `#` in a
//! code block is not one.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// What an edit did to a body, by section heading; the text before the first heading has the
/// empty heading.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SectionChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

impl SectionChanges {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Compares two bodies section by section. Changes of white space alone (a paragraph
/// re-wrapped) are no change.
pub fn compare(before: &str, after: &str) -> SectionChanges {
    let (was, is) = (sections(before), sections(after));
    let mut out = SectionChanges::default();
    for (heading, text) in &is {
        match was.iter().find(|(h, _)| h == heading) {
            None if heading.is_empty() && text.is_empty() => {}
            None => out.added.push(heading.clone()),
            Some((_, old)) if old != text => out.changed.push(heading.clone()),
            Some(_) => {}
        }
    }
    for (heading, text) in &was {
        let gone = !is.iter().any(|(h, _)| h == heading);
        if gone && !(heading.is_empty() && text.is_empty()) {
            out.removed.push(heading.clone());
        }
    }
    out
}

/// The body's sections as (heading text, words with white space folded), in order. A heading
/// used twice gets its place in the name ("Background (2)"), so that each is compared with
/// its own counterpart.
fn sections(body: &str) -> Vec<(String, String)> {
    let mut cuts: Vec<(String, usize, usize)> = vec![(String::new(), 0, 0)];
    let mut heading: Option<(String, usize)> = None;
    for (event, range) in Parser::new_ext(body, crate::markdown::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some((String::new(), range.start)),
            Event::Text(t) | Event::Code(t) => {
                if let Some((text, _)) = &mut heading {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((text, start)) = heading.take() {
                    cuts.push((text.trim().to_string(), start, range.end));
                }
            }
            _ => {}
        }
    }
    let mut out: Vec<(String, String)> = Vec::with_capacity(cuts.len());
    for (i, (name, _, content_start)) in cuts.iter().enumerate() {
        let end = cuts.get(i + 1).map_or(body.len(), |(_, start, _)| *start);
        let text = body.get(*content_start..end).unwrap_or_default();
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let seen = out.iter().filter(|(n, _)| base_name(n) == name).count();
        let name = if seen == 0 {
            name.clone()
        } else {
            format!("{name} ({})", seen + 1)
        };
        out.push((name, words));
    }
    out
}

/// A section's name without the place `sections` gave a repeated heading.
fn base_name(name: &str) -> &str {
    match name.rsplit_once(" (") {
        Some((base, n)) if n.trim_end_matches(')').bytes().all(|b| b.is_ascii_digit()) => base,
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_added_removed_and_changed_are_named_by_heading() {
        let before = "Opening words.\n\n## Background\n\nOld text.\n\n## Outlook\n\nSoon.\n\n## Gone\n\nBye.\n";
        let after = "Opening   words.\n\n## Background\n\nNew text.\n\n## Outlook\n\nSoon.\n\n## Risks\n\nMany.\n";
        assert_eq!(
            compare(before, after),
            SectionChanges {
                added: vec!["Risks".into()],
                removed: vec!["Gone".into()],
                changed: vec!["Background".into()],
            }
        );
    }

    #[test]
    fn the_opening_counts_and_code_is_not_a_heading() {
        let before = "Intro.\n\n```\n# not a heading\n```\n\n## `Code` title\n\nA.\n";
        let after = "Intro, revised.\n\n```\n# not a heading\n```\n\n## `Code` title\n\nA.\n";
        assert_eq!(
            compare(before, after),
            SectionChanges {
                changed: vec![String::new()],
                ..Default::default()
            }
        );
        assert!(compare(before, before).is_empty());
    }

    #[test]
    fn repeated_headings_are_compared_in_their_places() {
        let before = "## Notes\n\nOne.\n\n## Notes\n\nTwo.\n";
        let after = "## Notes\n\nOne.\n\n## Notes\n\nTwo, and more.\n";
        assert_eq!(compare(before, after).changed, ["Notes (2)"]);
    }
}
