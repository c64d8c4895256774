//! The book's contents as the sidebar lists them (`contents.html`), rendered once per build for
//! each way back to the root rather than once per page: in a book of chapters of 100 briefs,
//! each of 10,000 pages walked a hundred chapters through Tera (a second of a build).

use std::collections::HashMap;

use tera::Context;

use crate::diagnostic::Diagnostic;
use crate::read::book::Book;
use crate::render::views::ChapterNav;
use crate::render::Renderer;

/// The template that renders the contents; `base.html` shows its output as `contents_html`.
pub const TEMPLATE: &str = "contents.html";

/// The contents rendered for each `root` a page of the book can have.
#[derive(Default)]
pub(crate) struct Nav {
    by_root: HashMap<String, String>,
}

impl Nav {
    /// The contents for every root of `book`'s pages, and for `base_url` (the 404 page's root),
    /// with the book-wide values of every page's context (`base`: `config`, `indexes`,
    /// `edition`). A broken `contents.html` is reported once; the pages then show no contents.
    pub(crate) fn render(
        renderer: &Renderer,
        book: &Book,
        base: &Context,
        contents: &[ChapterNav],
    ) -> (Nav, Option<Diagnostic>) {
        let mut cx = base.clone();
        cx.insert("contents", contents);
        let mut by_root = HashMap::new();
        for root in roots(book) {
            cx.insert("root", &root);
            match renderer.render(TEMPLATE, &cx) {
                Ok(bytes) => by_root.insert(root, String::from_utf8(bytes).unwrap_or_default()),
                Err(e) => return (Nav::default(), Some(e)),
            };
        }
        (Nav { by_root }, None)
    }

    /// The contents for a page whose way back to the root is `root`.
    pub(crate) fn html(&self, root: &str) -> Option<&str> {
        self.by_root.get(root).map(String::as_str)
    }
}

/// Every `root` a page can have: `./` for the cover, `../` per folder down to the deepest brief
/// (one below its chapter) or tag page (two down), and `base_url`.
fn roots(book: &Book) -> Vec<String> {
    let deepest = book
        .chapters
        .iter()
        .map(|c| c.url.split('/').filter(|s| !s.is_empty()).count() + 1)
        .max()
        .unwrap_or(0)
        .max(2);
    // The root of a page `depth` folders down, as every page's context gives it.
    let mut roots: Vec<String> = (0..=deepest)
        .map(|depth| crate::text::root_prefix(&"x/".repeat(depth)))
        .collect();
    roots.push(book.config.base_url.clone());
    roots
}

/// Which of the book-wide names the templates use, found once when they are compiled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Named {
    /// `contents` (or the whole context): only then do pages' contexts carry it. Made Tera
    /// values for each of 10,000 pages, a hundred chapters cost a twentieth of a build, and the
    /// default theme shows `contents_html` instead.
    pub contents: bool,
    /// `contents_html`: only then is `contents.html` rendered (a theme may have a
    /// `contents.html` of its own that expects a page's context, and shows it otherwise).
    pub contents_html: bool,
}

/// What `templates` name. The default theme's `contents.html` is left out of the search for
/// `contents`, which it is given when it is rendered; a theme's own `contents.html` is not: it
/// may be included by a page and expect `contents` there. A word that only looks like a name
/// (in a string, say) costs time, never output.
pub(crate) fn named(templates: &[(String, String)]) -> Named {
    let default = crate::render::theme::TEMPLATES
        .iter()
        .find(|(name, _)| *name == TEMPLATE)
        .map(|(_, text)| *text);
    let searched = templates
        .iter()
        .filter(|(name, text)| !(name == TEMPLATE && Some(text.as_str()) == default));
    let mut found = Named::default();
    for tag in searched.flat_map(|(_, text)| tags(text)) {
        found.contents |= tag.contains("__tera_context") || names(tag, "contents");
        found.contents_html |= tag.contains("__tera_context") || names(tag, "contents_html");
    }
    found
}

/// The insides of a template's `{{ }}` and `{% %}` tags.
fn tags(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let open = rest.find("{{").into_iter().chain(rest.find("{%")).min()?;
        let close = if &rest[open..open + 2] == "{{" {
            "}}"
        } else {
            "%}"
        };
        let inside = &rest[open + 2..];
        let end = inside.find(close).unwrap_or(inside.len());
        rest = &inside[end..];
        Some(&inside[..end])
    })
}

/// Whether `tag` holds `word` as a variable of its own, not part of a longer name or a field.
fn names(tag: &str, word: &str) -> bool {
    let part_of_name = |c: char| c.is_alphanumeric() || c == '_';
    tag.match_indices(word).any(|(at, _)| {
        let before = tag[..at].chars().next_back();
        let after = tag[at + word.len()..].chars().next();
        !before.is_some_and(|c| part_of_name(c) || c == '.') && !after.is_some_and(part_of_name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(text: &str) -> bool {
        super::named(&[("base.html".into(), text.into())]).contents
    }

    #[test]
    fn only_a_template_that_names_contents_gets_it() {
        assert!(named("{% for c in contents %}{{ c.title }}{% endfor %}"));
        assert!(named("{{ contents | length }}"));
        assert!(named("{{ __tera_context }}"));
        assert!(!named(
            "<nav class=\"contents\">Contents {{ contents_html | safe }}</nav>"
        ));
        assert!(!named("{{ print_contents }} {{ cover.contents }}"));
        // A theme's own `contents.html` is searched: a page may include it.
        assert!(super::named(&[(TEMPLATE.into(), "{{ contents }}".into())]).contents,);
    }

    #[test]
    fn contents_html_is_made_only_for_a_theme_that_shows_it() {
        assert!(
            super::named(&[("base.html".into(), "{{ contents_html | safe }}".into())])
                .contents_html
        );
        assert!(!super::named(&[("base.html".into(), "{{ contents }}".into())]).contents_html);
    }

    #[test]
    fn the_default_theme_does_not_name_contents() {
        let templates: Vec<(String, String)> = crate::render::theme::TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let named = super::named(&templates);
        assert!(!named.contents);
        assert!(named.contents_html);
    }
}
