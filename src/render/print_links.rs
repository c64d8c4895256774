//! What the print edition needs besides its parts: the places of the pages it holds (so that
//! its links stay on the page: a PDF made from it has no web pages to send a reader to), its
//! cover's edition date and authors, and its running head for `@page`. Made once per edition.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::read::book::Book;
use crate::render::views::DateView;

/// The pages the print edition holds, by their folder's URL from the site root, each with the
/// id of its place on the print page: `cover`, `c<chapter>`, `b<brief>`. Ids of a page's own
/// body and rows are under its place and a hyphen (`b3-fact-x`).
pub(crate) struct Places {
    pub by_folder: HashMap<String, String>,
}

impl Places {
    pub fn of(book: &Book) -> Places {
        let mut by_folder = HashMap::with_capacity(book.briefs.len() + book.chapters.len() + 1);
        by_folder.insert(String::new(), "cover".to_string());
        for (c, chapter) in book.chapters.iter().enumerate() {
            by_folder.insert(chapter.url.clone(), format!("c{c}"));
        }
        for (b, brief) in book.briefs.iter().enumerate() {
            by_folder.insert(brief.url.clone(), format!("b{b}"));
        }
        Places { by_folder }
    }

    /// A link from the site root (`chips/h20/index.html#fact-x`) as a link on the print page
    /// (`#b3-fact-x`); a page the print edition does not hold keeps its URL, from `print/`.
    pub fn href(&self, url: &str) -> String {
        let (path, fragment) = url.split_once('#').unwrap_or((url, ""));
        let folder = path.strip_suffix("index.html").unwrap_or(path);
        match (self.by_folder.get(folder), fragment) {
            (Some(place), "") => format!("#{place}"),
            (Some(place), fragment) => format!("#{place}-{fragment}"),
            (None, _) => format!("../{url}"),
        }
    }

    /// A brief's view with the links its print part shows (conflicting facts, related and
    /// linking briefs) made links on the print page.
    pub fn localize_view(&self, view: &mut Value) {
        let mut fix = |item: &mut Value| {
            if let Some(Value::String(url)) = item.get_mut("url") {
                *url = self.href(url);
            }
        };
        for key in ["related", "linked_from"] {
            if let Some(Value::Array(links)) = view.get_mut(key) {
                links.iter_mut().for_each(&mut fix);
            }
        }
        if let Some(Value::Array(facts)) = view.get_mut("facts") {
            for fact in facts {
                if let Some(Value::Array(twins)) = fact.get_mut("conflicts_with") {
                    twins.iter_mut().for_each(&mut fix);
                }
            }
        }
    }
}

/// The edition's date: the latest date (or `updated`) of its briefs.
pub(crate) fn edition_date(book: &Book) -> Option<DateView> {
    let latest = book
        .briefs
        .iter()
        .map(|b| b.brief.updated.unwrap_or(b.brief.date))
        .max();
    latest.map(Into::into)
}

/// The authors of the book's briefs, each once, in the order readers meet them.
pub(crate) fn authors(book: &Book) -> Vec<&str> {
    let mut seen = HashSet::new();
    book.briefs
        .iter()
        .flat_map(|b| b.brief.authors.iter().map(String::as_str))
        .filter(|a| seen.insert(*a))
        .collect()
}

/// `text` as a CSS string, safe inside a `<style>` element: quotes, backslashes, angle brackets
/// and control characters escaped.
pub(crate) fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\' | '<' | '>' | '&') || c.is_control() {
            out.push_str(&format!("\\{:x} ", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Places {
        let by_folder = [("chips/h20/", "b0"), ("chips/", "c0"), ("", "cover")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        Places { by_folder }
    }

    #[test]
    fn links_to_held_pages_become_places_on_the_print_page() {
        let p = places();
        assert_eq!(p.href("chips/h20/index.html#fact-x"), "#b0-fact-x");
        assert_eq!(p.href("chips/h20/index.html"), "#b0");
        assert_eq!(p.href("chips/index.html"), "#c0");
        assert_eq!(p.href("index.html#intro"), "#cover-intro");
        assert_eq!(p.href("sources/index.html#s"), "../sources/index.html#s");
    }

    #[test]
    fn view_links_are_localized() {
        let mut view = serde_json::json!({
            "related": [{"url": "chips/h20/index.html"}],
            "linked_from": [],
            "facts": [{"conflicts_with": [{"url": "chips/h20/index.html#fact-1"}]}],
        });
        places().localize_view(&mut view);
        assert_eq!(view["related"][0]["url"], "#b0");
        assert_eq!(view["facts"][0]["conflicts_with"][0]["url"], "#b0-fact-1");
    }

    #[test]
    fn css_strings_cannot_end_their_rule_or_their_element() {
        assert_eq!(
            css_string("A \"B\" </style>"),
            "\"A \\22 B\\22  \\3c /style\\3e \""
        );
        assert_eq!(css_string("Chips"), "\"Chips\"");
    }

    #[test]
    fn task_boxes_become_marks() {
        let html = "<li><input disabled=\"\" type=\"checkbox\"/>\na</li><li><input disabled=\"\" type=\"checkbox\" checked=\"\"/>\nb</li>".to_string();
        let paper = crate::markdown::task_marks(html);
        assert!(!paper.contains("<input"));
        assert!(paper.contains("aria-label=\"to do\">☐</span>") && paper.contains("☑"));
    }
}
