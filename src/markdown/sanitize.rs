//! The last line of defence for rendered Markdown: an allowlist of exactly what pulldown-cmark,
//! our citation markers and syntect emit, enforced by ammonia. Applied unless `allow_raw_html`.
//!
//! Ammonia parses and re-serialises every body (html5ever), the costliest step of a build after
//! highlighting, and our own writer already keeps to the allowlist. So each body is first read by
//! a strict, linear check of its tags and attributes ([`within_allowlist`]); only a body that
//! fails it, or that the check cannot read, goes through ammonia.

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
    ("span", &["style", "role", "aria-label"]),
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
pub fn clean(html: String) -> String {
    if within_allowlist(&html) {
        html
    } else {
        builder().clean(&html).to_string()
    }
}

/// Whether every tag and attribute of `html` is in the allowlist, in the exact form our writer
/// produces: lowercase names, double-quoted values, no comments, no unescaped `>` in text, URLs
/// that are relative or http(s)/mailto with no entity other than `&amp;`, and style values made
/// only of allowed properties and plain characters. Anything else answers false (ammonia's turn).
pub fn within_allowlist(html: &str) -> bool {
    let mut rest = html;
    while let Some(at) = rest.find(['<', '>']) {
        if rest.as_bytes()[at] == b'>' {
            return false;
        }
        let Some(len) = crate::text::tag_length(&rest[at..]) else {
            return false;
        };
        let inside = &rest[at + 1..at + len - 1];
        // A `<` inside a tag (even quoted) is not something our writer makes.
        if inside.contains('<') || !tag_allowed(inside) {
            return false;
        }
        rest = &rest[at + len..];
    }
    true
}

/// One tag's inside: `/name`, or `name` followed by `attr="value"` pairs and an optional `/`.
fn tag_allowed(inside: &str) -> bool {
    if let Some(name) = inside.strip_prefix('/') {
        return TAGS.contains(&name);
    }
    let inside = inside.strip_suffix('/').unwrap_or(inside).trim_end();
    let name_len = inside
        .find(|c: char| !c.is_ascii_lowercase() && !c.is_ascii_digit())
        .unwrap_or(inside.len());
    let (name, mut attrs) = inside.split_at(name_len);
    if !TAGS.contains(&name) {
        return false;
    }
    let allowed = ATTRIBUTES
        .iter()
        .find(|(tag, _)| *tag == name)
        .map_or(&[][..], |(_, attrs)| *attrs);
    while !attrs.is_empty() {
        let Some(after_space) = attrs.strip_prefix(' ') else {
            return false;
        };
        let Some((attr, after_name)) = after_space.split_once("=\"") else {
            return false;
        };
        let Some((value, after_value)) = after_name.split_once('"') else {
            return false;
        };
        let known = attr == "id" || attr == "class" || allowed.contains(&attr);
        if !known || !value_allowed(attr, value) {
            return false;
        }
        attrs = after_value;
    }
    true
}

fn value_allowed(attr: &str, value: &str) -> bool {
    match attr {
        "href" | "src" => url_allowed(value),
        "style" => style_allowed(value),
        _ => true,
    }
}

/// Relative URLs and fragments, or http, https and mailto; no entity but `&amp;` (an entity
/// could spell a `:`) and no control characters or spaces (which browsers skip inside schemes).
fn url_allowed(url: &str) -> bool {
    if url.bytes().any(|b| b <= b' ' || b == b'\\') {
        return false;
    }
    if url
        .match_indices('&')
        .any(|(i, _)| !url[i..].starts_with("&amp;"))
    {
        return false;
    }
    let before_path = url.find(['/', '?', '#']).unwrap_or(url.len());
    match url[..before_path].split_once(':') {
        None => true,
        Some((scheme, _)) => ["http", "https", "mailto"].contains(&scheme),
    }
}

/// `property:value;` pairs with allowed properties and values of letters, digits, `#`, `%`,
/// `.`, `,`, `-` and spaces: no `(`, so no `url()` or `expression()`.
fn style_allowed(style: &str) -> bool {
    style
        .split(';')
        .map(str::trim)
        .filter(|decl| !decl.is_empty())
        .all(|decl| match decl.split_once(':') {
            Some((property, value)) => {
                STYLE_PROPERTIES.contains(&property.trim())
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b" #%.,-".contains(&b))
            }
            None => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_markdown_makes() {
        let html = "<h2 id=\"a\">T</h2>\n<p><a href=\"../x/index.html#y\" title=\"t\">l</a> <sup class=\"citation\">[<a href=\"#ref-a\" id=\"cite-a-1\" title=\"T\" aria-label=\"Source 1: T\">1</a>]</sup></p>\n<table><thead><tr><th style=\"text-align: right\">n</th></tr></thead></table>\n<pre style=\"background-color:#ffffff;\"><span style=\"color:#323232;\">x</span></pre>\n<ul><li><input disabled=\"\" type=\"checkbox\" checked=\"\"/>\ndone</li></ul>\n";
        let cleaned = clean(html.to_string());
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
        let cleaned = clean(hostile.to_string());
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

    #[test]
    fn the_quick_check_passes_what_our_writer_makes() {
        let ours = "<h2 id=\"a\">T &amp; U</h2>\n<p><a href=\"../x/index.html#y\" title=\"t\">l</a> <sup class=\"citation\">[<a href=\"#ref-a\" id=\"cite-a-1\" title=\"T &quot;q&quot;\" aria-label=\"Source 1: T\">1</a>, p. 4]</sup><br />\n<img src=\"https://e.org/a.png?x=1&amp;y=2\" alt=\"a\" /></p>\n<table><thead><tr><th style=\"text-align: right\">n</th></tr></thead></table>\n<pre class=\"code language-yaml\" style=\"background-color:#ffffff;\"><span style=\"color:#323232;font-weight:bold;\">a: &lt;b&gt;</span></pre>\n<ul><li><input disabled=\"\" type=\"checkbox\" checked=\"\"/>\ndone <a href=\"mailto:desk@example.org\">m</a></li></ul>\n<ol start=\"3\"><li>x</li></ol>\n";
        assert!(within_allowlist(ours));
        assert_eq!(
            clean(ours.to_string()),
            ours,
            "a body within the allowlist is kept byte for byte"
        );
    }

    #[test]
    fn the_quick_check_refuses_anything_else() {
        for hostile in [
            "<script>alert(1)</script>",
            "<p onclick=\"x()\">a</p>",
            "<p ONCLICK=\"x()\">a</p>",
            "<P>a</P>",
            "<a href=\"javascript:alert(1)\">a</a>",
            "<a href=\"JavaScript:alert(1)\">a</a>",
            "<a href=\"java\tscript:alert(1)\">a</a>",
            "<a href=\" javascript:alert(1)\">a</a>",
            "<a href=\"javascript&#58;alert(1)\">a</a>",
            "<a href=\"data:text/html,x\">d</a>",
            "<img src=\"x\" onerror=\"y()\" />",
            "<a href='javascript:x'>a</a>",
            "<a href=javascript:x>a</a>",
            "<span style=\"background:url(javascript:x)\">s</span>",
            "<span style=\"color:red;behavior:x\">s</span>",
            "<!-- c --><p>a</p>",
            "<p>a > b</p>",
            "<p title=\"x\"/>",
            "<a href=\"#x\" title=\"<script>\">a</a>",
            "<iframe src=\"https://e\"></iframe>",
            "<p",
        ] {
            assert!(
                !within_allowlist(hostile),
                "{hostile} passed the quick check"
            );
        }
    }
}
