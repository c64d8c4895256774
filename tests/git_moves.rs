//! Moving a brief in git never breaks its old URL: a brief renamed in history gets its earlier
//! URLs as redirects, unless `[git] redirects = false`. Skipped, saying so, without git; a
//! failure in CI, where git must be installed.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn have_git() -> bool {
    common::tools::command_available("git", &["--version"])
}

fn git(root: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
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

/// The base book in git, with the H20 brief moved twice: h20.md → h20-decision.md, then into
/// a new chapter as policy/h20.md.
fn moved_book(site: &str) -> tempfile::TempDir {
    let mut files = base_book();
    files.insert("site.toml".into(), site.to_string());
    let book = write_book(&files);
    let root = book.path();
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "First edition"]);
    git(
        root,
        &[
            "mv",
            "content/chips/h20.md",
            "content/chips/h20-decision.md",
        ],
    );
    git(root, &["commit", "-q", "-m", "Rename"]);
    std::fs::create_dir_all(root.join("content/policy")).unwrap();
    write(
        root,
        "content/policy/_index.md",
        CHAPTER.replace("Chips", "Policy").as_bytes(),
    );
    git(
        root,
        &[
            "mv",
            "content/chips/h20-decision.md",
            "content/policy/h20.md",
        ],
    );
    // The book's own links follow the move (they are checked); readers' old links are redirected.
    let supply = SUPPLY.replace("@/chips/h20.md", "@/policy/h20.md");
    write(root, "content/chips/supply.md", supply.as_bytes());
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "Move to policy"]);
    book
}

#[test]
fn every_earlier_url_of_a_moved_brief_redirects_to_it() {
    if !have_git() {
        return;
    }
    let book = moved_book(SITE);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (old, back) in [("chips/h20", "../../"), ("chips/h20-decision", "../../")] {
        let page = read(book.path(), &format!("public/{old}/index.html"));
        let target = format!("url={back}policy/h20/index.html");
        assert!(page.contains(&target), "{old}: {page}");
    }
    // The brief itself is at its new URL.
    assert!(read(book.path(), "public/policy/h20/index.html").contains("The H20 decision"));
    // `check` lists what redirects, as notes (not warnings: nothing is wrong).
    let check = briefbook(book.path(), &["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(!check.stderr.contains("warning[git"), "{}", check.stderr);
    for old in ["chips/h20.md", "chips/h20-decision.md"] {
        let url = old.trim_end_matches(".md");
        let note = format!("note: content/policy/h20.md: was content/{old} in git; its old URL {url}/ redirects here");
        assert!(check.stderr.contains(&note), "{}", check.stderr);
    }
    let json = briefbook(book.path(), &["check", "--format", "json"]);
    assert!(!json.stdout.contains("note"), "{}", json.stdout);
}

#[test]
fn redirects_from_git_can_be_turned_off() {
    if !have_git() {
        return;
    }
    let book = moved_book(&format!("{SITE}\n[git]\nredirects = false\n"));
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!book.path().join("public/chips/h20/index.html").exists());
    let check = briefbook(book.path(), &["check"]);
    assert!(!check.stderr.contains("note:"), "{}", check.stderr);
}

#[test]
fn a_slug_given_up_or_changed_keeps_its_old_url() {
    if !have_git() {
        return;
    }
    let mut files = base_book();
    files.insert(
        "content/chips/h20.md".into(),
        H20.replacen("+++\n", "+++\nslug = \"h20-ban\"\n", 1),
    );
    let book = write_book(&files);
    let root = book.path();
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "First edition"]);
    // A commit that changes only the slug.
    let h20 = H20.replacen("+++\n", "+++\nslug = \"h20-reversal\"\n", 1);
    write(root, "content/chips/h20.md", h20.as_bytes());
    git(root, &["commit", "-q", "-am", "New slug"]);
    // Then a rename that gives the slug up: the file's name makes the URL.
    git(
        root,
        &[
            "mv",
            "content/chips/h20.md",
            "content/chips/h20-decision.md",
        ],
    );
    write(root, "content/chips/h20-decision.md", H20.as_bytes());
    let supply = SUPPLY.replace("@/chips/h20.md", "@/chips/h20-decision.md");
    write(root, "content/chips/supply.md", supply.as_bytes());
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "Rename, no slug"]);
    let run = briefbook(root, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for old in ["chips/h20-ban", "chips/h20-reversal"] {
        let page = read(root, &format!("public/{old}/index.html"));
        assert!(
            page.contains("url=../h20-decision/index.html"),
            "{old}: {page}"
        );
    }
    let check = briefbook(root, &["check"]);
    assert!(
        check.stderr.contains("was content/chips/h20.md (slug `h20-ban`) in git; its old URL chips/h20-ban/ redirects here"),
        "{}",
        check.stderr
    );
}
