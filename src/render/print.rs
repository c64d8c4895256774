//! The print edition, `print/index.html`: the whole book on one page in reading order (cover
//! with its edition date and authors, the book's key judgments, contents, chapters, briefs with
//! their key judgments, claims, facts and references), written in parts so a large book is
//! never whole in memory. A build makes each brief's own page in the same pass, so that its
//! body is rendered and its view built once for both. Links to the pages it holds are links on
//! the page (`print_links`).

use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::markdown::relocate::{relocate, Move};
use crate::model::index_pages::IndexPage;
use crate::render::print_links::{self, Places};
use crate::render::{
    brief_page_value, brief_view, context, context_of, view_value, Inputs, Renderer, Shared, Sink,
};

/// `IndexPage::Print`'s URL, as a constant for the movers of links.
const URL: &str = "print/";
const PATH: &str = "print/index.html";
/// Where `print.html` puts the chapters and briefs (`{{ print_body | safe }}`).
const BODY_MARK: &str = "\u{1}briefbook-print-body\u{1}";
/// Chapters and briefs rendered at once before they are appended.
const ITEMS_PER_PART: usize = 64;

#[derive(Serialize)]
struct Entry<'a> {
    title: &'a str,
    anchor: String,
    depth: usize,
    briefs: Vec<(&'a str, String)>,
}

/// A chapter's part of the print edition as `print_item.html` sees it. A brief's part has the
/// same shape (`kind`, `anchor`, `prefix`, `brief`, `html`) but is built as a JSON value directly,
/// so that its view is moved into it rather than copied.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Item<'a> {
    Chapter {
        anchor: String,
        title: &'a str,
        summary: Option<&'a str>,
        content: String,
        depth: usize,
    },
}

/// A part as rendered: the error of the brief's own page, if any, and the part's bytes.
type RenderedPart = (Option<Diagnostic>, Result<Vec<u8>, Diagnostic>);

/// One part of the reading order: a chapter heading or a brief.
#[derive(Clone, Copy)]
enum Part {
    Chapter(usize),
    Brief(usize),
}

/// Every brief's own page and the print edition, from one rendering of each body and one view of
/// each brief: the costliest pass of a build, made once for both. Returns every error.
pub(crate) fn brief_pages_with_print_edition(
    renderer: &Renderer,
    shared: &Shared,
    inputs: &Inputs,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    one_pass(renderer, shared, inputs, sink, true)
}

/// The print edition alone.
pub(crate) fn print_edition_alone(
    renderer: &Renderer,
    shared: &Shared,
    inputs: &Inputs,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    one_pass(renderer, shared, inputs, sink, false)
}

/// Writes the print edition and, with `pages`, every brief's own page.
fn one_pass(
    renderer: &Renderer,
    shared: &Shared,
    inputs: &Inputs,
    sink: &dyn Sink,
    pages: bool,
) -> Vec<Diagnostic> {
    let book = inputs.book;
    let places = Places::of(book);
    let mut errors = Vec::new();
    // A broken print template must not cost the brief pages: they are still rendered.
    let frame = match frame(renderer, shared, inputs, &places) {
        Ok(frame) => Some(frame),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    if !pages && frame.is_none() {
        return errors;
    }
    let mut print = |bytes: &[u8]| {
        if frame.is_some() {
            if let Err(e) = sink.append(PATH, bytes) {
                errors.push(e);
            }
        }
    };
    // Parts only (no whole-file write first), so that a reused output folder can compare them.
    print(frame.as_ref().map_or(&b""[..], |(head, _)| head.as_bytes()));
    let parts: Vec<Part> = book
        .chapters
        .iter()
        .enumerate()
        .flat_map(|(c, chapter)| {
            std::iter::once(Part::Chapter(c)).chain(chapter.briefs.iter().map(|&b| Part::Brief(b)))
        })
        .collect();
    let mut page_errors = Vec::new();
    for chunk in parts.chunks(ITEMS_PER_PART) {
        let rendered: Vec<RenderedPart> = chunk
            .par_iter()
            .map(|&part| {
                let at = At {
                    inputs,
                    places: &places,
                };
                render_part(renderer, shared, at, sink, part, pages)
            })
            .collect();
        let mut text = Vec::new();
        for (page_error, part) in rendered {
            page_errors.extend(page_error);
            match part {
                Ok(part) => text.extend_from_slice(&part),
                Err(e) => page_errors.push(e),
            }
        }
        print(&text);
    }
    print(frame.as_ref().map_or(&b""[..], |(_, tail)| tail.as_bytes()));
    errors.extend(page_errors);
    errors
}

/// The page around the chapters and briefs: `print.html` rendered once and cut at the mark.
fn frame(
    renderer: &Renderer,
    shared: &Shared,
    inputs: &Inputs,
    places: &Places,
) -> Result<(String, String), Diagnostic> {
    let book = inputs.book;
    let mut cx = context(
        shared,
        URL,
        IndexPage::Print.name(),
        &book.config.title,
        &book.config.description,
    );
    let contents: Vec<Entry> = book
        .chapters
        .iter()
        .enumerate()
        .map(|(c, chapter)| Entry {
            title: &chapter.section.header.title,
            anchor: format!("c{c}"),
            depth: chapter.depth,
            briefs: chapter
                .briefs
                .iter()
                .map(|&b| (book.briefs[b].brief.header.title.as_str(), format!("b{b}")))
                .collect(),
        })
        .collect();
    cover(&mut cx, At { inputs, places });
    cx.insert("print_contents", &contents);
    cx.insert("print_body", BODY_MARK);
    let page = String::from_utf8(renderer.render("print.html", &cx)?).unwrap_or_default();
    let mut pieces = page.split(BODY_MARK);
    match (pieces.next(), pieces.next(), pieces.next()) {
        (Some(head), Some(tail), None) => Ok((head.to_string(), tail.to_string())),
        _ => Err(Diagnostic::error(
            Code::Template,
            "print.html must contain `{{ print_body | safe }}` exactly once",
        )),
    }
}

/// What every part of the print edition is rendered with: the inputs, and the places of the
/// pages it holds.
#[derive(Clone, Copy)]
struct At<'a> {
    inputs: &'a Inputs<'a>,
    places: &'a Places,
}

impl At<'_> {
    /// A body as the print page shows it: its ids under `place-`, its headings `heading_offset`
    /// levels down, its links to pages the edition holds made links on the page. `page` is the
    /// body's own page URL and its content path.
    fn section_html(
        &self,
        file: &crate::diagnostic::SourceFile,
        header: &crate::model::PageHeader,
        page: (&str, &str),
        place: &str,
        heading_offset: u8,
    ) -> String {
        let own = self.inputs.body_html(file, header, page);
        self.moved(own, file, header, page, place, heading_offset)
    }

    /// `own`, a body's HTML made for its own page, moved onto the print page.
    fn moved(
        &self,
        own: String,
        file: &crate::diagnostic::SourceFile,
        header: &crate::model::PageHeader,
        page: (&str, &str),
        place: &str,
        heading_offset: u8,
    ) -> String {
        let prefix = format!("{place}-");
        if self.inputs.markdown.allow_raw_html {
            // The editors' own HTML may not be in the form `relocate` reads: rendered again for
            // the print page, its links to other pages lead to those pages.
            self.inputs
                .body_html_with(file, header, (URL, page.1), page.0, &prefix, heading_offset)
        } else {
            let to_print = Move {
                from: page.0,
                to: URL,
                id_prefix: &prefix,
                heading_offset,
                inside: Some(&self.places.by_folder),
            };
            relocate(&own, &to_print)
        }
    }
}

/// What the print edition opens with: the cover (with the edition's date, the authors and the
/// running head) and the book's key judgments, linked to their rows on the page.
fn cover(cx: &mut tera::Context, at: At) {
    let book = at.inputs.book;
    let cover = &book.cover;
    cx.insert("cover_title", &cover.header.title);
    cx.insert("cover_summary", &cover.header.summary);
    cx.insert(
        "cover_content",
        &at.section_html(&cover.file, &cover.header, ("", &cover.path), "cover", 0),
    );
    cx.insert("edition", &print_links::edition_date(book));
    cx.insert("authors", &print_links::authors(book));
    cx.insert("running_head", &print_links::css_string(&book.config.title));
    let mut key_judgments = crate::render::pages::key_judgments(book);
    let judgments = key_judgments
        .iter_mut()
        .flat_map(|k| k.judgments.iter_mut());
    for judgment in judgments {
        judgment.url = at.places.href(&judgment.url);
    }
    cx.insert("key_judgments", &key_judgments);
}

/// One part of the print edition; for a brief with `pages`, also its page, written to `sink`
/// (the page's error comes first).
fn render_part(
    renderer: &Renderer,
    shared: &Shared,
    at: At,
    sink: &dyn Sink,
    part: Part,
    pages: bool,
) -> RenderedPart {
    let book = at.inputs.book;
    let item = match part {
        Part::Chapter(c) => {
            let chapter = &book.chapters[c];
            let header = &chapter.section.header;
            let page = (chapter.url.as_str(), chapter.section.path.as_str());
            Item::Chapter {
                anchor: format!("c{c}"),
                title: &header.title,
                summary: header.summary.as_deref(),
                // Under the chapter's h2.
                content: at.section_html(&chapter.section.file, header, page, &format!("c{c}"), 1),
                depth: chapter.depth,
            }
        }
        Part::Brief(b) => return brief_part(renderer, shared, at, sink, b, pages),
    };
    (
        None,
        view_value(&item).and_then(|item| print_item(renderer, item)),
    )
}

/// A brief's part of the print edition, and with `pages` its own page.
fn brief_part(
    renderer: &Renderer,
    shared: &Shared,
    at: At,
    sink: &dyn Sink,
    b: usize,
    pages: bool,
) -> RenderedPart {
    let brief = &at.inputs.book.briefs[b];
    let (file, header) = (&brief.brief.file, &brief.brief.header);
    let page = (brief.url.as_str(), brief.brief.path.as_str());
    let page_html = at.inputs.body_html(file, header, page);
    // The view becomes a JSON value once, lent to the page and then moved into the item.
    let mut view = match view_value(&brief_view(at.inputs, b, &page_html)) {
        Ok(view) => view,
        Err(e) => return (None, Err(e)),
    };
    let page_error = pages
        .then(|| {
            brief_page_value(renderer, shared, &mut view, &brief.url)
                .and_then(|f| sink.write(f))
                .err()
        })
        .flatten();
    let place = format!("b{b}");
    // Under the brief's h3: its h2 become h4.
    let html = at.moved(page_html, file, header, page, &place, 2);
    if let serde_json::Value::Object(fields) = &mut view {
        fields.insert("content".into(), serde_json::Value::String(String::new()));
    }
    at.places.localize_view(&mut view);
    // The shape `Item::Brief` serializes to, built without copying the view again.
    let item = serde_json::json!({
        "kind": "brief",
        "prefix": format!("{place}-"),
        "anchor": place,
        "brief": view,
        "html": html,
    });
    (page_error, print_item(renderer, item))
}

fn print_item(renderer: &Renderer, item: serde_json::Value) -> Result<Vec<u8>, Diagnostic> {
    let mut cx = tera::Context::new();
    cx.insert("root", "../");
    cx.extend(context_of("item", item));
    renderer.render("print_item.html", &cx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_print_edition_is_where_the_index_table_puts_it() {
        assert_eq!(IndexPage::Print.url(), URL);
        assert_eq!(format!("{URL}index.html"), PATH);
    }
}
