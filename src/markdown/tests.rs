//! Tests of the Markdown pass: citations, heading ids, links, quoted facts, highlighting.

use std::collections::HashMap;
use std::sync::Arc;

use super::*;
use crate::model::date::PartialDate;
use crate::model::{Origin, Source};

fn source(id: &str, title: &str) -> Source {
    Source::new(
        id,
        title,
        PartialDate::parse("2025").unwrap(),
        Origin {
            file: SourceFile::new("content/sources.toml", ""),
            offset: 0,
        },
    )
}

/// A rendered body and its scan.
struct Rendered {
    html: String,
    scan: Scan,
}

impl std::ops::Deref for Rendered {
    type Target = Scan;
    fn deref(&self) -> &Scan {
        &self.scan
    }
}

fn render_body(body: &str, raw: bool) -> (Rendered, Arc<SourceFile>) {
    let sources = [source("cnn", "CNN <report>"), source("ft", "FT")]
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let urls = [
        ("chips/h20.md", "chips/h20/"),
        ("supply/huawei.md", "supply/huawei/"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let highlighter = Highlighter::new("css");
    let (no_facts, no_rows) = (Default::default(), Default::default());
    let cx = Context {
        page_url: "chips/h20/",
        allow_raw_html: raw,
        ..Context::new(&sources, &urls, &no_facts, &no_rows, &highlighter)
    };
    let text = format!("+++\n+++\n{body}");
    let file = SourceFile::new("content/chips/h20.md", text);
    let html = render_html(&file, body, 8, &cx);
    (
        Rendered {
            html,
            scan: scan(&file, body, 8, &cx),
        },
        file,
    )
}

#[test]
fn headings_get_unique_slug_ids_and_explicit_ids_win() {
    let (r, _) = render_body(
        "## The H20\n\n## The H20\n\n## Custom {#mine}\n\n## References\n",
        false,
    );
    let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["the-h20", "the-h20-1", "mine", "references-1"]);
    assert!(
        r.html
            .contains("<h2 id=\"the-h20-1\">The H20 <a class=\"self-link\" href=\"#the-h20-1\""),
        "{}",
        r.html
    );
}

#[test]
fn citations_are_numbered_by_first_use() {
    let (r, _) = render_body("A [@ft]. B [@cnn; @ft, p. 4]. C [@ft].\n", false);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(r.cited, ["ft", "cnn"]);
    assert_eq!(r.markers["ft"], ["cite-ft-1", "cite-ft-2", "cite-ft-3"]);
    assert!(
        r.html
            .contains("<a href=\"#ref-cnn\" id=\"cite-cnn-1\" title=\"CNN &lt;report&gt;\""),
        "{}",
        r.html
    );
    assert!(r.html.contains(">1</a>, p. 4]</sup>"), "{}", r.html);
}

#[test]
fn code_keeps_citation_text_literal() {
    let (r, _) = render_body("`[@cnn]`\n\n```\n[@ft]\n```\n\n    [@ft]\n", false);
    assert!(r.cited.is_empty());
    assert!(r.html.contains("<code>[@cnn]</code>"), "{}", r.html);
    assert_eq!(r.html.matches("[@ft]").count(), 2, "{}", r.html);
}

#[test]
fn unknown_citations_are_located_with_a_suggestion() {
    let (r, file) = render_body("Text\n\nSee [@cnnn] here.\n", false);
    let d = &r.diagnostics[0];
    assert_eq!(
        d.headline(),
        "content/chips/h20.md:5:5: error[unknown-source]: citation of unknown source `cnnn`"
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `cnn`?"));
    assert_eq!(file.line_text(5), "See [@cnnn] here.");
}

#[test]
fn internal_links_become_relative_and_are_collected() {
    let (r, _) = render_body(
        "[Huawei](@/supply/huawei.md#output) and [bad](@/supply/huawai.md)\n",
        false,
    );
    assert!(
        r.html
            .contains("href=\"../../supply/huawei/index.html#output\""),
        "{}",
        r.html
    );
    assert_eq!(r.links.len(), 1);
    assert_eq!(r.links[0].anchor.as_deref(), Some("output"));
    assert_eq!(r.diagnostics[0].headline(), "content/chips/h20.md:3:41: error[broken-link]: link to `@/supply/huawai.md`, which is not a page of this book");
    assert_eq!(
        r.diagnostics[0].help.as_deref(),
        Some("did you mean `supply/huawei.md`?")
    );
}

#[test]
fn raw_html_is_escaped_unless_allowed() {
    let (r, _) = render_body("<script>alert(1)</script>\n\nHi <b>x</b>\n", false);
    assert!(!r.html.contains("<script>"), "{}", r.html);
    assert!(r.html.contains("&lt;b&gt;"), "{}", r.html);
    let (r, _) = render_body("Hi <b>x</b>\n", true);
    assert!(r.html.contains("<b>x</b>"));
}

#[test]
fn fenced_code_is_highlighted() {
    let (r, _) = render_body("```rust\nfn main() {}\n```\n", false);
    assert!(r.html.contains("class=\"code hl\""), "{}", r.html);
    assert!(r.html.contains("hl-"), "{}", r.html);
}

#[test]
fn extensions_are_on() {
    let (r, _) = render_body(
        "| a |\n|---|\n| b |\n\n~~x~~\n\n- [x] done\n\nNote[^1].\n\n[^1]: Foot.\n",
        false,
    );
    for needle in ["<table>", "<del>x</del>", "class=\"task done\"", "footnote"] {
        assert!(r.html.contains(needle), "{needle} missing in {}", r.html);
    }
}

#[test]
fn footnotes_are_numbered_by_reference_and_ids_take_the_prefix() {
    let sources = [source("cnn", "CNN")]
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let urls = HashMap::new();
    let highlighter = Highlighter::new("css");
    let (no_facts, no_rows) = (Default::default(), Default::default());
    let cx = Context {
        page_url: "print/",
        id_prefix: "b1-",
        heading_offset: 2,
        rebase_from: Some("c/x/"),
        ..Context::new(&sources, &urls, &no_facts, &no_rows, &highlighter)
    };
    let body =
        "## Top\n\nA[^z] b[^a] c[^z] [@cnn].\n\n[^a]: First defined.\n[^z]: Second defined.\n";
    let file = SourceFile::new("content/c/x.md", body);
    let html = render_html(&file, body, 0, &cx);
    assert!(
        html.contains("<h4 id=\"b1-top\">Top</h4>"),
        "headings shifted under the page's own: {html}"
    );
    assert!(
        html.contains(
            "<sup class=\"footnote-reference\" id=\"b1-fnref-z\"><a href=\"#b1-fn-z\" aria-label=\"Note 1\">1</a></sup>"
        ),
        "{html}"
    );
    assert!(
        html.contains(
            "<sup class=\"footnote-reference\" id=\"b1-fnref-a\"><a href=\"#b1-fn-a\" aria-label=\"Note 2\">2</a></sup>"
        ),
        "{html}"
    );
    assert_eq!(
        html.matches("id=\"b1-fnref-z\"").count(),
        1,
        "one back-link target per note"
    );
    // The notes come together at the end, in number order, under a heading of the page's level.
    let notes = html
        .find("<section class=\"footnotes\">\n<h4 id=\"b1-footnotes\">Notes</h4>")
        .expect(&html);
    let first = html.find("<li id=\"b1-fn-z\"><span class=\"note-number\">1.</span><p>Second defined. <a class=\"footnote-backref\" href=\"#b1-fnref-z\"").expect(&html);
    let second = html
        .find("<li id=\"b1-fn-a\"><span class=\"note-number\">2.</span><p>First defined.")
        .expect(&html);
    assert!(notes < first && first < second, "{html}");
    assert!(
        !html.contains("self-link"),
        "no self-links in the print edition: {html}"
    );
    assert!(
        html.contains("href=\"#b1-ref-cnn\" id=\"b1-cite-cnn-1\""),
        "{html}"
    );
    // The scan keeps the ids the brief's own page uses.
    assert_eq!(scan(&file, body, 0, &cx).headings[0].id, "top");
}

#[test]
fn search_text_follows_the_words_not_the_markup() {
    let (r, _) = render_body("## Title\n\nSee *Huawei*'s [capacity](@/chips/h20.md). `x`\nnext line\n\n```\ncode\n```\n\n- item\n", false);
    assert_eq!(r.text, "Title See Huawei's capacity. x next line item ");
}

#[test]
fn everything_our_writer_makes_passes_the_quick_sanitizer_check() {
    // Ammonia only runs on bodies that fail the quick check; every construct an editor can
    // write without raw HTML must pass it, in both highlighting styles, or builds slow down.
    let sources = [source("cnn", "CNN \"quoted\" <report>")]
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let urls = HashMap::new();
    let body = "## A & B {#ab}\n\nText with *em*, **strong**, ~~del~~, `code`, a [link](https://e.org/?a=1&b=2 \"T\"), \
        [mail](mailto:x@e.org), [here](#ab), ![img](pic.png \"P\") and a cite [@cnn, p. 4].\n\n\
        > quote\n\n1. one\n2. two\n\n- [x] done\n- [ ] todo\n\n| l | c | r |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n\n\
        ```yaml\na: <b> & \"c\"\n```\n\n```\nplain <x>\n```\n\n---\n\nLine  \nbreak and a note[^n].\n\n\
        [^n]: The note.\n\n<b>raw</b> and <script>x</script>\n";
    for theme in ["css", "InspiredGitHub", "base16-ocean.dark"] {
        let highlighter = Highlighter::new(theme);
        let (no_facts, no_rows) = (Default::default(), Default::default());
        let cx = Context {
            page_url: "c/x/",
            ..Context::new(&sources, &urls, &no_facts, &no_rows, &highlighter)
        };
        let file = SourceFile::new("content/c/x.md", body);
        let html = render_html(&file, body, 0, &cx);
        assert!(
            crate::markdown::sanitize::within_allowlist(&html),
            "{theme}: the quick check refused our own output:\n{html}"
        );
        assert!(html.contains("&lt;script&gt;") && html.contains("<sup class=\"citation\">"));
    }
}

#[test]
fn a_relocated_body_equals_the_body_rendered_for_the_other_page() {
    // The print edition moves each brief's page HTML instead of rendering the body again; both
    // ways must give the same HTML for everything the Markdown pass makes.
    let sources = [source("cnn", "CNN"), source("ft", "FT")]
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let urls: HashMap<String, String> = [
        ("briefs/b7.md", "briefs/b7/"),
        ("briefs/b8.md", "briefs/b8/"),
        ("other/deep/x.md", "other/deep/x/"),
        ("_index.md", ""),
    ]
    .into_iter()
    .map(|(p, u)| (p.to_string(), u.to_string()))
    .collect();
    let facts: FactIndex = [
        (("briefs/b7.md", "own"), "briefs/b7/"),
        (("briefs/b8.md", "theirs"), "briefs/b8/"),
    ]
    .into_iter()
    .map(|((path, id), url)| {
        let quoted = QuotedFact {
            display: "42 %".into(),
            page_url: url.into(),
        };
        ((path.to_string(), id.to_string()), quoted)
    })
    .collect();
    let body = "Intro [@cnn] and [@ft, p. 2; @cnn].\n\n## Top {#top}\n\nSee [b8](@/briefs/b8.md#sec), \
        [x](@/other/deep/x.md), [home](@/_index.md), [self](@/briefs/b7.md#top), \
        {{ fact(id=\"own\") }} and {{ fact(id=\"briefs/b8.md#theirs\") }}.\n\n### Sub\n\nA note[^n] \
        and [out](https://e.org/a?b=1&c=2).\n\n```yaml\na: 1\n```\n\n| a |\n|---|\n| b |\n\n[^n]: Said.\n";
    let highlighter = Highlighter::new("InspiredGitHub");
    let no_rows = Default::default();
    let cx = Context {
        page_url: "briefs/b7/",
        page_path: "briefs/b7.md",
        ..Context::new(&sources, &urls, &facts, &no_rows, &highlighter)
    };
    let file = SourceFile::new("content/briefs/b7.md", body);
    let page = render_html(&file, body, 0, &cx);
    let print = Context {
        page_url: "print/",
        id_prefix: "b7-",
        heading_offset: 2,
        ..cx
    };
    let direct = render_html(&file, body, 0, &print);
    let moved = crate::markdown::relocate::relocate(
        &page,
        &crate::markdown::relocate::Move {
            from: "briefs/b7/",
            to: "print/",
            id_prefix: "b7-",
            heading_offset: 2,
            inside: None,
        },
    );
    assert_eq!(moved, direct);
    assert!(direct.contains("href=\"#b7-fact-own\"") && direct.contains("<h4 id=\"b7-top\">"));
}

#[test]
fn thousands_of_one_problem_are_made_fifty_times_and_counted_after() {
    // 8,000 links with a script scheme on one 136 KB line: each problem made once cost its
    // position and a copy of the line; now the fifty first are made, the rest only counted.
    let body = "[x](javascript:x)".repeat(8_000);
    let (r, _) = render_body(&body, false);
    assert_eq!(r.diagnostics.len(), crate::diagnostic::SHOWN_PER_CODE + 1);
    let summary = r.diagnostics.last().unwrap();
    assert_eq!((summary.more, summary.column), (7_950, Some(851)));
    let kept: usize = r
        .diagnostics
        .iter()
        .map(|d| d.excerpt.as_ref().map_or(0, |e| e.text.len()))
        .sum();
    assert!(kept < 51 * 130, "{kept} bytes of excerpts");
    assert_eq!(r.html.matches("<a href=\"#\">x</a>").count(), 8_000);
}

#[test]
fn twenty_thousand_footnotes_are_numbered_in_one_pass() {
    let mut body: String = (0..20_000).map(|i| format!("[^n{i}] ")).collect();
    body.push_str("[^n0]\n\n");
    body.extend((0..20_000).rev().map(|i| format!("[^n{i}]: note {i}\n\n")));
    let (r, _) = render_body(&body, false);
    assert!(r
        .html
        .contains("<a href=\"#fn-n19999\" aria-label=\"Note 20000\">20000</a></sup>"));
    // The second reference to the first note: its number, without the back-link's id.
    assert!(r.html.contains(
        " <sup class=\"footnote-reference\"><a href=\"#fn-n0\" aria-label=\"Note 1\">1</a></sup>"
    ));
    assert!(r.html.contains("<li id=\"fn-n12345\"><span class=\"note-number\">12346.</span><p>note 12345 <a class=\"footnote-backref\" href=\"#fnref-n12345\""));
    // Written in reverse, listed in number order.
    let first = r.html.find("id=\"fn-n0\"").unwrap();
    let last = r.html.find("id=\"fn-n19999\"").unwrap();
    assert!(first < last);
}

#[test]
fn headings_on_their_own_page_carry_a_named_link_to_themselves() {
    let (r, _) = render_body(
        "## Why *buyers* care\n\n### Costs & risks {#costs}\n",
        false,
    );
    assert!(
        r.html.contains("<h2 id=\"why-buyers-care\">Why <em>buyers</em> care <a class=\"self-link\" href=\"#why-buyers-care\" aria-label=\"Link to the section Why buyers care\">#</a></h2>"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<a class=\"self-link\" href=\"#costs\" aria-label=\"Link to the section Costs &amp; risks\">#</a></h3>"),
        "{}",
        r.html
    );
    // The link is no part of the heading's text, its slug or the search text.
    assert_eq!(r.headings[0].text, "Why buyers care");
    assert!(!r.text.contains('#'), "{}", r.text);
}

#[test]
fn notes_are_one_section_after_the_text_apart_from_citations() {
    let body = "[^early]: Written before its reference, citing [@ft].\n\nText[^early] cites [@cnn] and notes[^late].\n\nMore text.\n\n[^late]: Two paragraphs.\n\n    The second.\n\n[^unused]: Never referred to.\n";
    let (r, _) = render_body(body, false);
    let html = &r.html;
    let text = html.find("<p>More text.</p>").expect(html);
    let notes = html
        .find(
            "<section class=\"footnotes\">\n<h2 id=\"footnotes\">Notes</h2>\n<ol class=\"notes\">",
        )
        .expect(html);
    assert!(text < notes, "the notes follow the text: {html}");
    assert_eq!(html.matches("<section class=\"footnotes\">").count(), 1);
    // The note written first links back, although its reference came after it.
    assert!(html.contains("<li id=\"fn-early\"><span class=\"note-number\">1.</span><p>Written before its reference, citing <sup class=\"citation\">"), "{html}");
    assert!(html.contains("<a class=\"footnote-backref\" href=\"#fnref-early\" aria-label=\"Back to the text of note 1\">↩</a></p>"), "{html}");
    assert!(html.contains("id=\"fnref-early\""), "{html}");
    // The back-link goes at the end of the last paragraph.
    assert!(
        html.contains("<p>The second. <a class=\"footnote-backref\" href=\"#fnref-late\""),
        "{html}"
    );
    // A note nothing refers to has no back-link to a missing target.
    let unused = &html[html.find("id=\"fn-unused\"").expect(html)..];
    assert!(!unused.contains("fnref-unused"), "{html}");
    // Citations inside notes count: the FT is source 1, cited in the first note.
    assert_eq!(r.cited, ["ft", "cnn"]);
    // Links to the notes, their markers and the section are checked against what the scan keeps.
    for id in [
        "footnotes",
        "fn-early",
        "fnref-early",
        "fn-late",
        "fn-unused",
    ] {
        assert!(
            r.note_ids.iter().any(|n| n == id),
            "{id} in {:?}",
            r.note_ids
        );
    }
    assert!(!r.note_ids.iter().any(|n| n == "fnref-unused"));
    assert_eq!(r.note_ids.iter().filter(|n| *n == "footnotes").count(), 1);
    // Note markers are plain numbers; citation markers are bracketed.
    assert!(html.contains("<sup class=\"footnote-reference\" id=\"fnref-early\"><a href=\"#fn-early\" aria-label=\"Note 1\">1</a></sup>"), "{html}");
    assert!(
        html.contains("<sup class=\"citation\">[<a href=\"#ref-cnn\""),
        "{html}"
    );
}

#[test]
fn task_boxes_are_marks_with_a_name_not_unlabelled_inputs() {
    for raw in [false, true] {
        let (r, _) = render_body("- [x] done it\n- [ ] still to do\n", raw);
        assert!(!r.html.contains("<input"), "{}", r.html);
        assert!(
            r.html
                .contains("<span class=\"task done\" role=\"img\" aria-label=\"done\">☑</span>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("aria-label=\"to do\">☐</span>"),
            "{}",
            r.html
        );
    }
}
