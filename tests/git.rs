//! Books in git: dates and revisions from history, the colophon, and `diff` between editions.
//! Each test makes its own repository with scripted commits. Without git they fail in CI and
//! elsewhere say SKIPPED (`common::tools`).

mod common;

use std::path::Path;
use std::process::Command;

use common::tools;
use common::*;

/// A brief's entry in the built site's `data/book.json`.
fn brief_json(root: &Path, path: &str) -> serde_json::Value {
    let json: serde_json::Value =
        serde_json::from_str(&read(root, "public/data/book.json")).unwrap();
    json["briefs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["path"] == path)
        .cloned()
        .unwrap_or_else(|| panic!("no brief {path}"))
}

/// Whether git is here; in CI its absence fails the test (`common::tools`).
fn have_git() -> bool {
    tools::command_available("git", &["--version"])
}

fn git(root: &Path, args: &[&str], date: &str) {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_AUTHOR_NAME", "Editor")
        .env("GIT_AUTHOR_EMAIL", "editor@example.org")
        .env("GIT_COMMITTER_NAME", "Editor")
        .env("GIT_COMMITTER_EMAIL", "editor@example.org")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn commit(root: &Path, message: &str, date: &str) {
    git(root, &["add", "-A"], date);
    git(root, &["commit", "-q", "-m", message], date);
}

/// A book with two editions: v1 (2025-08-20) and v2 (2025-09-10, tagged).
fn two_editions() -> tempfile::TempDir {
    let book = write_book(&base_book());
    let root = book.path();
    write(root, ".gitignore", b"/public\n");
    git(root, &["init", "-q", "-b", "main"], "2025-08-20T10:00:00Z");
    commit(root, "First edition", "2025-08-20T10:00:00Z");
    git(root, &["tag", "v1"], "2025-08-20T10:00:00Z");
    let h20 = H20
        .replace(
            "title = \"The H20 decision\"",
            "title = \"The H20 reversal\"",
        )
        .replace(
            "confidence = \"moderate\"",
            "confidence = \"high\"\nstatus = \"disputed\"",
        )
        .replace("value = 1500000", "value = 1400000");
    write(root, "content/chips/h20.md", h20.as_bytes());
    write(
        root,
        "content/chips/memory.md",
        b"+++\ntitle = \"Memory\"\ndate = \"2025-09\"\nsummary = \"s\"\n+++\nHBM [@ft-2025].\n",
    );
    commit(
        root,
        "Second edition: revised figures",
        "2025-09-10T09:00:00Z",
    );
    git(root, &["tag", "v2"], "2025-09-10T09:00:00Z");
    book
}

#[test]
fn dates_revisions_and_the_colophon_come_from_history() {
    if !have_git() {
        return;
    }
    let book = two_editions();
    let root = book.path();
    assert_eq!(briefbook(root, &["build"]).code, 0);
    let h20 = brief_json(root, "chips/h20.md");
    assert_eq!(
        h20["updated"], "2025-09-10",
        "the last commit that touched it"
    );
    let revisions: Vec<&str> = h20["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        revisions,
        ["Second edition: revised figures", "First edition"]
    );
    assert_eq!(h20["revisions"][1]["date"], "2025-08-20");
    let supply = brief_json(root, "chips/supply.md");
    assert_eq!(supply["updated"], "2025-08-20");
    let page = read(root, "public/chips/h20/index.html");
    assert!(page.contains("<summary>Revisions (2)</summary>"), "{page}");
    let head = String::from_utf8(
        Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["rev-parse", "--short=7", "HEAD"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        page.contains(&format!(
            "Built from commit <code>{}</code>.</p>",
            head.trim()
        )),
        "{page}"
    );
    // Front matter wins, and an uncommitted change is said.
    write(
        root,
        "content/chips/supply.md",
        SUPPLY
            .replace("date: 2025-08", "date: 2025-08\nupdated: 2025-08-25")
            .as_bytes(),
    );
    assert_eq!(briefbook(root, &["build"]).code, 0);
    let supply = brief_json(root, "chips/supply.md");
    assert_eq!(supply["updated"], "2025-08-25");
    assert!(read(root, "public/index.html").contains(", with uncommitted changes.</p>"));
}

#[test]
fn diff_reports_what_changed_between_editions() {
    if !have_git() {
        return;
    }
    let book = two_editions();
    let run = briefbook(book.path(), &["diff", "v1", "v2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = run.stdout.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(
        text,
        "
Briefs
  + chips/memory.md \"Memory\"
  ~ chips/h20.md retitled: \"The H20 decision\" -> \"The H20 reversal\"

Claims
  ~ chips/h20.md#claim-lukewarm status: reported -> disputed
  ~ chips/h20.md#claim-lukewarm confidence: moderate -> high

Facts
  ~ chips/h20.md Nvidia H20 / Shipments to China: 1,500,000 units (cnn-2025) -> 1,400,000 units (cnn-2025)"
    );
    assert!(
        run.stdout.starts_with("Changes from v1 ("),
        "{}",
        run.stdout
    );
    let json = briefbook(book.path(), &["diff", "v1", "v2", "--format", "json"]);
    let changes: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        changes["briefs"]["added"][0]["url"],
        "chips/memory/index.html"
    );
    assert_eq!(
        changes["facts"][0]["from"],
        serde_json::json!({"value": "1,500,000", "unit": "units", "source": "cnn-2025", "label": "CNN 2025"})
    );
    assert_eq!(
        changes["facts"][0]["url"],
        "chips/h20/index.html#fact-shipments"
    );
    assert_eq!(changes["claims"]["changed"][0]["field"], "status");
    // Against the work tree, which moved a brief.
    std::fs::rename(
        book.path().join("content/chips/memory.md"),
        book.path().join("content/chips/hbm.md"),
    )
    .unwrap();
    let moved = briefbook(book.path(), &["diff", "v2"]);
    assert!(
        moved.stdout.contains(
            "to the work tree\n\nBriefs\n  > chips/memory.md -> chips/hbm.md \"Memory\"\n"
        ),
        "{}",
        moved.stdout
    );
    let same = briefbook(book.path(), &["diff", "v2", "v2"]);
    assert!(same.stdout.ends_with("\nNo changes.\n"), "{}", same.stdout);
}

#[test]
fn diff_errors_are_clear() {
    if !have_git() {
        return;
    }
    let plain = write_book(&base_book());
    let run = briefbook(plain.path(), &["diff", "v1"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("is not in a git repository"),
        "{}",
        run.stderr
    );
    let book = two_editions();
    let run = briefbook(book.path(), &["diff", "no-such-tag"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error[git]: unknown revision `no-such-tag`"),
        "{}",
        run.stderr
    );
    // A repository whose first commit had no book yet.
    let empty = tempfile::tempdir().unwrap();
    git(
        empty.path(),
        &["init", "-q", "-b", "main"],
        "2025-08-01T00:00:00Z",
    );
    write(empty.path(), "README", b"soon");
    commit(empty.path(), "Start", "2025-08-01T00:00:00Z");
    for (path, text) in base_book() {
        write(empty.path(), &path, text.as_bytes());
    }
    let run = briefbook(empty.path(), &["diff", "HEAD"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("the book did not exist at `HEAD`"),
        "{}",
        run.stderr
    );
}

#[test]
fn git_asked_for_outside_a_repository_is_one_warning() {
    let mut files = base_book();
    files.insert(
        "site.toml".into(),
        format!("{SITE}\n[git]\nenabled = true\n"),
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("warning[git-history]").count(),
        1,
        "{}",
        run.stderr
    );
}

#[test]
fn build_can_render_what_changed_since_an_edition() {
    if !have_git() {
        return;
    }
    let book = two_editions();
    let run = briefbook(book.path(), &["build", "--changes-since", "v1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(book.path(), "public/changes/index.html");
    assert!(
        page.contains("New: <a href=\"../chips/memory/index.html\">Memory</a>"),
        "{page}"
    );
    assert!(page.contains("Retitled: <a href=\"../chips/h20/index.html\">The H20 reversal</a>, was “The H20 decision”"));
    // Titles, claim text and labels, not paths and ids; before and after side by side.
    assert!(page.contains("<a href=\"../chips/h20/index.html#fact-shipments\">Nvidia H20: Shipments to China</a> (2025) in <cite>The H20 reversal</cite></td><td class=\"num\" data-label=\"Before\">1,500,000&nbsp;units <span class=\"source-label\">(CNN 2025)</span></td><td class=\"num\" data-label=\"After\">1,400,000&nbsp;units <span class=\"source-label\">(CNN 2025)</span></td>"), "{page}");
    assert!(page.contains("<tr><td>Status of <a href=\"../chips/h20/index.html#claim-lukewarm\">“Beijing&#39;s response was lukewarm.”</a> in <cite>The H20 reversal</cite></td><td data-label=\"Before\">reported</td><td data-label=\"After\">disputed</td></tr>"), "{page}");
    assert!(
        !page.contains("chips/h20.md")
            && !page.contains("cnn-2025<")
            && !page.contains(">lukewarm<")
    );
    // Linked from the cover and the navigation, listed in the sitemap.
    let cover = read(book.path(), "public/index.html");
    assert!(
        cover.contains("<a href=\"./changes/index.html\">What changed</a> since v1 ("),
        "{cover}"
    );
    assert!(
        cover.contains("<li><a href=\"./changes/index.html\">What changed</a></li>"),
        "{cover}"
    );
    let sitemap = read(book.path(), "public/sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/book/changes/</loc>"));
    assert!(broken_links(&book.path().join("public")).is_empty());
    assert_eq!(briefbook(book.path(), &["build"]).code, 0);
    assert!(
        !book.path().join("public/changes").exists(),
        "without the flag there is no changes page"
    );
    assert!(!read(book.path(), "public/index.html").contains("changes/index.html"));
    assert!(!read(book.path(), "public/sitemap.xml").contains("/changes/"));
}

#[test]
fn odd_file_names_get_their_dates_and_shallow_clones_degrade_with_one_warning() {
    if !have_git() {
        return;
    }
    let book = two_editions();
    let root = book.path();
    write(root, "content/chips/Überblick 2025.md", b"+++\ntitle = \"Uberblick\"\ndate = \"2025-08\"\nsummary = \"s\"\n+++\nText [@cnn-2025].\n");
    commit(root, "Add an overview", "2025-10-01T08:00:00Z");
    assert_eq!(briefbook(root, &["build"]).code, 0);
    let overview = brief_json(root, "chips/Überblick 2025.md");
    assert_eq!(overview["updated"], "2025-10-01");
    assert_eq!(overview["revisions"][0]["subject"], "Add an overview");
    // A shallow clone has an incomplete history: front-matter dates, and one warning.
    let clones = tempfile::tempdir().unwrap();
    let shallow = clones.path().join("shallow");
    let url = format!("file://{}", root.display());
    let out = Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(&shallow)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = briefbook(&shallow, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("warning[git-history]").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("shallow clone"), "{}", run.stderr);
}

#[test]
fn the_changes_page_names_the_sections_a_body_edit_touched() {
    if !have_git() {
        return;
    }
    let book = two_editions();
    let root = book.path();
    let supply = SUPPLY
        .replace(
            "Huawei is short of capacity",
            "Huawei is still short of capacity",
        )
        .replace("## Capacity", "Opening words.\n\n## Capacity")
        + "\n## Outlook\n\nBetter in 2026.\n";
    write(root, "content/chips/supply.md", supply.as_bytes());
    let run = briefbook(root, &["build", "--changes-since", "v2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(root, "public/changes/index.html");
    assert!(
        page.contains("<li><a href=\"../chips/supply/index.html\">Supply</a>: revised the opening, “Capacity”; new “Outlook”</li>"),
        "{page}"
    );
    assert!(
        !page.contains("The H20 reversal</a>:"),
        "the unchanged body is not listed"
    );
    let diff = briefbook(root, &["diff", "v2"]);
    assert!(
        diff.stdout.contains(
            "Bodies\n  ~ chips/supply.md: changed the opening, \"Capacity\"; added \"Outlook\"\n"
        ),
        "{}",
        diff.stdout
    );
}
