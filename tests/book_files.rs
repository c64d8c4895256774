//! What briefbook writes into the book (`new`, `init`, `import`): files the build accepts, each
//! written whole to a temporary file and renamed into place, and a `.gitignore` that keeps the
//! site and everything builds keep beside it out of git.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::*;

/// Every file below `dir`, by path, except git's own.
fn files_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(dir)
        .into_iter()
        .filter(|(path, _)| !path.starts_with(".git/"))
        .collect()
}

#[test]
fn new_makes_every_missing_chapter_level() {
    let book = write_book(&base_book());
    let root = book.path();
    let run = briefbook(root, &["new", "markets/asia/h20"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(read(root, "content/markets/_index.md").contains("title = \"Markets\""));
    assert!(read(root, "content/markets/asia/_index.md").contains("title = \"Asia\""));
    let check = briefbook(root, &["check"]);
    assert!(!check.stderr.contains("error["), "{}", check.stderr);
    assert_eq!(check.code, 0);
    // A level that exists keeps its page.
    let run = briefbook(root, &["new", "markets/europe/gas"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("content/markets/_index.md"));
    assert!(root.join("content/markets/europe/_index.md").is_file());
}

#[test]
fn new_refuses_reserved_and_colliding_names_and_writes_nothing() {
    let mut files = base_book();
    files.insert("content/chips/sub/_index.md".into(), CHAPTER.into());
    files.insert("content/chips/bundle/index.md".into(), SUPPLY.into());
    let book = write_book(&files);
    let root = book.path();
    let before = files_of(root);
    for (target, names) in [
        ("sources/x", "sources"),
        ("data/x", "data"),
        ("search/x", "search"),
        ("chips/index", "index"),
        ("chips/sub", "content/chips/sub"),
        ("chips/h20", "content/chips/h20.md"),
        ("chips/bundle", "content/chips/bundle"),
        ("chips/h20/more", "content/chips/h20.md"),
        ("chips/bundle/more", "content/chips/bundle"),
    ] {
        let run = briefbook(root, &["new", target]);
        assert_eq!(run.code, 2, "{target}: {}", run.stderr);
        assert!(run.stderr.contains(names), "{target}: {}", run.stderr);
        assert!(files_of(root) == before, "{target}: something was written");
    }
    // A name reserved at the top is fine further down.
    assert_eq!(briefbook(root, &["new", "chips/sources"]).code, 0);
    let check = briefbook(root, &["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

/// The titles of the book's briefs, by path, as the build read them.
fn titles(root: &Path) -> BTreeMap<String, String> {
    let run = briefbook(root, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let book: serde_json::Value =
        serde_json::from_str(&read(root, "public/data/book.json")).unwrap();
    book["briefs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["path"].as_str().unwrap().to_string(),
                b["title"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_title_is_written_as_the_build_will_read_it_in_toml_and_yaml() {
    let awkward = "x\"\n+++\n---\nevil = 1 \\ back\tslash \u{7} \u{85} 'single' #hash: colon";
    let toml_book = write_book(&base_book());
    let mut yaml_files = base_book();
    yaml_files.insert(
        "content/chips/h20.md".into(),
        SUPPLY.replace("Supply", "Another"),
    );
    let yaml_book = write_book(&yaml_files);
    for (book, opening) in [(&toml_book, "+++\n"), (&yaml_book, "---\n")] {
        let root = book.path();
        let run = briefbook(root, &["new", "chips/odd", "--title", awkward]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(read(root, "content/chips/odd.md").starts_with(opening));
        let check = briefbook(root, &["check"]);
        assert_eq!(check.code, 0, "{}", check.stderr);
        assert_eq!(titles(root)["chips/odd.md"], awkward);
    }
}

/// Runs briefbook with files limited to `limit` bytes, as a full disk would cut them.
#[cfg(unix)]
fn with_file_size_limit(root: &Path, args: &[&str], limit: u64) -> Run {
    use std::os::unix::process::CommandExt;
    let mut command = Command::new(env!("CARGO_BIN_EXE_briefbook"));
    command.args(args).current_dir(root);
    // SAFETY: setrlimit and signal are async-signal-safe. A write past the limit then fails
    // with EFBIG instead of killing the process with SIGXFSZ.
    unsafe {
        command.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let rlimit = libc::rlimit {
                rlim_cur: limit as libc::rlim_t,
                rlim_max: limit as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &rlimit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = command.output().expect("run briefbook");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[cfg(unix)]
#[test]
fn a_full_disk_never_leaves_a_file_cut_short() {
    let mut files = base_book();
    files.insert(
        "refs.bib".into(),
        "@report{Bernstein2025,\n  title = {China semiconductors: the H20 question},\n  institution = {Bernstein},\n  date = {2025-08}\n}\n".into(),
    );
    let book = write_book(&files);
    let root = book.path();
    let before = files_of(root);
    let sources = before["content/sources.toml"].len() as u64;
    // import: the registry stays as it was, whole.
    let run = with_file_size_limit(root, &["import", "refs.bib", "--root", "."], sources + 10);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        files_of(root) == before,
        "import left a file cut short or behind"
    );
    // new: no brief cut short.
    let run = with_file_size_limit(root, &["new", "chips/cut", "--root", "."], 100);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        files_of(root) == before,
        "new left a file cut short or behind"
    );
    // init: each file is whole or absent.
    let whole = tempfile::tempdir().unwrap();
    let run = with_file_size_limit(whole.path(), &["init", "book"], 1 << 20);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let expected = files_of(&whole.path().join("book"));
    let cut = tempfile::tempdir().unwrap();
    let run = with_file_size_limit(cut.path(), &["init", "book"], 200);
    assert_eq!(run.code, 2, "{}", run.stderr);
    for (path, bytes) in files_of(&cut.path().join("book")) {
        assert_eq!(
            Some(&bytes),
            expected.get(&path),
            "{path} is not a whole file init writes"
        );
    }
}

#[cfg(unix)]
#[test]
fn import_replaces_the_registry_instead_of_rewriting_it() {
    let mut files = base_book();
    files.insert(
        "refs.bib".into(),
        "@report{Bernstein2025,\n  title = {The H20 question},\n  date = {2025-08}\n}\n".into(),
    );
    let book = write_book(&files);
    let root = book.path();
    // A hard-linked copy (a backup made with `cp -al`) keeps the registry as it was.
    std::fs::hard_link(root.join("content/sources.toml"), root.join("backup.toml")).unwrap();
    let run = briefbook(root, &["import", root.join("refs.bib").to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(read(root, "content/sources.toml").contains("bernstein2025"));
    assert_eq!(read(root, "backup.toml"), SOURCES);
}

#[test]
fn init_keeps_the_site_and_what_builds_keep_beside_it_out_of_git() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    let init = Command::new(env!("CARGO_BIN_EXE_briefbook"))
        .arg("init")
        .arg(&book)
        .output()
        .unwrap();
    assert!(init.status.success());
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(&book)
            .output()
            .unwrap()
    };
    assert!(git(&["init", "-q"]).status.success());
    for _ in 0..2 {
        assert_eq!(briefbook(&book, &["build"]).code, 0);
    }
    // What builds keep beside the output, including what only an interrupted build leaves.
    let kept = [
        "public",
        ".public.briefbook-spare",
        ".public.briefbook-fingerprints",
        ".public.briefbook-new",
        ".public.briefbook-lock",
        ".public.briefbook-staging-1234",
        ".public.briefbook-old-1234",
        ".public.briefbook-scratch",
        ".public.briefbook-displaced-1",
        ".briefbook-cache/links.json",
    ];
    for name in kept {
        let ignored = git(&["check-ignore", "-q", "--no-index", name]);
        assert!(ignored.status.success(), "{name} is not ignored");
    }
    let status = git(&["status", "--porcelain", "--untracked-files=all"]);
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(
        !status.contains("briefbook-") && !status.contains("public"),
        "{status}"
    );
    for own in ["site.toml", "content/_index.md"] {
        let ignored = git(&["check-ignore", "-q", "--no-index", own]);
        assert!(!ignored.status.success(), "{own} is ignored");
    }
}
