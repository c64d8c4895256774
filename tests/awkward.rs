//! Awkward files: symbolic links, odd names, colliding URLs, very large briefs.

mod common;

use common::*;

#[cfg(unix)]
#[test]
fn symlinks_inside_the_book_are_followed_and_others_are_named() {
    use std::os::unix::fs::symlink;
    let book = write_book(&base_book());
    let root = book.path();
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "secret.md",
        b"+++\ntitle = \"Secret\"\ndate = \"2025\"\n+++\n",
    );
    write(
        root,
        "shared/extra.md",
        b"+++\ntitle = \"Linked in\"\ndate = \"2025\"\nsummary = \"s\"\n+++\n[@cnn-2025]\n",
    );
    symlink(
        root.join("shared/extra.md"),
        root.join("content/chips/linked.md"),
    )
    .unwrap();
    symlink(
        outside.path().join("secret.md"),
        root.join("content/chips/secret.md"),
    )
    .unwrap();
    symlink(root.join("content"), root.join("content/chips/loop")).unwrap();
    let run = briefbook(root, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(read(root, "public/chips/linked/index.html").contains("Linked in"));
    assert!(!root.join("public/chips/secret").exists());
    assert!(
        run.stderr.contains(
            "content/chips/secret.md: warning[symlink]: symbolic link leads outside the book"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("content/chips/loop: warning[symlink]: symbolic link loops"),
        "{}",
        run.stderr
    );
}

#[test]
fn names_with_spaces_and_accents_get_clean_urls_and_can_be_linked() {
    let mut files = base_book();
    files.insert(
        "content/chips/Überblick 2025.md".into(),
        "+++\ntitle = \"Überblick\"\ndate = \"2025\"\nsummary = \"s\"\n+++\nSee [the decision](@/chips/h20.md) [@cnn-2025].\n".into(),
    );
    files.insert(
        "content/chips/supply.md".into(),
        SUPPLY.replace(
            "Back to [the decision](@/chips/h20.md).",
            "See [the overview](<@/chips/Überblick 2025.md>).",
        ),
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        read(book.path(), "public/chips/uberblick-2025/index.html").contains("<h1>Überblick</h1>")
    );
    assert!(read(book.path(), "public/chips/supply/index.html")
        .contains(r#"href="../uberblick-2025/index.html">the overview</a>"#));
    assert!(broken_links(&book.path().join("public")).is_empty());
}

#[test]
fn a_file_and_a_folder_brief_on_one_url_are_an_error_naming_both() {
    let mut files = base_book();
    files.insert(
        "content/chips/supply/index.md".into(),
        SUPPLY.replace("title: Supply", "title: Supply again"),
    );
    assert_url_collision(
        &files,
        "content/chips/supply.md",
        "content/chips/supply/index.md",
    );
}

#[test]
fn a_very_large_brief_builds() {
    let mut files = base_book();
    let paragraph = "The export decision [@cnn-2025] changed the *market* for `chips` in ways analysts still debate. ";
    let mut body = String::new();
    for i in 0..2_000 {
        body.push_str(&format!("## Section {i}\n\n{}\n\n", paragraph.repeat(10)));
    }
    files.insert(
        "content/chips/huge.md".into(),
        format!("+++\ntitle = \"Huge\"\ndate = \"2025\"\nsummary = \"s\"\n+++\n{body}"),
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(book.path(), "public/chips/huge/index.html");
    assert!(page.contains(
        r##"<h2 id="section-1999">Section 1999 <a class="self-link" href="#section-1999""##
    ));
    assert_eq!(page.matches("<sup class=\"citation\">").count(), 20_000);
}
