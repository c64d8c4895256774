//! The last line of defence for rendered Markdown: ammonia with an allowlist of exactly what
//! pulldown-cmark, our citation markers and syntect emit. Applied unless `allow_raw_html`.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use ammonia::{Builder, UrlRelative};

/// Tags pulldown-cmark (CommonMark, tables, footnotes, task lists, strikethrough), citation
/// markers and syntect produce.
const TAGS: &[&str] = &[
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "input",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "span",
    "strong",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Attributes per tag; `id` and `class` on any tag.
const ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "title", "aria-label"]),
    ("img", &["src", "alt", "title"]),
    ("ol", &["start"]),
    ("input", &["type", "checked", "disabled"]),
    ("td", &["style"]),
    ("th", &["style"]),
    ("pre", &["style"]),
    ("span", &["style"]),
];

/// The CSS that table alignment and syntect's inline colours use; any other property is removed.
const STYLE_PROPERTIES: &[&str] = &[
    "color",
    "background-color",
    "font-weight",
    "font-style",
    "text-decoration",
    "text-align",
];

fn builder() -> &'static Builder<'static> {
    static BUILDER: OnceLock<Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = Builder::empty();
        b.tags(TAGS.iter().copied().collect())
            .generic_attributes(["id", "class"].into_iter().collect())
            .tag_attributes(
                ATTRIBUTES
                    .iter()
                    .map(|(tag, attrs)| (*tag, attrs.iter().copied().collect::<HashSet<_>>()))
                    .collect::<HashMap<_, _>>(),
            )
            .filter_style_properties(STYLE_PROPERTIES.iter().copied().collect())
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .url_relative(UrlRelative::PassThrough)
            .link_rel(None)
            .strip_comments(true);
        b
    })
}

/// `html` with everything outside the allowlist removed.
pub fn clean(html: &str) -> String {
    builder().clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_markdown_makes() {
        let html = "<h2 id=\"a\">T</h2>\n<p><a href=\"../x/index.html#y\" title=\"t\">l</a> <sup class=\"citation\">[<a href=\"#ref-a\" id=\"cite-a-1\" title=\"T\" aria-label=\"Source 1: T\">1</a>]</sup></p>\n<table><thead><tr><th style=\"text-align: right\">n</th></tr></thead></table>\n<pre style=\"background-color:#ffffff;\"><span style=\"color:#323232;\">x</span></pre>\n<ul><li><input disabled=\"\" type=\"checkbox\" checked=\"\"/>\ndone</li></ul>\n";
        let cleaned = clean(html);
        for kept in [
            "id=\"a\"",
            "href=\"../x/index.html#y\"",
            "id=\"cite-a-1\"",
            "aria-label=",
            "text-align",
            "color:#323232",
            "type=\"checkbox\"",
        ] {
            assert!(cleaned.contains(kept), "{kept} lost in {cleaned}");
        }
    }

    #[test]
    fn removes_script_handlers_and_dangerous_urls() {
        let hostile = "<p onclick=\"x()\">a<script>alert(1)</script><img src=\"javascript:alert(1)\" onerror=\"y()\"><a href=\"data:text/html,x\">d</a><iframe src=\"https://e\"></iframe><span style=\"background:url(javascript:x)\">s</span></p>";
        let cleaned = clean(hostile);
        for gone in [
            "onclick",
            "<script",
            "alert(1)",
            "javascript:",
            "onerror",
            "data:",
            "<iframe",
            "url(",
        ] {
            assert!(!cleaned.contains(gone), "{gone} survived in {cleaned}");
        }
    }
}
