//! Relative links and images are checked at build as strictly as `@/` links: each must name a
//! file of the site (a co-located file, a `static/` file, a page), and each `#fragment` an id of
//! its page. The print edition carries the same links, rebased, and none of them breaks.

mod common;

use common::*;

/// The base book with `body` appended to the H20 brief's body.
fn with_body(body: &str) -> tempfile::TempDir {
    let mut files = base_book();
    let h20 = format!("{H20}\n{body}\n");
    files.insert("content/chips/h20.md".into(), h20);
    write_book(&files)
}

/// The 1-based line of `needle` in the H20 brief once `body` is appended.
fn line_of(body: &str, needle: &str) -> usize {
    let text = format!("{H20}\n{body}\n");
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn links_to_files_pages_and_ids_that_exist_build_and_survive_the_print_edition() {
    let body = "## Notes\n\n\
        ![Map](../map.png) and ![Logo](../../logo.png) and [the chapter](../) and \
        [supply](../supply/#capacity) and [its page](../supply/index.html) and \
        [up](#notes) and [a note](#fn-a) and [the sources](#references) and [top](#top) and \
        [the first citation](#cite-cnn-2025-1) and ![Rooted](/logo.png).[^a]\n\n[^a]: A note.";
    let book = with_body(body);
    write(book.path(), "content/chips/map.png", b"png");
    write(book.path(), "static/logo.png", b"png");
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // `map.png` beside `h20.md` is published at `chips/map.png`: from `chips/h20/` it is
    // `../map.png`. The print edition's copies of these links are rebased and hit too.
    let site = book.path().join("public");
    assert_eq!(broken_links(&site), Vec::<String>::new());
    let print = read(&site, "print/index.html");
    assert!(print.contains(r#"src="../chips/map.png""#), "{print}");
    assert!(print.contains(r#"src="../logo.png""#), "{print}");
    // A link from the site's root is made relative, so it works from disk and any sub-path.
    let page = read(&site, "chips/h20/index.html");
    assert!(
        page.contains(r#"src="../../logo.png" alt="Rooted""#),
        "{page}"
    );
}

#[test]
fn with_the_editors_own_html_allowed_the_print_edition_rebases_links_as_it_renders() {
    // Bodies with raw HTML are rendered again for the print edition rather than moved.
    let mut files = base_book();
    files.insert(
        "site.toml".into(),
        format!("{SITE}\n[markdown]\nallow_raw_html = true\n"),
    );
    let h20 =
        format!("{H20}\n## Notes\n\n![Map](../map.png) [up](#notes) [chapter](..) <b>raw</b>\n");
    files.insert("content/chips/h20.md".into(), h20);
    let book = write_book(&files);
    write(book.path(), "content/chips/map.png", b"png");
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let site = book.path().join("public");
    assert_eq!(broken_links(&site), Vec::<String>::new());
    let print = read(&site, "print/index.html");
    assert!(print.contains(r#"src="../chips/map.png""#), "{print}");
    assert!(print.contains(r#"href="../chips/index.html""#), "{print}");
}

#[test]
fn every_broken_relative_link_and_image_is_an_error_at_its_place_with_the_nearest_name() {
    let body = "![Map](map.png)\n\n\
        ![Chart](../chart.pgn)\n\n\
        [old](../supply)\n\n\
        [gone](../nowhere/)\n\n\
        [anchor](../supply/#capacty)\n\n\
        [here](#what-hapened)\n\n\
        [out](../../../../etc/passwd)";
    let book = with_body(body);
    write(book.path(), "content/chips/map.png", b"png");
    write(book.path(), "content/chips/chart.png", b"png");
    let run = briefbook(book.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let at = |needle: &str| format!("content/chips/h20.md:{}:", line_of(body, needle));
    let expect = [
        (at("![Map]"), "error[missing-file]: the image `map.png` names no file of the site (it would be `chips/h20/map.png`)", "did you mean `../map.png`?"),
        (at("![Chart]"), "error[missing-file]: the image `../chart.pgn`", "did you mean `../chart.png`?"),
        (at("[old]"), "error[missing-file]: the link `../supply` names a folder, not a file", "`../supply/`"),
        (at("[gone]"), "error[missing-file]: the link `../nowhere/` names no file of the site", ""),
        (at("[anchor]"), "error[broken-anchor]: the link `../supply/#capacty` names `#capacty`", "did you mean `capacity`?"),
        (at("[here]"), "error[broken-anchor]: the link `#what-hapened` names `#what-hapened`", "did you mean `what-happened`?"),
        (at("[out]"), "error[missing-file]: the link `../../../../etc/passwd` leads out of the site", ""),
    ];
    for (place, message, help) in expect {
        let line = run
            .stderr
            .lines()
            .position(|l| l.starts_with(&place) && l.contains(message))
            .unwrap_or_else(|| panic!("no `{place} {message}` in:\n{}", run.stderr));
        let rest: Vec<&str> = run.stderr.lines().skip(line).take(8).collect();
        assert!(
            rest.iter().any(|l| l.contains(help)),
            "`{help}` not shown with `{message}`:\n{}",
            run.stderr
        );
    }
    // A failed build writes nothing.
    let build = briefbook(book.path(), &["build"]);
    assert_eq!(build.code, 1);
    assert!(!book.path().join("public").exists());
}

#[test]
fn chapters_and_the_cover_are_checked_too_and_a_static_file_satisfies_them() {
    let mut files = base_book();
    let chapter = format!("{CHAPTER}\n![Flow](flow.svg.png)\n");
    files.insert("content/chips/_index.md".into(), chapter);
    let cover =
        format!("{COVER}\n[Data](data/book.json) and [print](print/) and [PDF](handout.pdf)\n");
    files.insert("content/_index.md".into(), cover);
    let book = write_book(&files);
    let run = briefbook(book.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("content/chips/_index.md:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("the image `flow.svg.png` names no file"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("the link `handout.pdf` names no file"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("link `data/book.json`"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("link `print/`"), "{}", run.stderr);
    write(book.path(), "content/chips/flow.svg.png", b"png");
    write(book.path(), "static/handout.pdf", b"%PDF");
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        broken_links(&book.path().join("public")),
        Vec::<String>::new()
    );
}

#[test]
fn a_brief_that_fails_to_parse_silences_the_file_checks_but_not_its_own() {
    let mut files = base_book();
    files.insert(
        "content/chips/broken.md".into(),
        "+++\ntitle = \n+++\n".into(),
    );
    let h20 = format!("{H20}\n[broken](../broken/) and [own](#nope)\n");
    files.insert("content/chips/h20.md".into(), h20);
    let book = write_book(&files);
    let run = briefbook(book.path(), &["check"]);
    assert_eq!(run.code, 1);
    assert!(!run.stderr.contains("`../broken/`"), "{}", run.stderr);
    assert!(run.stderr.contains("`#nope`"), "{}", run.stderr);
}

#[test]
fn a_drafts_files_are_not_published_and_links_to_them_are_errors() {
    let mut files = base_book();
    files.insert(
        "content/chips/plan/index.md".into(),
        "+++\ntitle = \"Plan\"\ndate = \"2025-08\"\nsummary = \"Unfinished.\"\ndraft = true\n+++\n\nText.\n".into(),
    );
    files.insert(
        "content/secret/_index.md".into(),
        "+++\ntitle = \"Secret\"\ndraft = true\n+++\n".into(),
    );
    let book = write_book(&files);
    write(book.path(), "content/chips/plan/secret.pdf", b"%PDF");
    write(book.path(), "content/secret/plan.pdf", b"%PDF");
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let site = book.path().join("public");
    assert!(!site.join("chips/plan/secret.pdf").exists());
    assert!(!site.join("secret/plan.pdf").exists());
    // With --drafts they are published with their drafts.
    let run = briefbook(book.path(), &["build", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.join("chips/plan/secret.pdf").exists());
    // A published brief may not link to a draft's file.
    let h20 = format!("{H20}\n[plan](../plan/secret.pdf)\n");
    write(book.path(), "content/chips/h20.md", h20.as_bytes());
    let run = briefbook(book.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the link `../plan/secret.pdf` names no file"),
        "{}",
        run.stderr
    );
}
