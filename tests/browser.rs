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
