//! Tables fit their screen (FORMAT section 5): on the claims, facts and sources indexes and on a
//! brief with claims and facts, at 375 and 1280 px, no cell's content is clipped, none lies
//! beyond the viewport, and the page never scrolls sideways. Measured in headless Chromium.

mod common;

use std::path::Path;

use common::webdriver::{browser, Driver, Session};
use common::*;

const PAGES: &[&str] = &[
    "claims/index.html",
    "facts/index.html",
    "sources/index.html",
    "supply/self-sufficiency/index.html",
    "policy/h20-reversal/index.html",
];

/// What does not fit on the current page, as readable lines.
const MISFITS: &str = r#"
var out = [];
var doc = document.documentElement;
if (doc.scrollWidth > doc.clientWidth) {
  out.push('the page scrolls sideways: ' + doc.scrollWidth + ' > ' + doc.clientWidth);
}
document.querySelectorAll('main table th, main table td').forEach(function (cell) {
  // Tables written in a body scroll in their own box; a visually hidden header is not shown.
  if (cell.closest('.body')) { return; }
  var head = cell.closest('thead');
  if (head && head.getBoundingClientRect().width <= 1) { return; }
  var name = (cell.textContent || '').trim().slice(0, 40);
  if (cell.scrollWidth > cell.clientWidth + 1) {
    out.push('clipped: ' + name + ' (' + cell.scrollWidth + ' > ' + cell.clientWidth + ')');
  }
  if (cell.getBoundingClientRect().right > window.innerWidth + 1) {
    out.push('beyond the viewport: ' + name);
  }
});
return out;
"#;

#[test]
fn tables_fit_phones_and_laptops() {
    let Some((chromium, chromedriver)) = browser() else {
        eprintln!("SKIPPED: chromium or chromedriver is not installed (.ci/run installs them)");
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = briefbook(root, &["build", "-o", site.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let driver = Driver::start(&chromedriver);
    let session = Session::new(&driver, &chromium);
    let mut misfits = Vec::new();
    for width in [375, 1280] {
        session.resize(width, 900);
        for page in PAGES {
            session.goto(&format!("file://{}/{page}", site.display()));
            let found = session.execute(MISFITS);
            for line in found.as_array().into_iter().flatten() {
                misfits.push(format!(
                    "{width} px, {page}: {}",
                    line.as_str().unwrap_or("?")
                ));
            }
        }
    }
    assert!(misfits.is_empty(), "{}", misfits.join("\n"));
}

/// A book with what real books hold and the example does not: a long text value and unit, a
/// long publisher (so a long label), a long unbroken word in a claim and a bare long URL in prose.
fn awkward_book() -> tempfile::TempDir {
    let mut files = base_book();
    let sources = SOURCES.replace(
        "publisher = \"CNN\"",
        "publisher = \"The Organisation for Economic Co-operation and Development Directorate for Science\"",
    );
    files.insert("content/sources.toml".into(), sources);
    let long = "https://example.org/a/very/long/path/that/does/not/break/anywhere/at/all/on/a/phone/screen/index.html";
    let h20 = H20
        .replace("value = 1500000", "value = \"between 600,000 and 800,000 depending on yield\"")
        .replace("unit = \"units\"", "unit = \"wafers (12-inch equivalent)\"")
        .replace("## What happened", &format!("## What happened\n\nSee {long} for the notice, and Antidisestablishmentarianismtransnationalisation.\n"));
    files.insert("content/chips/h20.md".into(), h20);
    write_book(&files)
}

#[test]
fn long_values_labels_and_urls_fit_too() {
    let Some((chromium, chromedriver)) = browser() else {
        eprintln!("SKIPPED: chromium or chromedriver is not installed (.ci/run installs them)");
        return;
    };
    let book = awkward_book();
    let site = book.path().join("public");
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let driver = Driver::start(&chromedriver);
    let session = Session::new(&driver, &chromium);
    let mut misfits = Vec::new();
    for width in [375, 1280] {
        session.resize(width, 900);
        for page in [
            "chips/h20/index.html",
            "facts/index.html",
            "sources/index.html",
        ] {
            session.goto(&format!("file://{}/{page}", site.display()));
            let found = session.execute(MISFITS);
            for line in found.as_array().into_iter().flatten() {
                misfits.push(format!(
                    "{width} px, {page}: {}",
                    line.as_str().unwrap_or("?")
                ));
            }
        }
    }
    assert!(misfits.is_empty(), "{}", misfits.join("\n"));
}
