//! The editor's loop: `serve` with rebuilds, overlay and safe paths; `new` and `init`.

mod common;

use std::process::Command;

use common::*;

#[test]
fn serve_rebuilds_shows_errors_over_the_last_good_page_and_recovers() {
    let book = write_book(&base_book());
    let root = book.path();
    let server = Server::start(root);
    let (status, page) = server.get("/chips/h20/");
    assert_eq!(status, 200);
    assert!(page.contains("The H20 decision"));
    assert!(
        page.contains("new EventSource(\"/__briefbook/live\")"),
        "the reload script is injected when serving"
    );
    assert!(
        page.contains(&format!(
            "<link rel=\"canonical\" href=\"http://{}/chips/h20/\">",
            server.address
        )),
        "its own address stands in for base_url"
    );

    write(
        root,
        "content/chips/h20.md",
        H20.replace("The H20 decision", "The H20 reversal")
            .as_bytes(),
    );
    server.wait_for("/chips/h20/", |p| p.contains("The H20 reversal"));

    write(
        root,
        "content/chips/h20.md",
        H20.replace("The H20 decision", "Broken")
            .replace("[@cnn-2025]", "[@cnn-2052]")
            .as_bytes(),
    );
    let page = server.wait_for("/chips/h20/", |p| p.contains("briefbook-errors"));
    assert!(
        page.contains("The H20 reversal"),
        "the last good page is still served"
    );
    assert!(page.contains("content/chips/h20.md:26:20: error[unknown-source]: citation of unknown source `cnn-2052`"), "{page}");

    write(root, "content/chips/h20.md", H20.as_bytes());
    let page = server.wait_for("/chips/h20/", |p| p.contains("The H20 decision"));
    assert!(!page.contains("briefbook-errors"));
    assert!(
        !root.join("public").exists(),
        "serve never writes the output folder"
    );
}

#[test]
fn serve_refuses_traversal_other_methods_and_serves_the_404_page() {
    let book = write_book(&base_book());
    let server = Server::start(book.path());
    for path in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/..%2fsite.toml",
        "/chips/..%2F..%2Fsite.toml",
        "/chips%5C..%5C..%5Csite.toml",
        "/content/chips/h20.md",
    ] {
        let (status, page) = server.get(path);
        assert_eq!(status, 404, "{path}");
        assert!(
            page.contains("Page not found"),
            "{path}: the book's 404 page"
        );
        assert!(!page.contains("base_url = "), "{path} leaked site.toml");
    }
    assert_eq!(server.request("POST", "/").0, 405);
    assert_eq!(server.request("DELETE", "/chips/h20/").0, 405);
    let (status, head) = server.request("HEAD", "/chips/h20/");
    assert_eq!(status, 200);
    assert!(!head.contains("<html"), "HEAD has no body");
    let (status, redirect) = server.get("/chips/h20");
    assert_eq!(status, 301);
    assert!(
        redirect
            .to_ascii_lowercase()
            .contains("location: /chips/h20/"),
        "{redirect}"
    );
}

#[test]
fn build_output_never_carries_the_reload_script() {
    let book = write_book(&base_book());
    assert_eq!(briefbook(book.path(), &["build"]).code, 0);
    for (path, bytes) in snapshot(&book.path().join("public")) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("__briefbook"),
            "{path}"
        );
    }
}

#[test]
fn new_writes_a_brief_that_builds_and_never_overwrites() {
    let book = write_book(&base_book());
    let root = book.path();
    let run = briefbook(
        root,
        &["new", "markets/h20-demand", "--title", "H20 \"demand\""],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = read(root, "content/markets/h20-demand.md");
    assert!(
        text.starts_with("+++\ntitle = \"H20 \\\"demand\\\"\"\ndate = \""),
        "{text}"
    );
    assert!(
        text.contains("# [[claims]]")
            && text.contains("# [[facts]]")
            && text.contains("# [[sources]]")
    );
    assert!(read(root, "content/markets/_index.md").contains("title = \"Markets\""));
    assert_eq!(briefbook(root, &["build"]).code, 0);
    assert!(read(root, "public/markets/h20-demand/index.html").contains("H20 &quot;demand&quot;"));
    let before = read(root, "content/markets/h20-demand.md");
    let again = briefbook(root, &["new", "markets/h20-demand"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(read(root, "content/markets/h20-demand.md"), before);
    assert_eq!(briefbook(root, &["new", "Bad Name"]).code, 2);
}

#[test]
fn new_follows_a_yaml_book() {
    let mut files = base_book();
    files.insert(
        "content/chips/h20.md".into(),
        SUPPLY.replace("Supply", "Another"),
    );
    let book = write_book(&files);
    assert_eq!(briefbook(book.path(), &["new", "chips/third"]).code, 0);
    assert!(read(book.path(), "content/chips/third.md").starts_with("---\ntitle: \"Third\"\n"));
}

#[test]
fn init_makes_a_book_that_checks_clean_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    let run = Command::new(env!("CARGO_BIN_EXE_briefbook"))
        .arg("init")
        .arg(&book)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let check = briefbook(&book, &["check", "--deny-warnings"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert_eq!(briefbook(&book, &["build"]).code, 0);
    assert!(read(&book, ".gitignore").contains("/public"));
    // Not empty: refused without --force; with it, nothing existing is overwritten.
    write(&book, "content/_index.md", b"+++\ntitle = \"Mine\"\n+++\n");
    let refused = Command::new(env!("CARGO_BIN_EXE_briefbook"))
        .arg("init")
        .arg(&book)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let forced = Command::new(env!("CARGO_BIN_EXE_briefbook"))
        .args(["init", "--force"])
        .arg(&book)
        .output()
        .unwrap();
    assert!(forced.status.success());
    assert_eq!(
        read(&book, "content/_index.md"),
        "+++\ntitle = \"Mine\"\n+++\n"
    );
}

#[test]
fn an_edit_to_a_body_renders_only_that_page_and_print_follows() {
    let book = write_book(&base_book());
    let root = book.path();
    let server = Server::start(root);
    server.wait_for("/chips/h20/", |p| p.contains("The ban was lifted"));
    write(
        root,
        "content/chips/h20.md",
        H20.replace("The ban was lifted", "The ban was lifted in July")
            .as_bytes(),
    );
    server.wait_for("/chips/h20/", |p| p.contains("The ban was lifted in July"));
    // The log line follows the publication by a moment; a whole rebuild would never write it.
    server.wait_for_log(|log| log.contains("updated 1 brief page(s) in "));
    // Pages that show only its front matter are kept; the print edition is made on request.
    assert!(server.get("/chips/supply/").1.contains("The H20 decision"));
    let (status, print) = server.get("/print/");
    assert_eq!(status, 200);
    assert!(
        print.contains("The ban was lifted in July"),
        "the print edition follows the edit"
    );
    // A change to front matter: the brief's own page first, then the whole site (the related
    // brief shows the new title only after that).
    write(
        root,
        "content/chips/h20.md",
        H20.replace("The H20 decision", "The H20 turn").as_bytes(),
    );
    server.wait_for("/chips/h20/", |p| p.contains("The H20 turn"));
    server.wait_for_log(|log| {
        log.contains("updated 1 brief page(s) in ") && log.contains("; building the rest")
    });
    server.wait_for("/chips/supply/", |p| p.contains("The H20 turn"));
    server.wait_for_log(|log| log.matches("built ").count() >= 2);
}

#[test]
fn an_edited_static_file_is_served_fresh() {
    let mut files = base_book();
    files.insert("static/note.txt".into(), "first".into());
    let book = write_book(&files);
    let server = Server::start(book.path());
    server.wait_for("/note.txt", |p| p.ends_with("first"));
    write(book.path(), "static/note.txt", b"second");
    server.wait_for("/note.txt", |p| p.ends_with("second"));
}

#[test]
fn a_body_edit_with_an_error_is_still_reported() {
    let book = write_book(&base_book());
    let root = book.path();
    let server = Server::start(root);
    server.wait_for("/chips/h20/", |p| p.contains("The ban was lifted"));
    // Same headings, links and cited sources: only the error tells this edit apart.
    write(
        root,
        "content/chips/h20.md",
        H20.replace("Code stays literal", "See [@nope]. Code stays literal")
            .as_bytes(),
    );
    let page = server.wait_for("/chips/h20/", |p| p.contains("briefbook-errors"));
    assert!(page.contains("citation of unknown source `nope`"), "{page}");
    write(
        root,
        "content/chips/h20.md",
        H20.replace("Code stays literal", "Now fixed. Code stays literal")
            .as_bytes(),
    );
    let page = server.wait_for("/chips/h20/", |p| p.contains("Now fixed."));
    assert!(!page.contains("briefbook-errors"));
}

#[test]
fn quick_edits_to_front_matter_end_with_the_last_one_on_every_page() {
    // Enough briefs that a complete build takes longer than the pause between two saves.
    let mut files = base_book();
    for i in 0..300 {
        files.insert(
            format!("content/chips/filler-{i:03}.md"),
            format!("+++\ntitle = \"Filler {i}\"\ndate = \"2025-01-01\"\nsummary = \"Filler.\"\n+++\n\nText [@ft-2025].\n"),
        );
    }
    let book = write_book(&files);
    let root = book.path();
    let server = Server::start(root);
    server.wait_for("/chips/h20/", |p| p.contains("The H20 decision"));
    for take in ["one", "two", "three"] {
        let title = format!("The H20 take {take}");
        write(
            root,
            "content/chips/h20.md",
            H20.replace("The H20 decision", &title).as_bytes(),
        );
        std::thread::sleep(std::time::Duration::from_millis(120));
    }
    server.wait_for("/chips/supply/", |p| p.contains("The H20 take three"));
    server.wait_for_log(|log| log.contains("; building the rest"));
    // Let every build still under way finish; none may publish an older state after the last.
    let mut log = server.log.lock().unwrap().clone();
    loop {
        std::thread::sleep(std::time::Duration::from_millis(600));
        let now = server.log.lock().unwrap().clone();
        if now == log {
            break;
        }
        log = now;
    }
    for page in ["/chips/h20/", "/chips/supply/", "/chips/", "/claims/"] {
        let (_, body) = server.get(page);
        assert!(body.contains("The H20 take three"), "{page}");
        assert!(!body.contains("The H20 take two"), "{page}");
    }
}
