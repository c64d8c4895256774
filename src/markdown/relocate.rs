//! A brief's rendered body moved onto another page (the print edition): its ids under a prefix,
//! its headings some levels down, its fragment links to the prefixed ids and its relative URLs
//! rebased. Rendering a body costs far more than this pass over the HTML a page already made.
//!
//! The print edition holds the pages a body links to as well: a link to one of them (`inside`)
//! becomes a link to its place on the page, so that a printed or PDF copy never sends a reader
//! out to the web for a page it holds.
//!
//! It reads only HTML in the form our writer and ammonia produce (lowercase names, every
//! attribute value in double quotes, `<` escaped in text). Bodies with the editors' own raw HTML
//! are rendered again for the other page instead.

/// Where a body moves and how its ids and headings change.
pub struct Move<'a> {
    /// The directory URL of the page the HTML was made for, relative to the site root.
    pub from: &'a str,
    /// The directory URL of the page it moves to.
    pub to: &'a str,
    pub id_prefix: &'a str,
    pub heading_offset: u8,
    /// Pages the destination holds, by their folder's URL from the site root (`chips/h20/`, ``
    /// for the cover), each with the id of its place there (`b3`; its own ids are under `b3-`).
    pub inside: Option<&'a std::collections::HashMap<String, String>>,
}

/// `html` as it must read on the page `to`.
pub fn relocate(html: &str, m: &Move) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        // A heading's link to itself is for its own page: the print edition has none.
        if let Some(after) = skip_self_link(rest) {
            if out.ends_with(' ') {
                out.pop();
            }
            rest = after;
            continue;
        }
        let Some(len) = crate::text::tag_length(rest) else {
            break;
        };
        relocate_tag(&rest[1..len - 1], m, &mut out);
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

/// One tag's inside (between `<` and `>`), written to `out` with its name and values moved.
fn relocate_tag(inside: &str, m: &Move, out: &mut String) {
    let (slash, inside) = match inside.strip_prefix('/') {
        Some(rest) => ("/", rest),
        None => ("", inside),
    };
    let name_len = inside
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(inside.len());
    let (name, mut attrs) = inside.split_at(name_len);
    out.push('<');
    out.push_str(slash);
    match heading_level(name) {
        Some(level) => {
            out.push('h');
            out.push(char::from(b'0' + (level + m.heading_offset).min(6)));
        }
        None => out.push_str(name),
    }
    while let Some(eq) = attrs.find("=\"") {
        let value_start = eq + 2;
        let Some(value_len) = attrs[value_start..].find('"') else {
            break;
        };
        let attr = attrs[..eq].trim_start();
        let value = &attrs[value_start..value_start + value_len];
        out.push_str(&attrs[..value_start]);
        match attr {
            "id" => {
                out.push_str(m.id_prefix);
                out.push_str(value);
            }
            "href" => match in_page(value, m) {
                Some(place) => out.push_str(&place),
                None => relocate_url(value, m, out),
            },
            "src" => relocate_url(value, m, out),
            _ => out.push_str(value),
        }
        out.push('"');
        attrs = &attrs[value_start + value_len + 1..];
    }
    out.push_str(attrs);
    out.push('>');
}

/// What follows a heading's self-link if `html` starts with one (as the Markdown pass writes it:
/// its label escaped, so the first `</a>` ends it).
fn skip_self_link(html: &str) -> Option<&str> {
    if !html.starts_with("<a class=\"self-link\" ") {
        return None;
    }
    html.find("</a>").map(|end| &html[end + 4..])
}

/// A relative link to a page the destination holds, as a link to its place there: `#b3`, or
/// `#b3-fact-x` for a fragment of it.
fn in_page(url: &str, m: &Move) -> Option<String> {
    let places = m.inside?;
    let (path, fragment) = url.split_once('#').unwrap_or((url, ""));
    let has_scheme = path.contains(':');
    if path.is_empty() || path.starts_with('/') || has_scheme || path.contains('?') {
        return None;
    }
    let from_root = crate::text::rebase(path, m.from, "")?;
    let folder = from_root.strip_suffix("index.html").unwrap_or(&from_root);
    let place = places.get(folder.strip_prefix("./").unwrap_or(folder))?;
    Some(if fragment.is_empty() {
        format!("#{place}")
    } else {
        format!("#{place}-{fragment}")
    })
}

fn heading_level(name: &str) -> Option<u8> {
    match name.as_bytes() {
        [b'h', level @ b'1'..=b'6'] => Some(level - b'0'),
        _ => None,
    }
}

/// A fragment under the prefix; a relative URL rebased from `m.from` to `m.to`; anything else
/// (absolute, rooted, with a scheme, or climbing above the site root, or the bare `#` that a
/// dropped link points at) as it was.
fn relocate_url(url: &str, m: &Move, out: &mut String) {
    // `#top` names no id (a browser goes to the page's top for it): it stays as it is.
    if let Some(fragment) = url
        .strip_prefix('#')
        .filter(|f| !f.is_empty() && *f != "top")
    {
        out.push('#');
        out.push_str(m.id_prefix);
        out.push_str(fragment);
        return;
    }
    let path_end = url.find(['?', '#']).unwrap_or(url.len());
    let (path, suffix) = url.split_at(path_end);
    let has_scheme = path
        .find(':')
        .is_some_and(|colon| !path[..colon].contains('/'));
    let relative = !(path.is_empty() || path.starts_with('/') || has_scheme);
    match relative
        .then(|| crate::text::rebase(path, m.from, m.to))
        .flatten()
    {
        Some(rebased) => {
            out.push_str(&rebased);
            out.push_str(suffix);
        }
        None => out.push_str(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TO_PRINT: Move = Move {
        from: "briefs/b7/",
        to: "print/",
        id_prefix: "b7-",
        heading_offset: 2,
        inside: None,
    };

    #[test]
    fn links_to_pages_the_destination_holds_stay_on_it() {
        let places: std::collections::HashMap<String, String> = [
            ("briefs/b8/", "b8"),
            ("briefs/b7/", "b7"),
            ("briefs/", "c0"),
            ("", "cover"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let m = Move {
            inside: Some(&places),
            ..TO_PRINT
        };
        let cases = [
            ("../b8/index.html#fact-x", "#b8-fact-x"),
            ("../b8/index.html", "#b8"),
            ("../b8/", "#b8"),
            ("index.html#claim-y", "#b7-claim-y"),
            ("../index.html", "#c0"),
            ("../../index.html#intro", "#cover-intro"),
            ("#here", "#b7-here"),
            // Pages it does not hold, files and the web keep their links.
            ("../../sources/index.html#cnn", "../sources/index.html#cnn"),
            ("pic.png", "../briefs/b7/pic.png"),
            ("https://e.org/briefs/b8/", "https://e.org/briefs/b8/"),
            ("#", "#"),
        ];
        for (from, to) in cases {
            let html = format!("<a href=\"{from}\">x</a>");
            assert_eq!(
                relocate(&html, &m),
                format!("<a href=\"{to}\">x</a>"),
                "{from}"
            );
        }
        assert_eq!(
            relocate("<img src=\"../b8/index.html\">", &m),
            "<img src=\"../briefs/b8/index.html\">"
        );
    }

    #[test]
    fn ids_fragments_and_headings_move() {
        let html = "<h2 id=\"top\">A <code>&lt;h2 id=\"x\"&gt;</code></h2>\n<p><sup class=\"citation\">[<a href=\"#ref-a\" id=\"cite-a-1\" title=\"a &gt; b\">1</a>]</sup></p>\n<h6 id=\"deep\">D</h6><br />";
        assert_eq!(
            relocate(html, &TO_PRINT),
            "<h4 id=\"b7-top\">A <code>&lt;h2 id=\"x\"&gt;</code></h4>\n<p><sup class=\"citation\">[<a href=\"#b7-ref-a\" id=\"b7-cite-a-1\" title=\"a &gt; b\">1</a>]</sup></p>\n<h6 id=\"b7-deep\">D</h6><br />"
        );
    }

    #[test]
    fn a_dropped_link_points_nowhere_on_every_page() {
        let html = "<p><a href=\"#\">unsafe</a> <a href=\"#x\">x</a></p>";
        assert_eq!(
            relocate(html, &TO_PRINT),
            "<p><a href=\"#\">unsafe</a> <a href=\"#b7-x\">x</a></p>"
        );
    }

    #[test]
    fn relative_urls_are_rebased_and_others_kept() {
        let cases = [
            ("../b8/index.html#x", "../briefs/b8/index.html#x"),
            ("index.html", "../briefs/b7/index.html"),
            ("../../index.html", "../index.html"),
            ("../../print/index.html", "index.html"),
            ("pic.png?v=1", "../briefs/b7/pic.png?v=1"),
            ("./sub/", "../briefs/b7/sub/"),
            ("../../../outside.html", "../../../outside.html"),
            ("https://e.org/a/b", "https://e.org/a/b"),
            ("mailto:x@e.org", "mailto:x@e.org"),
            ("/rooted/x", "/rooted/x"),
            // Where a dropped link points: nowhere, on either page.
            ("#", "#"),
        ];
        for (from, to) in cases {
            let html = format!("<a href=\"{from}\">x</a>");
            assert_eq!(
                relocate(&html, &TO_PRINT),
                format!("<a href=\"{to}\">x</a>"),
                "{from}"
            );
        }
    }
}
