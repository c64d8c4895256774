//! The output folder is never a place where a user loses a file: a folder briefbook did not
//! write is refused unless `--force` (which moves what it held aside, never deleting it), `..`
//! and links cannot lead the site into the book's inputs, an output that is a link stays a link,
//! a mount point is explained, and an output path that cannot be read is an error.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::*;

/// `briefbook build` run from inside the book, so that relative `-o` paths are the user's.
fn build_in(root: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_briefbook"))
        .arg("build")
        .args(args)
        .current_dir(root)
        .output()
        .expect("run briefbook");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// What a build keeps beside an output folder, in `dir`.
fn kept_beside(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("briefbook-"))
        .collect();
    names.sort();
    names
}

/// The site of `files` built alone into a fresh folder.
fn reference_site(files: &BTreeMap<String, String>) -> BTreeMap<String, Vec<u8>> {
    let book = write_book(files);
    assert_eq!(briefbook(book.path(), &["build"]).code, 0);
    snapshot(&book.path().join("public"))
}

/// Every file and folder below `dir` (links not followed), with the bytes of files.
fn tree(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let bytes = e
                .file_type()
                .is_file()
                .then(|| std::fs::read(e.path()).unwrap());
            (rel, bytes)
        })
        .collect()
}

#[test]
fn a_folder_briefbook_did_not_write_is_refused_and_left_as_it_was() {
    let book = write_book(&base_book());
    let root = book.path();
    write(root, "docs/notes.txt", b"written by hand");
    let git = Command::new("git")
        .args(["init", "-q"])
        .current_dir(root)
        .status()
        .unwrap();
    assert!(git.success());
    let before = tree(root);
    for out in ["docs", ".git"] {
        // Twice: the first build used to move the folder aside, the second to delete it.
        for _ in 0..2 {
            let run = build_in(root, &["-o", out]);
            assert_eq!(run.code, 2, "{out}: {}", run.stderr);
            assert!(run.stderr.contains("error[output-dir]"), "{}", run.stderr);
            assert!(
                run.stderr.contains(out) && run.stderr.contains("--force"),
                "the message names the folder and --force: {}",
                run.stderr
            );
            assert!(
                tree(root) == before,
                "{out}: a refused build touched the book"
            );
        }
    }
}

#[test]
fn an_output_that_is_a_file_is_an_error() {
    let book = write_book(&base_book());
    let root = book.path();
    write(root, "notes.txt", b"a file, not a folder");
    let before = tree(root);
    for force in [false, true] {
        let args: &[&str] = if force {
            &["-o", "notes.txt", "--force"]
        } else {
            &["-o", "notes.txt"]
        };
        let run = build_in(root, args);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("error[output-dir]"), "{}", run.stderr);
        assert!(run.stderr.contains("notes.txt"), "{}", run.stderr);
        assert!(tree(root) == before, "the file or the book changed");
    }
}

#[test]
fn force_takes_a_folder_over_and_keeps_what_it_held_beside_it() {
    let files = base_book();
    let book = write_book(&files);
    let root = book.path();
    write(root, "docs/notes.txt", b"written by hand");
    write(root, "docs/old/page.html", b"<p>old</p>");
    let mine = tree(&root.join("docs"));
    // A build that fails while writing takes nothing over.
    write(root, "templates/tag.html", b"{{ missing.value }}");
    assert_ne!(build_in(root, &["-o", "docs", "--force"]).code, 0);
    assert!(
        tree(&root.join("docs")) == mine,
        "a failed build changed docs/"
    );
    assert!(kept_beside(root).is_empty(), "{:?}", kept_beside(root));
    std::fs::remove_dir_all(root.join("templates")).unwrap();

    let run = build_in(root, &["-o", "docs", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let displaced = root.join(".docs.briefbook-displaced-1");
    assert!(
        run.stderr.contains(".docs.briefbook-displaced-1"),
        "the message says where the folder's files went: {}",
        run.stderr
    );
    assert!(
        tree(&displaced) == mine,
        "what docs/ held was not kept whole"
    );
    let site = reference_site(&files);
    assert!(snapshot(&root.join("docs")) == site);
    // From now on the folder is briefbook's: later builds need no --force, update it, and
    // never touch what was moved aside.
    for _ in 0..3 {
        let again = build_in(root, &["-o", "docs"]);
        assert_eq!(again.code, 0, "{}", again.stderr);
        assert!(snapshot(&root.join("docs")) == site);
        assert!(tree(&displaced) == mine);
    }
}

#[test]
fn an_empty_folder_is_used_without_force() {
    let book = write_book(&base_book());
    let root = book.path();
    std::fs::create_dir(root.join("public")).unwrap();
    assert_eq!(briefbook(root, &["build"]).code, 0);
    assert!(root.join("public/index.html").is_file());
}

#[test]
fn dot_dot_cannot_lead_the_output_into_the_book() {
    let book = write_book(&base_book());
    let root = book.path();
    let name = root.file_name().unwrap().to_str().unwrap().to_string();
    let before = tree(root);
    let around_the_book = format!("nx/../../{name}");
    for out in [
        "x/../content",
        around_the_book.as_str(),
        "x/y/../../content/chips",
        "./static/../content",
    ] {
        let run = build_in(root, &["-o", out]);
        assert_eq!(run.code, 2, "{out}: {}", run.stderr);
        assert!(run.stderr.contains("error[output-dir]"), "{}", run.stderr);
        assert!(tree(root) == before, "{out}: the book changed");
    }
    // The same in site.toml, which `check` reports.
    write(
        root,
        "site.toml",
        format!("output_dir = \"x/../content\"\n{SITE}").as_bytes(),
    );
    let run = briefbook(root, &["check"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("error[output-dir]"), "{}", run.stderr);
}

#[test]
fn an_output_inside_any_input_folder_is_refused() {
    let mut files = base_book();
    files.insert("static/robots.txt".into(), "User-agent: *\n".into());
    files.insert("templates/.keep".into(), String::new());
    let book = write_book(&files);
    let root = book.path();
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("static"), root.join("linked")).unwrap();
    let before = tree(root);
    for out in [
        "static/out",
        "static",
        "templates/site",
        "themes/site",
        "content/x",
        "linked/out",
    ] {
        if out.starts_with("linked") && !cfg!(unix) {
            continue;
        }
        let run = build_in(root, &["-o", out]);
        assert_eq!(run.code, 2, "{out}: {}", run.stderr);
        assert!(run.stderr.contains("error[output-dir]"), "{}", run.stderr);
        assert!(tree(root) == before, "{out}: the book changed");
    }
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_link_stays_a_link_and_the_site_goes_where_it_points() {
    let first = base_book();
    let mut second = base_book();
    second.insert(
        "content/_index.md".into(),
        COVER.replace("Test book", "Again"),
    );
    let book = write_book(&first);
    let root = book.path();
    let www = tempfile::tempdir().unwrap();
    let target = www.path().join("site");
    std::fs::create_dir(&target).unwrap();
    let link = root.join("public");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    for files in [&first, &second, &first] {
        for (path, text) in files.iter() {
            write(root, path, text.as_bytes());
        }
        let run = briefbook(root, &["build"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(std::fs::read_link(&link).unwrap(), target);
        assert!(snapshot(&target) == reference_site(files));
    }
    // What builds keep lies beside the folder the link points to.
    assert!(kept_beside(www.path()).contains(&".site.briefbook-spare".to_string()));
    assert!(kept_beside(root).is_empty(), "{:?}", kept_beside(root));

    // A folder the link points to that briefbook did not write is refused, like any other.
    let other = www.path().join("other");
    write(&other, "mine.txt", b"keep me");
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(&other, &link).unwrap();
    let run = briefbook(root, &["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(std::fs::read_link(&link).unwrap(), other);
    assert!(
        tree(&other).len() == 1,
        "the folder the link points to changed"
    );
}

/// Runs `script` as root of a mount namespace of its own (so no mount outlives it); `None`
/// where the system allows no such namespace.
#[cfg(target_os = "linux")]
fn in_mount_namespace(script: &str) -> Option<String> {
    let out = Command::new("unshare")
        .args(["--mount", "--map-root-user", "sh", "-c", script])
        .output()
        .ok()?;
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    text.contains("MOUNTED").then_some(text)
}

#[cfg(target_os = "linux")]
#[test]
fn a_mount_point_is_refused_with_what_to_do_instead() {
    let book = write_book(&base_book());
    let root = book.path();
    std::fs::create_dir(root.join("public")).unwrap();
    let bin = env!("CARGO_BIN_EXE_briefbook");
    let script = format!(
        "cd '{root}' && mount -t tmpfs briefbook-test public && echo MOUNTED && \
         {bin} build; echo \"code=$?\"; echo \"inside=$(ls -A public | wc -l)\"; \
         {bin} build -o public/site; echo \"inner=$?\"",
        root = root.display()
    );
    let Some(text) = in_mount_namespace(&script) else {
        eprintln!("skipped: this system allows no mount namespace (unshare --mount)");
        return;
    };
    assert!(text.contains("code=2"), "{text}");
    assert!(text.contains("error[output-dir]"), "{text}");
    assert!(
        text.contains("mount point") && text.contains("public/site"),
        "the message says what the folder is and what to do: {text}"
    );
    assert!(
        text.contains("inside=0"),
        "the refused build wrote into the mount: {text}"
    );
    assert!(
        text.contains("inner=0"),
        "a folder inside the mount: {text}"
    );
    assert!(kept_beside(root).is_empty(), "{:?}", kept_beside(root));
}

/// Runs `briefbook build` as a user who cannot read a folder made unreadable: root reads
/// everything, so as root the build runs as `nobody`, owning the book.
#[cfg(unix)]
fn build_unprivileged(root: &Path) -> Run {
    use std::os::unix::process::CommandExt;
    let mut command = Command::new(env!("CARGO_BIN_EXE_briefbook"));
    command
        .args(["build", "--root"])
        .arg(root)
        .env("HOME", root);
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        for entry in walkdir::WalkDir::new(root) {
            let path = entry.unwrap().into_path();
            std::os::unix::fs::lchown(&path, Some(65534), Some(65534)).unwrap();
        }
        command.uid(65534).gid(65534);
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
fn a_folder_of_the_spare_that_cannot_be_read_is_an_error_and_nothing_is_published() {
    use std::os::unix::fs::PermissionsExt;
    let book = write_book(&base_book());
    let root = book.path();
    assert_eq!(briefbook(root, &["build"]).code, 0);
    assert_eq!(briefbook(root, &["build"]).code, 0);
    let site = snapshot(&root.join("public"));
    // Stale files in a folder of the spare that the build cannot list.
    let stale = root.join(".public.briefbook-spare/stale");
    write(&stale, "old.html", b"<p>stale</p>");
    let hidden = tree(&root.join(".public.briefbook-spare"));
    write(
        root,
        "content/_index.md",
        COVER.replace("Test book", "New").as_bytes(),
    );
    std::fs::set_permissions(&stale, std::fs::Permissions::from_mode(0o000)).unwrap();
    let run = build_unprivileged(root);
    // Wherever a build put it, so the test's folder can be removed.
    for dir in [&stale, &root.join("public/stale")] {
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
    }
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("error[io]"), "{}", run.stderr);
    assert!(
        run.stderr.contains("stale"),
        "names the folder: {}",
        run.stderr
    );
    assert!(
        snapshot(&root.join("public")) == site,
        "something was published"
    );
    assert!(!root.join("public/stale").exists());
    // The spare is still the spare, whole.
    assert!(tree(&root.join(".public.briefbook-spare")) == hidden);
}

#[test]
fn what_a_killed_build_left_does_not_make_a_folder_briefbooks() {
    let book = write_book(&base_book());
    let root = book.path();
    write(root, "docs/notes.txt", b"written by hand");
    // What a `build -o docs --force` killed while writing leaves beside the folder.
    write(
        root,
        ".docs.briefbook-staging-99999/index.html",
        b"<p>half</p>",
    );
    let before = tree(root);
    let run = build_in(root, &["-o", "docs"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert!(tree(root) == before, "the refused build touched the book");
}
