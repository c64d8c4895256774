//! Building fixture books and asserting on the pages written.

mod common;

use common::*;

#[test]
fn a_book_builds_with_citations_claims_facts_and_relative_links() {
    let book = write_book(&base_book());
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let root = book.path();
    let h20 = read(root, "public/chips/h20/index.html");
    // Numbered markers linking to the reference list, numbered by first citation.
    assert!(
        h20.contains(
            r##"<a href="#ref-cnn-2025" id="cite-cnn-2025-1" title="China is cool on the H20""##
        ),
        "{h20}"
    );
    assert!(h20.contains(r##"<a href="#ref-ft-2025" id="cite-ft-2025-1""##));
    assert!(h20.contains(">2</a>, p. 2]</sup>"));
    assert!(h20.contains(r#"<li id="ref-cnn-2025" class="reference status-active">"#));
    assert!(h20.contains(r##"<a class="backlink" href="#cite-cnn-2025-1""##));
    assert!(h20.contains(r#"<tr id="claim-lukewarm""#));
    assert!(h20.contains(r#"<tr id="fact-shipments" class="conflict">"#));
    // A value and its unit never wrap apart.
    assert!(h20.contains("1,500,000\u{a0}units"));
    assert!(h20.contains("<code>[@nothing]</code>"));
    // Links are relative and end in index.html, so the site works from disk.
    assert!(h20.contains(r#"href="../supply/index.html#capacity""#));
    assert!(h20.contains(r#"<link rel="stylesheet" href="../../style.css">"#));
    assert!(h20.contains(r#"<link rel="canonical" href="https://example.org/book/chips/h20/">"#));
    assert!(!h20.contains("href=\"/"), "no root-absolute links");
    let supply = read(root, "public/chips/supply/index.html");
    assert!(
        supply.contains(r##"<h2 id="capacity">Capacity <a class="self-link" href="#capacity""##)
    );
    assert!(supply.contains("Linked from"));
    assert!(
        supply.contains(r#"href="../../chips/h20/index.html">The H20 decision</a>"#),
        "{supply}"
    );
    let cover = read(root, "public/index.html");
    assert!(cover.contains("2 briefs in 1 chapters"));
    assert!(cover.contains(r#"href="./chips/h20/index.html""#));
    let not_found = read(root, "public/404.html");
    assert!(
        not_found.contains(r#"href="https://example.org/book/style.css""#),
        "404 uses absolute URLs"
    );
    assert!(root.join("public/style.css").exists());
    assert!(root.join("public/chips/index.html").exists());
    // Every file the build wrote is counted once, those written in parts too (the print
    // edition, the indexes).
    let made = snapshot(&root.join("public")).len();
    assert!(
        run.stderr.contains(&format!("built {made} pages into")),
        "{}",
        run.stderr
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let book = write_book(&base_book());
    let root = book.path();
    let (one, two) = (root.join("one"), root.join("two"));
    assert_eq!(
        briefbook(root, &["build", "-o", one.to_str().unwrap()]).code,
        0
    );
    assert_eq!(
        briefbook(root, &["build", "-o", two.to_str().unwrap()]).code,
        0
    );
    let (one, two) = (snapshot(&one), snapshot(&two));
    assert!(one.len() > 5);
    assert_eq!(one, two);
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_for_byte() {
    let book = write_book(&base_book());
    let root = book.path();
    assert_eq!(briefbook(root, &["build"]).code, 0);
    let before = snapshot(&root.join("public"));
    write(
        root,
        "content/chips/h20.md",
        H20.replace("[@cnn-2025]", "[@cnn-2052]").as_bytes(),
    );
    let run = briefbook(root, &["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("previous output is unchanged"));
    assert_eq!(snapshot(&root.join("public")), before);
    let leftovers: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    // Only what builds keep on purpose: the fingerprints of the sites' files.
    assert!(
        leftovers.iter().all(|n| {
            let n = n.to_string_lossy();
            !n.contains("briefbook-") || n == ".public.briefbook-fingerprints"
        }),
        "{leftovers:?}"
    );
}

#[test]
fn output_dirs_holding_the_book_are_refused_before_writing() {
    let book = write_book(&base_book());
    let root = book.path();
    for out in [".", "content", ".."] {
        let target = root.join(out);
        let run = briefbook(root, &["build", "-o", target.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{out}: {}", run.stderr);
        assert!(run.stderr.contains("error[output-dir]"), "{}", run.stderr);
    }
    assert!(!root.join("content/index.html").exists());
    assert!(!root.join("index.html").exists());
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let mut files = base_book();
    files.insert(
        "content/chips/draft.md".into(),
        "+++\ntitle = \"Draft\"\ndate = \"2025-08\"\nsummary = \"x\"\ndraft = true\n+++\nText [@cnn-2025].\n".into(),
    );
    let book = write_book(&files);
    assert_eq!(briefbook(book.path(), &["build"]).code, 0);
    assert!(!book.path().join("public/chips/draft/index.html").exists());
    assert_eq!(briefbook(book.path(), &["build", "--drafts"]).code, 0);
    assert!(book.path().join("public/chips/draft/index.html").exists());
}

#[test]
fn templates_override_the_built_in_theme_file_by_file() {
    let mut files = base_book();
    files.insert(
        "templates/404.html".into(),
        "custom 404 for {{ config.title }}".into(),
    );
    files.insert("static/robots.txt".into(), "User-agent: *\n".into());
    files.insert(
        "content/chips/bundle/index.md".into(),
        H20.replace("The H20 decision", "Bundle")
            .replace("id = \"shipments\"\n", ""),
    );
    files.insert("content/chips/bundle/chart.png".into(), "png bytes".into());
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        read(book.path(), "public/404.html"),
        "custom 404 for Test book"
    );
    assert!(read(book.path(), "public/chips/h20/index.html").contains("<article class=\"brief\">"));
    assert_eq!(read(book.path(), "public/robots.txt"), "User-agent: *\n");
    assert_eq!(
        read(book.path(), "public/chips/bundle/chart.png"),
        "png bytes"
    );
}

#[test]
fn base_url_flag_and_css_highlighting() {
    let mut files = base_book();
    files.insert(
        "site.toml".into(),
        format!("{SITE}\n[markdown]\nhighlight_theme = \"css\"\n"),
    );
    files.insert(
        "content/chips/h20.md".into(),
        format!("{H20}\n```rust\nfn main() {{}}\n```\n"),
    );
    let book = write_book(&files);
    let run = briefbook(
        book.path(),
        &["build", "--base-url", "https://mirror.example/x"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let h20 = read(book.path(), "public/chips/h20/index.html");
    assert!(h20.contains("https://mirror.example/x/chips/h20/"));
    assert!(h20.contains("class=\"hl-"), "classed highlighting");
    assert!(read(book.path(), "public/highlight.css").contains(".hl-"));
}

#[test]
fn chapters_nest_and_order_by_weight_then_title() {
    let mut files = base_book();
    files.insert(
        "content/chips/memory/_index.md".into(),
        "+++\ntitle = \"Memory\"\nweight = 1\n+++\n".into(),
    );
    files.insert(
        "content/chips/memory/hbm.md".into(),
        "+++\ntitle = \"HBM\"\ndate = \"2024\"\nsummary = \"s\"\n+++\nSee [the chapter](@/chips/_index.md) [@ft-2025].\n".into(),
    );
    files.insert(
        "content/alpha/_index.md".into(),
        "+++\ntitle = \"Alpha\"\nweight = 5\n+++\n".into(),
    );
    files.insert(
        "content/alpha/one.md".into(),
        "+++\ntitle = \"One\"\ndate = \"2024\"\nsummary = \"s\"\n+++\n[@cnn-2025]\n".into(),
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hbm = read(book.path(), "public/chips/memory/hbm/index.html");
    assert!(
        hbm.contains(r#"href="../../index.html">the chapter</a>"#),
        "{hbm}"
    );
    let cover = read(book.path(), "public/index.html");
    let order: Vec<usize> = [
        "chips/index.html",
        "chips/memory/index.html",
        "alpha/index.html",
    ]
    .iter()
    .map(|url| {
        cover
            .find(&format!("href=\"./{url}\""))
            .unwrap_or_else(|| panic!("{url} in {cover}"))
    })
    .collect();
    // Chips has no weight, so weighted Alpha comes first; Memory is inside Chips.
    assert!(order[2] < order[0] && order[0] < order[1], "{order:?}");
    let chapter = read(book.path(), "public/chips/index.html");
    assert!(
        chapter.contains(r#"href="../chips/memory/index.html">Memory</a>"#),
        "{chapter}"
    );
    // The contents are rendered once per depth, not per page: every page with the sidebar, the
    // brief three folders down included, lists the nested chapter with its own way to the root.
    let mut with_sidebar = 0;
    for (path, bytes) in snapshot(&book.path().join("public")) {
        let page = String::from_utf8_lossy(&bytes);
        if !path.ends_with(".html") || !page.contains(r#"<nav class="contents""#) {
            continue;
        }
        with_sidebar += 1;
        // The contents' entry, not the breadcrumb, which links the chapter too.
        let entry = "data-chapter=\"chips/memory/index.html\"><a href=\"";
        let link = match path.as_str() {
            "404.html" => entry.to_string(),
            _ => {
                let depth = path.matches('/').count();
                let root = if depth == 0 {
                    "./".into()
                } else {
                    "../".repeat(depth)
                };
                format!("{entry}{root}chips/memory/index.html\">")
            }
        };
        assert!(page.contains(&link), "{path} lacks {link}");
    }
    assert!(with_sidebar >= 10, "{with_sidebar} pages with the sidebar");
}

/// A theme of its own may already have a `contents.html`: a partial its pages include, which
/// reads a page's context. It gets `contents` there, and is never rendered on its own.
#[test]
fn a_themes_own_contents_partial_is_included_with_the_pages_context() {
    let mut files = base_book();
    files.insert(
        "templates/base.html".into(),
        "<title>{% block title %}{% endblock title %}</title>{% block head %}{% endblock head %}\
         <nav>{% include \"contents.html\" %}</nav>{% block content %}{% endblock content %}"
            .into(),
    );
    files.insert(
        "templates/contents.html".into(),
        "{{ kind }}:{% for c in contents %}[{{ c.title }}]{% endfor %}".into(),
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(book.path(), "public/chips/h20/index.html");
    assert!(page.contains("<nav>brief:[Chips]</nav>"), "{page}");
}
