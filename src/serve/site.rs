//! What the server serves: a snapshot of the last good site, the current errors, and how a
//! request path maps to a file. No I/O here.

use std::collections::HashMap;
use std::sync::Arc;

use crate::text::escape_html;

/// The site as of one rebuild. Immutable: the rebuild thread publishes a new one.
#[derive(Default)]
pub struct Snapshot {
    /// The last site that built, by path (`chips/h20/index.html`).
    pub files: Arc<crate::serve::memory::Files>,
    /// The problems of the latest build, as text, when it failed.
    pub errors: Option<String>,
    /// What the site was built from, and the templates it was rendered with: for the print
    /// edition on request.
    pub compiled: Option<(
        Arc<crate::pipeline::Compiled>,
        Arc<crate::render::RenderCache>,
    )>,
    /// The print edition, once made for this snapshot.
    pub print: std::sync::OnceLock<Arc<Vec<u8>>>,
}

/// The file a request path names, or why there is none.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    File(String),
    /// A folder asked for without its slash: send the browser to `path/`.
    Redirect(String),
    NotFound,
}

/// Maps a raw request path to a file of the snapshot. Anything that could step outside the
/// site (`..`, also percent-encoded; backslashes; NUL) is simply not found: the site is a map
/// of paths, not a folder on disk, so there is nothing to traverse to.
pub fn lookup<V>(files: &HashMap<String, V>, raw_path: &str) -> Lookup {
    let Ok(decoded) = percent_encoding::percent_decode_str(raw_path).decode_utf8() else {
        return Lookup::NotFound;
    };
    if decoded.contains(['\\', '\0']) {
        return Lookup::NotFound;
    }
    let segments: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
    if segments.iter().any(|s| *s == ".." || *s == ".") {
        return Lookup::NotFound;
    }
    let joined = segments.join("/");
    let key = if decoded.ends_with('/') || joined.is_empty() {
        if joined.is_empty() {
            "index.html".to_string()
        } else {
            format!("{joined}/index.html")
        }
    } else {
        joined.clone()
    };
    if files.contains_key(&key) {
        Lookup::File(key)
    } else if files.contains_key(&format!("{joined}/index.html")) {
        Lookup::Redirect(format!("/{joined}/"))
    } else {
        Lookup::NotFound
    }
}

/// The reload script (and, after a failed build, the error overlay) added to served HTML only.
pub fn inject(html: &[u8], errors: Option<&str>) -> Vec<u8> {
    let mut addition = String::from(RELOAD_SCRIPT);
    if let Some(errors) = errors {
        addition.push_str(&overlay(errors));
    }
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{addition}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{addition}").into_bytes(),
    }
}

/// A page for when no build has succeeded yet.
pub fn errors_page(errors: &str) -> Vec<u8> {
    inject(b"<!doctype html><html><head><meta charset=\"utf-8\"><title>Build failed</title></head><body></body></html>", Some(errors))
}

pub const LIVE_PATH: &str = "/__briefbook/live";

/// Listens for rebuilds. The stream is closed when the page is left: browsers keep left pages
/// alive for Back, and six open streams would use up their connections to the server.
const RELOAD_SCRIPT: &str = "<script>(function(){var s=null;function open(){s=new EventSource(\"/__briefbook/live\");s.onmessage=function(e){if(e.data===\"reload\"){location.reload();}};}open();addEventListener(\"pagehide\",function(){if(s){s.close();s=null;}});addEventListener(\"pageshow\",function(e){if(e.persisted&&!s){open();}});})();</script>";

fn overlay(errors: &str) -> String {
    format!(
        "<div id=\"briefbook-errors\" role=\"alert\" style=\"position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;z-index:2147483647;background:#fff1f0;color:#5c0011;border-top:4px solid #a40e26;padding:1rem 1.25rem;font:14px/1.45 ui-monospace,Menlo,Consolas,monospace\"><button type=\"button\" aria-label=\"Close\" onclick=\"this.parentNode.remove()\" style=\"float:right;font:inherit;background:none;border:1px solid currentColor;border-radius:3px;color:inherit;cursor:pointer\">Close</button><strong>The last change does not build; this is the last good version.</strong><pre style=\"white-space:pre-wrap;margin:.5rem 0 0\">{}</pre></div>",
        escape_html(errors)
    )
}

/// The media type of a file, by its extension.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> HashMap<String, Vec<u8>> {
        ["index.html", "chips/h20/index.html", "style.css"]
            .into_iter()
            .map(|p| (p.to_string(), Vec::new()))
            .collect()
    }

    #[test]
    fn paths_map_to_files_folders_and_redirects() {
        let files = site();
        assert_eq!(lookup(&files, "/"), Lookup::File("index.html".into()));
        assert_eq!(
            lookup(&files, "/chips/h20/"),
            Lookup::File("chips/h20/index.html".into())
        );
        assert_eq!(
            lookup(&files, "/chips/h20/index.html"),
            Lookup::File("chips/h20/index.html".into())
        );
        assert_eq!(
            lookup(&files, "/chips/h20"),
            Lookup::Redirect("/chips/h20/".into())
        );
        assert_eq!(
            lookup(&files, "/style.css"),
            Lookup::File("style.css".into())
        );
        assert_eq!(lookup(&files, "/nothing"), Lookup::NotFound);
    }

    #[test]
    fn traversal_in_any_spelling_is_not_found() {
        let files = site();
        for path in [
            "/../site.toml",
            "/%2e%2e/site.toml",
            "/..%2fsite.toml",
            "/chips/..%2F..%2Fsite.toml",
            "/chips\\..\\style.css",
            "/%2E%2E%5Cstyle.css",
            "/./style.css",
            "/chips/%00",
            "/%ff",
        ] {
            assert_eq!(lookup(&files, path), Lookup::NotFound, "{path}");
        }
    }

    #[test]
    fn injection_goes_before_the_body_end_and_escapes_errors() {
        let page = inject(
            b"<html><body><p>x</p></body></html>",
            Some("a.md:1:1: <b>bad</b>"),
        );
        let page = String::from_utf8(page).unwrap();
        assert!(page.contains("EventSource(\"/__briefbook/live\")"));
        assert!(page.contains("a.md:1:1: &lt;b&gt;bad&lt;/b&gt;"));
        assert!(
            page.contains("onclick=\"this.parentNode.remove()\""),
            "a close button"
        );
        assert!(page.ends_with("</body></html>"));
    }
}
