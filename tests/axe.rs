//! Accessibility in a real browser: axe-core (the npm devDependency `.ci/run` installs) injected
//! into headless Chromium, on the cover, a brief with every part (key judgments, notes,
//! claims, facts, references), the claims, facts and sources indexes, the method page and the
//! print edition, at 375 and 1280 px and in dark mode. No violation of serious or critical
//! impact may remain. Missing tools skip outside CI and fail in it (`common::tools`).

mod common;

use std::path::Path;

use common::tools;
use common::webdriver::{browser, Driver, Session};
use common::*;

const PAGES: &[&str] = &[
    "index.html",
    "supply/self-sufficiency/index.html",
    "policy/h20-reversal/index.html",
    "claims/index.html",
    "facts/index.html",
    "sources/index.html",
    "method/index.html",
    "print/index.html",
];

/// Runs axe on the page and answers, through the callback WebDriver passes last, one line per
/// serious or critical violation: the rule, its help text and the first elements it names.
const RUN_AXE: &str = r#"
var done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] }).then(function (result) {
  done(result.violations
    .filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
    .map(function (v) {
      var nodes = v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); });
      return v.impact + ' ' + v.id + ': ' + v.help + ' at ' + nodes.join(', ');
    }));
}, function (error) { done(['axe failed: ' + error]); });
"#;

#[test]
fn no_serious_or_critical_accessibility_violations_at_phone_and_laptop_widths() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let axe = root.join("node_modules/axe-core/axe.min.js");
    // Both are looked at: outside CI a machine missing both hears of both.
    let browser = browser();
    let found = tools::available(
        "axe-core not installed (npm ci installs it in node_modules)",
        axe.is_file(),
    );
    let (Some((chromium, chromedriver)), true) = (browser, found) else {
        return;
    };
    let axe = std::fs::read_to_string(axe).unwrap();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = briefbook(root, &["build", "-o", site.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let driver = Driver::start(&chromedriver);
    let session = Session::new(&driver, &chromium);
    let mut violations = Vec::new();
    let mut checked = 0;
    // Light at both widths, and dark (its own colours, whose contrast axe measures too).
    for (width, dark) in [(375, false), (1280, false), (1280, true)] {
        session.resize(width, 900);
        session.prefer_dark(dark);
        let scheme = if dark { "dark" } else { "light" };
        for page in PAGES {
            session.goto(&format!("file://{}/{page}", site.display()));
            let dark_seen = session
                .execute("return window.matchMedia('(prefers-color-scheme: dark)').matches;");
            assert_eq!(
                dark_seen,
                serde_json::json!(dark),
                "{page}: the colour scheme"
            );
            session.execute(&axe);
            let found = session.execute_async(RUN_AXE);
            let lines = found.as_array().expect("axe answers with a list");
            violations.extend(lines.iter().map(|line| {
                format!(
                    "{width} px {scheme}, {page}: {}",
                    line.as_str().unwrap_or("?")
                )
            }));
            checked += 1;
        }
    }
    assert_eq!(checked, 3 * PAGES.len());
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn axe_finds_what_it_is_asked_to_find() {
    // The test above is only as good as axe's answer: a page with an unlabelled input and a link
    // told apart by colour alone must fail it, so a broken injection cannot pass silently.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let axe = root.join("node_modules/axe-core/axe.min.js");
    let browser = browser();
    let found = tools::available(
        "axe-core not installed (npm ci installs it in node_modules)",
        axe.is_file(),
    );
    let (Some((chromium, chromedriver)), true) = (browser, found) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bad.html");
    std::fs::write(
        &page,
        "<!doctype html><html lang=\"en\"><head><title>Bad</title><style>a{color:#1b1f24;text-decoration:none}</style></head>\
         <body><main><p>Some text with <a href=\"#x\">a link</a> in it.</p><input type=\"text\"></main></body></html>",
    )
    .unwrap();
    let driver = Driver::start(&chromedriver);
    let session = Session::new(&driver, &chromium);
    session.goto(&format!("file://{}", page.display()));
    session.execute(&std::fs::read_to_string(axe).unwrap());
    let found = session.execute_async(RUN_AXE);
    let text = found.to_string();
    assert!(text.contains("critical label"), "{text}");
    assert!(text.contains("serious link-in-text-block"), "{text}");
}
