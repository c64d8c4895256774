//! Old URLs keep working: a brief's `aliases` become redirect pages that work from disk and from
//! any sub-path, and an alias that would take another page's place is an error at its line.

mod common;

use common::*;

fn with_aliases(aliases: &str) -> tempfile::TempDir {
    let mut files = base_book();
    let h20 = H20.replace("tags = [", &format!("aliases = {aliases}\ntags = ["));
    files.insert("content/chips/h20.md".into(), h20);
    write_book(&files)
}

#[test]
fn an_alias_redirects_to_the_brief_relatively_with_a_canonical_link() {
    let book = with_aliases(r#"["policy/h20/", "/old/2025/h20"]"#);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(book.path(), "public/policy/h20/index.html");
    assert!(
        page.contains(r#"<meta http-equiv="refresh" content="0; url=../../chips/h20/index.html">"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<link rel="canonical" href="https://example.org/book/chips/h20/">"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<a href="../../chips/h20/index.html">The H20 decision</a>"#),
        "{page}"
    );
    // A leading slash and a missing trailing one are the same folder.
    let deeper = read(book.path(), "public/old/2025/h20/index.html");
    assert!(
        deeper.contains("url=../../../chips/h20/index.html"),
        "{deeper}"
    );
    // Redirects are not pages of the book: the sitemap leaves them out.
    let sitemap = read(book.path(), "public/sitemap.xml");
    assert!(!sitemap.contains("policy/h20"), "{sitemap}");
}

#[test]
fn an_alias_may_not_take_a_page_or_the_books_own_folders() {
    let book = with_aliases(r#"["chips/supply/", "sources/h20/"]"#);
    let run = briefbook(book.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let line = H20.lines().position(|l| l.starts_with("tags = [")).unwrap() + 1;
    let at = format!("content/chips/h20.md:{line}:");
    assert!(
        run.stderr.contains(&format!("{at}12: error[url-collision]: the alias chips/supply/ is also the URL or an alias of content/chips/supply.md")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("{at}29: error[reserved-url]: the alias sources/h20/ lies in the book's own `sources/` pages")),
        "{}",
        run.stderr
    );
}

#[test]
fn an_alias_that_is_no_path_of_the_site_is_an_error_at_its_place() {
    let book = with_aliases(r#"["https://old.example/h20/", "../up/", "/"]"#);
    let run = briefbook(book.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for why in [
        "it is a URL, not a path",
        "it has an empty, `.`, `..` or hidden segment",
        "it is the site's root",
    ] {
        assert!(run.stderr.contains(why), "{why} in\n{}", run.stderr);
    }
    assert_eq!(
        run.stderr.matches("error[invalid-value]").count(),
        3,
        "{}",
        run.stderr
    );
}

#[test]
fn serve_answers_an_alias_with_its_redirect_and_follows_an_edit_of_the_aliases() {
    let book = with_aliases(r#"["policy/h20/"]"#);
    let server = Server::start(book.path());
    let (status, page) = server.get("/policy/h20/");
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(r#"content="0; url=../../chips/h20/index.html""#),
        "{page}"
    );
    // A new alias is served once the edit is rebuilt; the old one is gone.
    let h20 = H20.replace("tags = [", "aliases = [\"briefs/h20/\"]\ntags = [");
    write(book.path(), "content/chips/h20.md", h20.as_bytes());
    server.wait_for("/briefs/h20/", |page| {
        page.contains("url=../../chips/h20/index.html")
    });
    let (status, _) = server.get("/policy/h20/");
    assert_eq!(status, 404);
}

#[test]
fn an_alias_may_not_be_a_file_the_generator_writes() {
    for name in [
        "index.html",
        "style.css",
        "search_index.js",
        "sitemap.xml",
        "toc.js",
    ] {
        let book = with_aliases(&format!("[\"{name}\"]"));
        let run = briefbook(book.path(), &["check"]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!(
                "error[reserved-url]: the alias {name}/ is a file the generator writes"
            )) || run.stderr.contains(&format!(
                "error[reserved-url]: the alias {name} is a file the generator writes"
            )),
            "{name}: {}",
            run.stderr
        );
    }
}
