//! The example book in a real browser (headless Chromium through chromedriver), from disk and
//! over HTTP, and every page through the Nu HTML checker. Where the tools are missing these
//! tests fail in CI (`.ci/run` installs them) and elsewhere say SKIPPED (`common::tools`).

mod common;

use std::path::{Path, PathBuf};

use common::tools;
use common::webdriver::{browser, Driver, Session};
use common::*;

/// The example book built into a temporary folder.
fn example_site() -> (tempfile::TempDir, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = briefbook(root, &["build", "-o", site.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (out, site)
}

/// The first result's title, read in one step (results are rebuilt as the query changes).
fn first_result(session: &Session) -> String {
    let text = session.execute(
        "var a = document.querySelector('#search-results li a'); return a ? a.textContent : '';",
    );
    text.as_str().unwrap_or_default().to_string()
}

/// The sidebar's current page: its chapter's URL and the link's text, or null.
const SIDEBAR_CURRENT: &str = r#"
var a = document.querySelectorAll('nav.contents .chapter-briefs a[aria-current="page"]');
if (a.length !== 1) { return null; }
return [a[0].closest('li[data-chapter]').getAttribute('data-chapter'), a[0].textContent];
"#;

/// Console messages of level SEVERE (errors) since the last look.
fn console_errors(session: &Session) -> Vec<String> {
    session
        .console()
        .into_iter()
        .filter(|e| e["level"] == "SEVERE")
        .map(|e| e["message"].to_string())
        .collect()
}

#[test]
fn the_example_book_works_in_a_browser_from_disk_and_over_http() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let (_keep, site) = example_site();
    let server = Server::start(Path::new(env!("CARGO_MANIFEST_DIR")));
    let driver = Driver::start(&chromedriver);
    let session = Session::new(&driver, &chromium);
    let bases = [
        format!("file://{}/", site.display()),
        format!("http://{}/", server.address),
    ];
    for base in &bases {
        // A linked search runs on load; typing updates the results.
        session.goto(&format!("{base}search/index.html?q=huawei"));
        session.wait_until("search results", |s| !first_result(s).is_empty());
        assert_eq!(
            first_result(&session),
            "Huawei's capacity",
            "{base}: the title match ranks first"
        );
        let input = session
            .find_all("#search-input")
            .pop()
            .expect("the search box");
        session.execute("document.getElementById('search-input').value = '';");
        session.type_into(&input, "CXMT");
        session.wait_until("new results", |s| first_result(s) == "The memory gap");
        let marks = session.find_all("#search-results mark");
        assert!(
            !marks.is_empty(),
            "{base}: the match is marked in the snippet"
        );

        // A citation marker lands on its reference.
        session.goto(&format!("{base}supply/h20-demand/index.html"));
        let marker = session
            .find_all("sup.citation a")
            .into_iter()
            .next()
            .expect("a citation marker");
        session.click(&marker);
        assert!(
            session.url().ends_with("#ref-cnn-liu-2025"),
            "{base}: {}",
            session.url()
        );
        let visible = session.execute("var r = document.getElementById('ref-cnn-liu-2025').getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight;");
        assert_eq!(
            visible,
            serde_json::json!(true),
            "{base}: the reference is scrolled into view"
        );
        let focusable = session.execute("var a = document.querySelector('sup.citation a'); a.focus(); return document.activeElement === a;");
        assert_eq!(
            focusable,
            serde_json::json!(true),
            "citation markers are reachable by keyboard"
        );

        // The sidebar lists the briefs under their chapters and marks the current one.
        session.goto(&format!("{base}supply/h20-demand/index.html"));
        session.wait_until("the sidebar's briefs", |s| {
            !s.find_all("nav.contents .chapter-briefs").is_empty()
        });
        let current = session.execute(SIDEBAR_CURRENT);
        assert_eq!(
            current,
            serde_json::json!(["supply/index.html", "The H20 is still in demand"]),
            "{base}"
        );

        // A chapter's page marks its chapter.
        session.goto(&format!("{base}policy/index.html"));
        session.wait_until("the sidebar's briefs", |s| {
            !s.find_all("nav.contents .chapter-briefs").is_empty()
        });
        let marked = session.execute("return Array.from(document.querySelectorAll('nav.contents [aria-current=\"page\"]')).map(function (a) { return a.textContent; });");
        assert_eq!(marked, serde_json::json!(["The decision"]), "{base}");

        // No page logs an error.
        let _ = session.console();
        for page in [
            "index.html",
            "policy/index.html",
            "supply/h20-demand/index.html",
            "sources/index.html",
            "claims/index.html",
            "facts/index.html",
            "tags/index.html",
            "print/index.html",
            "search/index.html?q=bernstein",
        ] {
            session.goto(&format!("{base}{page}"));
            let errors = console_errors(&session);
            assert!(errors.is_empty(), "{base}{page} logged errors: {errors:?}");
        }
    }
    // Screenshots for review, at phone and laptop widths.
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for (width, height) in [(375, 812), (1280, 900)] {
        session.resize(width, height);
        for (name, page) in [
            ("cover", "index.html"),
            ("brief", "supply/h20-demand/index.html"),
            ("search", "search/index.html?q=bernstein"),
            ("facts", "facts/index.html"),
        ] {
            session.goto(&format!("{}{page}", bases[0]));
            let png = session.screenshot();
            assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
            std::fs::write(shots.join(format!("{name}-{width}.png")), png).unwrap();
        }
    }
    eprintln!("screenshots written to {}", shots.display());
}

#[test]
fn every_page_of_the_example_book_is_valid_html() {
    let jar = Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/vnu-jar/build/dist/vnu.jar");
    // Both are looked at: outside CI a machine missing both hears of both.
    let java = tools::command_available("java", &["-version"]);
    let vnu = tools::available(
        "vnu-jar not installed (npm ci installs it in node_modules)",
        jar.is_file(),
    );
    if !(java && vnu) {
        return;
    }
    let (_keep, site) = example_site();
    let out = std::process::Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html"])
        .arg(&site)
        .output()
        .expect("run the Nu HTML checker");
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && report.trim().is_empty(),
        "the HTML checker found errors:\n{report}"
    );
}

#[test]
fn a_long_chapter_shows_the_briefs_around_the_current_one_and_a_link_to_all() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let mut files = base_book();
    for i in 0..300 {
        files.insert(
            format!("content/daily/d{i:04}.md"),
            format!("+++\ntitle = \"Day {i:04}\"\ndate = \"2025-08-01\"\n+++\n\nNews.\n"),
        );
    }
    files.insert(
        "content/daily/_index.md".into(),
        "+++\ntitle = \"Daily\"\n+++\n".into(),
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let site = book.path().join("public");
    let driver = Driver::start(&chromedriver);
    let session = Session::new(&driver, &chromium);
    session.goto(&format!("file://{}/daily/d0150/index.html", site.display()));
    session.wait_until("the sidebar's briefs", |s| {
        !s.find_all("nav.contents .chapter-briefs").is_empty()
    });
    let current = session.execute(SIDEBAR_CURRENT);
    assert_eq!(current, serde_json::json!(["daily/index.html", "Day 0150"]));
    let shown = session.execute(
        "return Array.from(document.querySelectorAll('nav.contents .chapter-briefs a')).map(function (a) { return a.textContent; });",
    );
    let shown: Vec<&str> = shown
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    let mut expected: Vec<String> = (145..=155).map(|i| format!("Day {i:04}")).collect();
    expected.push("All 300 briefs".into());
    assert_eq!(shown, expected);
    // In a book this large, the other chapter shows its title only.
    let opened =
        session.execute("return document.querySelectorAll('nav.contents .chapter-briefs').length;");
    assert_eq!(opened, serde_json::json!(1));
    // The link to all leads to the chapter's page.
    let all = session
        .find_all("nav.contents .chapter-briefs .more a")
        .pop()
        .expect("a link to all");
    session.click(&all);
    assert!(
        session.url().ends_with("/daily/index.html"),
        "{}",
        session.url()
    );
}

/// Characters per line of each long paragraph of a brief's body, from its height and line height.
const MEASURE: &str = r#"
return Array.from(document.querySelectorAll('.body > p')).filter(function (p) {
  return p.textContent.length > 250;
}).map(function (p) {
  var lines = p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight);
  return Math.round(p.textContent.replace(/\s+/g, ' ').length / Math.round(lines));
});
"#;

#[test]
fn prose_keeps_a_readable_measure_on_a_laptop() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let (_keep, site) = example_site();
    let driver = Driver::start(&chromedriver);
    let session = Session::new(&driver, &chromium);
    session.resize(1280, 900);
    let mut measured = Vec::new();
    for page in [
        "supply/self-sufficiency/index.html",
        "policy/h20-reversal/index.html",
    ] {
        session.goto(&format!("file://{}/{page}", site.display()));
        let found = session.execute(MEASURE);
        measured.extend(found.as_array().unwrap().iter().filter_map(|v| v.as_u64()));
    }
    assert!(measured.len() >= 3, "{measured:?}");
    eprintln!("characters per line at 1280 px: {measured:?}");
    // About 60 to 75 characters a line, as typographers advise (a line a little shorter is
    // the last of a paragraph, which counts in the average).
    assert!(
        measured.iter().all(|&n| (55..=76).contains(&n)),
        "characters per line: {measured:?}"
    );
}
