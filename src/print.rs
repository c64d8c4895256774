//! The print edition, `print/index.html`: the whole book on one page in reading order (cover,
//! contents, chapters, briefs with their claims, facts and references), written in parts so a
//! large book is never whole in memory.

use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::render::{brief_view, context, Inputs, Renderer, Shared, Sink};
use crate::views::BriefView;

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
    Brief {
        anchor: String,
        prefix: String,
        brief: Box<BriefView<'a>>,
        html: String,
    },
}

/// One part of the reading order: a chapter heading or a brief.
#[derive(Clone, Copy)]
enum Part {
    Chapter(usize),
    Brief(usize),
}

pub(crate) fn print_edition(
    renderer: &Renderer,
    shared: &Shared,
    inputs: &Inputs,
    sink: &dyn Sink,
) -> Result<(), Diagnostic> {
    let book = inputs.book;
    let (head, tail) = frame(renderer, shared, inputs)?;
    // Parts only (no whole-file write first), so that a reused output folder can compare them.
    sink.append(PATH, head.as_bytes())?;
    let parts: Vec<Part> = book
        .chapters
        .iter()
        .enumerate()
        .flat_map(|(c, chapter)| {
            std::iter::once(Part::Chapter(c)).chain(chapter.briefs.iter().map(|&b| Part::Brief(b)))
        })
        .collect();
    for chunk in parts.chunks(ITEMS_PER_PART) {
        let rendered: Vec<String> = chunk
            .par_iter()
            .map(|&part| render_part(renderer, inputs, part))
            .collect::<Result<_, _>>()?;
        sink.append(PATH, rendered.concat().as_bytes())?;
    }
    sink.append(PATH, tail.as_bytes())
}

/// The page around the chapters and briefs: `print.html` rendered once and cut at the mark.
fn frame(
    renderer: &Renderer,
    shared: &Shared,
    inputs: &Inputs,
) -> Result<(String, String), Diagnostic> {
    let book = inputs.book;
    let mut cx = context(
        shared,
        URL,
        "print",
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
    let cover = &book.cover;
    cx.insert("cover_title", &cover.header.title);
    cx.insert("cover_summary", &cover.header.summary);
    cx.insert(
        "cover_content",
        &inputs.body_html_with(&cover.file, &cover.header, (URL, &cover.path), "cover-", 0),
    );
    cx.insert("print_contents", &contents);
    cx.insert("print_body", BODY_MARK);
    let page = String::from_utf8(renderer.render_template("print.html", &cx)?).unwrap_or_default();
    let mut pieces = page.split(BODY_MARK);
    match (pieces.next(), pieces.next(), pieces.next()) {
        (Some(head), Some(tail), None) => Ok((head.to_string(), tail.to_string())),
        _ => Err(Diagnostic::error(
            "template",
            "print.html must contain `{{ print_body | safe }}` exactly once",
        )),
    }
}

fn render_part(renderer: &Renderer, inputs: &Inputs, part: Part) -> Result<String, Diagnostic> {
    let book = inputs.book;
    let item = match part {
        Part::Chapter(c) => {
            let chapter = &book.chapters[c];
            let header = &chapter.section.header;
            Item::Chapter {
                anchor: format!("c{c}"),
                title: &header.title,
                summary: header.summary.as_deref(),
                // Under the chapter's h2.
                content: inputs.body_html_with(
                    &chapter.section.file,
                    header,
                    (URL, &chapter.section.path),
                    &format!("c{c}-"),
                    1,
                ),
                depth: chapter.depth,
            }
        }
        Part::Brief(b) => {
            let brief = &book.briefs[b].brief;
            let prefix = format!("b{b}-");
            // Under the brief's h3: its h2 become h4.
            let html =
                inputs.body_html_with(&brief.file, &brief.header, (URL, &brief.path), &prefix, 2);
            Item::Brief {
                anchor: format!("b{b}"),
                prefix,
                brief: Box::new(brief_view(inputs, b, "")),
                html,
            }
        }
    };
    let mut cx = tera::Context::new();
    cx.insert("root", "../");
    cx.insert("item", &item);
    renderer
        .render_template("print_item.html", &cx)
        .map(|bytes| String::from_utf8(bytes).unwrap_or_default())
}
