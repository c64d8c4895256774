//! Hostile content: script payloads in every field and in the body must not survive as markup.

mod common;

use common::*;

const P: &str = r#""><script>alert(1337)</script><img src=x onerror=alert(1337)>'"#;

fn escaped_toml(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn hostile_book() -> std::collections::BTreeMap<String, String> {
    let p = escaped_toml(P);
    let mut files = base_book();
    files.insert(
        "site.toml".into(),
        format!("title = \"{p}\"\nbase_url = \"https://example.org/\"\ndescription = \"{p}\"\n[extra]\nnote = \"{p}\"\n[check]\nreference_date = \"2025-09-01\"\n"),
    );
    files.insert(
        "content/_index.md".into(),
        format!("+++\ntitle = \"{p}\"\nsummary = \"{p}\"\n+++\n{P}\n"),
    );
    files.insert(
        "content/chips/_index.md".into(),
        format!("+++\ntitle = \"{p}\"\nsummary = \"{p}\"\n+++\n<script>alert(1337)</script>\n"),
    );
    files.insert(
        "content/sources.toml".into(),
        format!("[[source]]\nid = \"evil\"\ntitle = \"{p}\"\npublisher = \"{p}\"\nauthors = [\"{p}\"]\ndate = \"2025\"\nnote = \"{p}\"\nkind = \"report\"\n\n{SOURCES}"),
    );
    let body = [
        "## Heading <script>alert(1337)</script>",
        "[click](javascript:alert(1337)) [click2](JaVaScRiPt:alert(1337)) [c3](  javascript:alert(1337))",
        "![img](javascript:alert(1337)) ![img2](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMzM3KTwvc2NyaXB0Pg==)",
        "<javascript:alert(1337)> <img src=x onerror=alert(1337)> <a href=\"javascript:alert(1337)\">x</a>",
        "<iframe src=\"https://evil.example\"></iframe><svg onload=alert(1337)>",
        "```\"><script>alert(1337)</script>\nconst x = \"</code></pre><script>alert(1337)</script>\";\n```",
        "Cited [@evil] and [@cnn-2025].",
    ]
    .join("\n\n");
    files.insert(
        "content/chips/h20.md".into(),
        format!(
            "+++\ntitle = \"{p}\"\ndate = \"2025-08-17\"\nsummary = \"{p}\"\nauthors = [\"{p}\"]\ntags = [\"{p}\"]\n[extra]\nx = \"{p}\"\n\n[[claims]]\nid = \"c1\"\ntext = \"{p}\"\nattributed_to = \"{p}\"\nsources = [\"evil\"]\n\n[[facts]]\nid = \"f1\"\nsubject = \"{p}\"\nmetric = \"{p}\"\nvalue = \"{p}\"\nunit = \"{p}\"\nnote = \"{p}\"\nsource = \"evil\"\n+++\n\n{body}\n"
        ),
    );
    files
}

/// Live markup in an HTML file: dangerous elements, event-handler attributes, and links or
/// sources with a script-capable scheme. Escaped text (`&lt;script&gt;`) is not markup.
fn live_markup(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(start) = html[i..].find('<').map(|k| i + k) {
        let name_len = html[start + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        let name = html[start + 1..start + 1 + name_len].to_ascii_lowercase();
        let (attributes, end) = attributes(html, start + 1 + name_len);
        if name == "script" {
            // Allowed: a JSON data block that cannot close itself early, and the theme's own
            // script files by `src`. Anything else is script an editor smuggled in.
            let body = &html[end.min(html.len())..];
            let body = &body[..body.find("</script>").unwrap_or(body.len())];
            let data = attributes
                .iter()
                .any(|(a, v)| a == "type" && v == "application/ld+json")
                && !body.contains('<');
            let theme = attributes
                .iter()
                .any(|(a, v)| a == "src" && v.ends_with(".js") && !v.contains(':'))
                && body.trim().is_empty();
            if !data && !theme {
                found.push("<script>".to_string());
            }
        } else if ["iframe", "svg", "object", "embed"].contains(&name.as_str()) {
            found.push(format!("<{name}>"));
        }
        for (attr, value) in attributes {
            let scheme: String = value
                .chars()
                .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if attr.starts_with("on") {
                found.push(format!("<{name} {attr}=...>"));
            } else if ["href", "src", "action", "formaction"].contains(&attr.as_str())
                && ["javascript:", "data:", "vbscript:"]
                    .iter()
                    .any(|s| scheme.starts_with(s))
            {
                found.push(format!("<{name} {attr}={value}>"));
            }
        }
        i = end.max(start + 1);
        if i >= bytes.len() {
            break;
        }
    }
    found
}

/// The attributes of a tag whose name ends at `at`, and where the tag ends.
fn attributes(html: &str, mut at: usize) -> (Vec<(String, String)>, usize) {
    let b = html.as_bytes();
    let mut out = Vec::new();
    loop {
        while at < b.len() && (b[at].is_ascii_whitespace() || b[at] == b'/') {
            at += 1;
        }
        if at >= b.len() || b[at] == b'>' {
            return (out, at + 1);
        }
        let name_start = at;
        while at < b.len() && !b[at].is_ascii_whitespace() && !matches!(b[at], b'=' | b'>' | b'/') {
            at += 1;
        }
        let name = html[name_start..at].to_ascii_lowercase();
        let mut value = String::new();
        if at < b.len() && b[at] == b'=' {
            at += 1;
            let quote = b.get(at).copied().filter(|q| *q == b'"' || *q == b'\'');
            let value_start = at + usize::from(quote.is_some());
            let mut end = value_start;
            while end < b.len()
                && match quote {
                    Some(q) => b[end] != q,
                    None => !b[end].is_ascii_whitespace() && b[end] != b'>',
                }
            {
                end += 1;
            }
            value = html[value_start..end].to_string();
            at = end + usize::from(quote.is_some());
        }
        out.push((name, value));
    }
}

#[test]
fn no_payload_survives_in_any_built_file() {
    let book = write_book(&hostile_book());
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The unsafe links were dropped with located warnings.
    assert!(run.stderr.contains("warning[unsafe-url]"), "{}", run.stderr);
    let site = snapshot(&book.path().join("public"));
    assert!(site.len() > 10);
    // Markup-bearing files; data/facts.csv is text/csv, its formula cells defused
    // (`facts_csv_cells_never_start_a_formula`).
    for (path, bytes) in site.iter().filter(|(p, _)| {
        [".html", ".js", ".json", ".xml"]
            .iter()
            .any(|e| p.ends_with(e))
    }) {
        let text = String::from_utf8_lossy(bytes);
        let found = live_markup(&text);
        assert!(found.is_empty(), "{path} carries live markup: {found:?}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&read(book.path(), "public/data/book.json")).unwrap();
    assert_eq!(
        json["title"],
        P.replace("\\", ""),
        "book.json still reads as the editor's text"
    );
    // The payload text is still there, shown as text.
    let h20 = read(book.path(), "public/chips/h20/index.html");
    assert!(
        h20.contains("&lt;script&gt;alert(1337)&lt;&#x2F;script&gt;")
            || h20.contains("&lt;script&gt;alert(1337)&lt;/script&gt;"),
        "{h20}"
    );
}

#[test]
fn the_detector_sees_live_markup() {
    assert_eq!(
        live_markup("<p>fine &lt;script&gt;</p>"),
        Vec::<String>::new()
    );
    assert_eq!(
        live_markup("<meta content=\"&lt;img onerror=x&gt; javascript:x\">"),
        Vec::<String>::new()
    );
    assert!(!live_markup("<img src=x onerror=alert(1)>").is_empty());
    assert!(!live_markup("<a href=\"JavaScript:x\">").is_empty());
    assert!(!live_markup("<p><script>alert(1)</script>").is_empty());
    assert!(!live_markup(
        "<script type=\"application/ld+json\">{\"a\":\"</script><script>x\"}</script>"
    )
    .is_empty());
    assert!(live_markup(
        "<script type=\"application/ld+json\">{\"a\":\"\\u003c/script\"}</script>"
    )
    .is_empty());
    assert!(live_markup("<script src=\"../search.js\"></script>").is_empty());
}

#[test]
fn private_use_characters_in_a_subject_stay_text_and_rows_stay_in_their_tables() {
    // Index rows were once spliced in at markers made of private-use characters; they are plain
    // strings now, and a subject made of such characters is only text.
    let mut files = base_book();
    let odd = r#"subject: "\uE000briefbook-rows-0\uE001 chips""#;
    files.insert(
        "content/chips/supply.md".into(),
        SUPPLY.replace("subject: Nvidia H20", odd),
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let facts = read(book.path(), "public/facts/index.html");
    for subject in ["\u{E000}briefbook-rows-0\u{E001} chips", "Nvidia H20"] {
        let at = facts.find(&format!("{subject}</h2>")).expect(subject);
        let table = &facts[at..facts[at..].find("</table>").unwrap() + at];
        assert_eq!(table.matches("<tr id=").count(), 1, "{table}");
    }
}

/// `base_url` values that put script or broken URLs into every absolute link of the site.
const BAD_BASE_URLS: &[&str] = &[
    "javascript:console.log(document.domain)//",
    "not a url",
    "ftp://example.org/book/",
    "https://example.org/my book/",
    "/",
    "//example.org/book/",
    "https://example.org/book/?page=1",
    "https://editor:hunter2@example.org/",
];

#[test]
fn base_url_in_site_toml_must_be_an_absolute_web_url() {
    for bad in BAD_BASE_URLS {
        let mut files = base_book();
        files.insert(
            "site.toml".into(),
            SITE.replace("https://example.org/book/", bad),
        );
        let book = write_book(&files);
        for command in ["check", "build"] {
            let run = briefbook(book.path(), &[command]);
            assert_eq!(run.code, 1, "{bad} ({command}): {}", run.stderr);
            assert!(
                run.stderr
                    .lines()
                    .any(|l| l.starts_with("site.toml:2:12: error[invalid-url]: ")),
                "{bad} ({command}): {}",
                run.stderr
            );
        }
        assert!(!book.path().join("public").exists(), "{bad} built a site");
    }
}

#[test]
fn base_url_flag_must_be_an_absolute_web_url() {
    let book = write_book(&base_book());
    for bad in BAD_BASE_URLS {
        let run = briefbook(book.path(), &["build", "--base-url", bad]);
        assert_eq!(run.code, 2, "{bad}: {}", run.stderr);
        assert!(
            run.stderr
                .lines()
                .any(|l| l.starts_with("error[usage]: --base-url ")),
            "{bad}: {}",
            run.stderr
        );
        assert!(!book.path().join("public").exists(), "{bad} built a site");
    }
    // A port, an IPv6 host, no trailing slash and capitals in the scheme and host are fine: the
    // URL is written in its normal form.
    let run = briefbook(
        book.path(),
        &["build", "--base-url", "HTTPS://Mirror.Example:8443/Book"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let not_found = read(book.path(), "public/404.html");
    assert!(
        not_found.contains("href=\"https://mirror.example:8443/Book/style.css"),
        "{not_found}"
    );
    let run = briefbook(book.path(), &["build", "--base-url", "http://[::1]:1111"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(read(book.path(), "public/404.html").contains("http://[::1]:1111/"));
}

#[test]
fn co_located_files_that_browsers_run_are_refused_unless_raw_html_is_allowed() {
    let mut files = base_book();
    let refused = [
        "content/chips/evil.html",
        "content/chips/bundle/evil.svg",
        "content/chips/Evil.XHTML",
        "content/chips/evil.Js",
        "content/chips/feed.xml",
    ];
    for path in refused {
        files.insert(
            path.into(),
            "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1337)\"/>".into(),
        );
    }
    files.insert(
        "content/chips/bundle/index.md".into(),
        "+++\ntitle = \"Bundle\"\ndate = \"2025\"\nsummary = \"s\"\n+++\n![chart](chart.png) [@cnn-2025]\n"
            .into(),
    );
    files.insert("content/chips/bundle/chart.png".into(), "png".into());
    files.insert(
        "static/widget.html".into(),
        "<script>the owner's own</script>".into(),
    );
    let book = write_book(&files);
    for command in ["check", "build"] {
        let run = briefbook(book.path(), &[command]);
        assert_eq!(run.code, 1, "{command}: {}", run.stderr);
        for path in refused {
            let headline = format!("{path}: error[unsafe-file]: ");
            assert!(
                run.stderr.lines().any(|l| l.starts_with(&headline)),
                "{command}: {path}: {}",
                run.stderr
            );
        }
        assert_eq!(
            run.stderr.matches("error[unsafe-file]").count(),
            refused.len(),
            "only those: {}",
            run.stderr
        );
    }
    assert!(!book.path().join("public").exists());
    // Editors trusted with raw HTML are trusted with these files too.
    files.insert(
        "site.toml".into(),
        format!("{SITE}[markdown]\nallow_raw_html = true\n"),
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(book.path().join("public/chips/evil.html").is_file());
    assert!(book.path().join("public/chips/bundle/evil.svg").is_file());
    assert!(book.path().join("public/widget.html").is_file());
}

#[test]
fn static_files_are_the_owners_and_copied_as_they_are() {
    let mut files = base_book();
    files.insert(
        "static/widget.html".into(),
        "<script>the owner's own</script>".into(),
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        read(book.path(), "public/widget.html"),
        "<script>the owner's own</script>"
    );
}

#[cfg(unix)]
#[test]
fn links_to_hidden_files_publish_nothing_of_them() {
    use std::os::unix::fs::symlink;
    let book = write_book(&base_book());
    let root = book.path();
    write(
        root,
        ".git/config",
        b"[core]\n\trepositoryformatversion = 0\n",
    );
    write(root, ".env", b"TOKEN=secret\n");
    write(root, "static/logo.txt", b"logo");
    symlink("../.git", root.join("static/repo")).unwrap();
    symlink("../.env", root.join("static/env.txt")).unwrap();
    symlink("../../.git/config", root.join("content/chips/config.txt")).unwrap();
    symlink(".git", root.join("templates")).unwrap();
    symlink("logo.txt", root.join("static/alias.txt")).unwrap();
    let run = briefbook(root, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let site = snapshot(&root.join("public"));
    for (path, bytes) in &site {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("TOKEN=secret") && !text.contains("repositoryformatversion"),
            "{path} publishes a hidden file"
        );
    }
    assert_eq!(site.get("alias.txt").map(Vec::as_slice), Some(&b"logo"[..]));
    for link in [
        "static/repo",
        "static/env.txt",
        "content/chips/config.txt",
        "templates",
    ] {
        let headline = format!("{link}: warning[symlink]: ");
        assert!(
            run.stderr.lines().any(|l| l.starts_with(&headline)),
            "{link}: {}",
            run.stderr
        );
    }
}

#[test]
fn facts_csv_cells_never_start_a_formula() {
    let mut files = base_book();
    files.insert(
        "content/chips/formulas.md".into(),
        r#"+++
title = "Formulas"
date = "2025"
summary = "s"

[[facts]]
subject = "=HYPERLINK(\"https://evil.example\",\"x\")"
metric = "+1"
value = "-2+3"
unit = "@SUM(A1)"
note = "\tcmd"
source = "cnn-2025"

[[facts]]
subject = "\r=1+1"
metric = "Change"
value = -5
source = "cnn-2025"

[[facts]]
subject = "Plain"
metric = "Ratio"
value = -0.5
note = "- a note"
source = "cnn-2025"
+++
x
"#
        .into(),
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let csv = read(book.path(), "public/data/facts.csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let row = |subject: &str| {
        rows.iter()
            .find(|r| &r[0] == subject)
            .unwrap_or_else(|| panic!("no row {subject:?} in\n{csv}"))
    };
    let first = row("'=HYPERLINK(\"https://evil.example\",\"x\")");
    assert_eq!(
        (&first[1], &first[2], &first[3], &first[7]),
        ("'+1", "'-2+3", "'@SUM(A1)", "'\tcmd")
    );
    assert_eq!(&row("'\r=1+1")[2], "-5", "a number stays a number");
    let plain = row("Plain");
    assert_eq!((&plain[2], &plain[7]), ("-0.5", "'- a note"));
    for record in &rows {
        for (column, cell) in record.iter().enumerate() {
            let number = column == 2 && cell.parse::<f64>().is_ok();
            assert!(
                number || !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?} in\n{csv}"
            );
        }
    }
}
