//! Input the build must not pass over in silence: folders it cannot read, links to nothing, a
//! misspelled or outside theme, a registry that is a folder, files the generator would replace,
//! and names too long to publish. Each is an error, `check` finds it as `build` does, and a
//! failed build leaves the site as it was.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

const MEMORY: &str = "+++\ntitle = \"Memory\"\nsummary = \"s\"\n+++\n";
const HBM: &str =
    "+++\ntitle = \"HBM\"\ndate = \"2025\"\nsummary = \"s\"\n+++\nShort [@ft-2025].\n";

/// The book with a `theme = ...` line in site.toml (line 3).
fn with_theme(theme: &str) -> std::collections::BTreeMap<String, String> {
    let mut files = base_book();
    let site = SITE.replace("\n\n[check]", &format!("\ntheme = \"{theme}\"\n\n[check]"));
    files.insert("site.toml".into(), site);
    files
}

fn has_line(run: &Run, start: &str) -> bool {
    run.stderr.lines().any(|l| l.starts_with(start))
}

/// Whether this process reads folders whatever their permissions (root does).
fn privileged() -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = tempfile::tempdir().unwrap();
    let dir = probe.path().join("closed");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o000)).unwrap();
    let reads = std::fs::read_dir(&dir).is_ok();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    reads
}

/// Runs briefbook as a user that permissions apply to: as `nobody` when this process is root.
fn briefbook_unprivileged(root: &Path, args: &[&str], privileged: bool) -> Run {
    use std::os::unix::process::CommandExt;
    let mut command = Command::new(env!("CARGO_BIN_EXE_briefbook"));
    command.args(args).arg("--root").arg(root);
    if privileged {
        command.uid(65534).gid(65534);
    }
    let out = command.output().expect("run briefbook as nobody");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Opens every folder and file below `root` to every user, so that `nobody` can build.
fn open_to_all(root: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.unwrap();
        let mode = if entry.file_type().is_dir() {
            0o777
        } else {
            0o666
        };
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

#[cfg(unix)]
#[test]
fn an_unreadable_chapter_folder_fails_and_the_site_stays() {
    use std::os::unix::fs::PermissionsExt;
    let mut files = base_book();
    files.insert("content/memory/_index.md".into(), MEMORY.into());
    files.insert("content/memory/hbm.md".into(), HBM.into());
    let book = write_book(&files);
    let root = book.path();
    open_to_all(root);
    let privileged = privileged();
    let run = briefbook_unprivileged(root, &["build"], privileged);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let before = snapshot(&root.join("public"));
    assert!(before.contains_key("memory/hbm/index.html"));
    let memory = root.join("content/memory");
    std::fs::set_permissions(&memory, std::fs::Permissions::from_mode(0o000)).unwrap();
    let runs =
        ["check", "build"].map(|command| briefbook_unprivileged(root, &[command], privileged));
    std::fs::set_permissions(&memory, std::fs::Permissions::from_mode(0o777)).unwrap();
    for run in runs {
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            has_line(&run, "content/memory: error[io]: "),
            "{}",
            run.stderr
        );
    }
    assert!(
        snapshot(&root.join("public")) == before,
        "a failed build changed the site"
    );
}

#[cfg(unix)]
#[test]
fn a_link_to_nothing_is_an_error_naming_it() {
    use std::os::unix::fs::symlink;
    let book = write_book(&base_book());
    let root = book.path();
    assert_eq!(briefbook(root, &["build"]).code, 0);
    let before = snapshot(&root.join("public"));
    std::fs::create_dir(root.join("static")).unwrap();
    symlink("gone.md", root.join("content/chips/vanished.md")).unwrap();
    symlink("gone.png", root.join("static/logo.png")).unwrap();
    // Editors' lock files are hidden links to nothing, and are none of the build's business.
    symlink("editor@host.1234", root.join("content/chips/.#h20.md")).unwrap();
    for command in ["check", "build"] {
        let run = briefbook(root, &[command]);
        assert_eq!(run.code, 2, "{command}: {}", run.stderr);
        for link in ["content/chips/vanished.md", "static/logo.png"] {
            let headline = format!("{link}: error[io]: ");
            assert!(has_line(&run, &headline), "{command}: {}", run.stderr);
        }
        assert!(!run.stderr.contains(".#h20.md"), "{}", run.stderr);
    }
    assert!(snapshot(&root.join("public")) == before);
}

#[test]
fn a_sources_toml_folder_is_an_error() {
    let mut files = base_book();
    files.remove("content/sources.toml");
    files.insert("content/sources.toml/more.toml".into(), SOURCES.into());
    let book = write_book(&files);
    for command in ["check", "build"] {
        let run = briefbook(book.path(), &[command]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            has_line(&run, "content/sources.toml: error[io]: "),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_misspelled_theme_is_an_error_with_the_nearest_name() {
    let book = write_book(&with_theme("defualt"));
    let run = briefbook(book.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        has_line(
            &run,
            "site.toml:3:9: error[invalid-value]: there is no theme `defualt`"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("= help: did you mean `default`?"));

    let mut files = with_theme("briefng");
    files.insert(
        "themes/briefing/static/extra.css".into(),
        "p { color: black }".into(),
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("= help: did you mean `briefing`?"));
    assert!(!book.path().join("public").exists());
    files.insert(
        "site.toml".into(),
        with_theme("briefing")["site.toml"].clone(),
    );
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(book.path().join("public/extra.css").is_file());
}

#[test]
fn a_theme_outside_themes_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "static/secret.txt", b"secret");
    let absolute = outside.path().to_string_lossy().into_owned();
    for theme in [absolute.as_str(), "../x", "default/..", ".hidden", ""] {
        let book = write_book(&with_theme(theme));
        let run = briefbook(book.path(), &["build"]);
        assert_eq!(run.code, 1, "{theme}: {}", run.stderr);
        assert!(
            has_line(&run, "site.toml:3:9: error[invalid-value]: "),
            "{theme}: {}",
            run.stderr
        );
        assert!(!book.path().join("public").exists());
    }
}

#[test]
fn files_the_generator_writes_are_not_lost_in_silence() {
    let mut files = base_book();
    files.insert(
        "site.toml".into(),
        format!("{SITE}[markdown]\nallow_raw_html = true\n"),
    );
    files.insert("static/index.html".into(), "<p>my cover</p>".into());
    files.insert("static/data/book.json".into(), "{}".into());
    files.insert("content/search.js".into(), "alert(1)".into());
    files.insert("content/chips/h20/index.html".into(), "<p>mine</p>".into());
    files.insert("static/chips/chart.png".into(), "one".into());
    files.insert("content/chips/chart.png".into(), "two".into());
    // Replacing the theme's own files is how a book restyles: not a collision.
    files.insert("static/style.css".into(), "body { color: black }".into());
    let book = write_book(&files);
    let expected = [
        ("static/index.html", "`index.html`", "the cover"),
        (
            "static/data/book.json",
            "`data/book.json`",
            "the book's data",
        ),
        ("content/search.js", "`search.js`", "the theme's search.js"),
        (
            "content/chips/h20/index.html",
            "`chips/h20/index.html`",
            "content/chips/h20.md",
        ),
        (
            "content/chips/chart.png",
            "`chips/chart.png`",
            "static/chips/chart.png",
        ),
    ];
    for command in ["check", "build"] {
        let run = briefbook(book.path(), &[command]);
        assert_eq!(run.code, 1, "{command}: {}", run.stderr);
        for (file, at, other) in expected {
            let line = run
                .stderr
                .lines()
                .find(|l| l.starts_with(&format!("{file}: error[file-collision]: ")))
                .unwrap_or_else(|| panic!("{command}: {file}: {}", run.stderr));
            assert!(line.contains(at) && line.contains(other), "{line}");
        }
        assert_eq!(
            run.stderr.matches("error[file-collision]").count(),
            expected.len(),
            "{}",
            run.stderr
        );
    }
    assert!(!book.path().join("public").exists());
}

#[test]
fn check_finds_the_names_too_long_to_publish_that_build_would_fail_on() {
    let long = "中".repeat(80);
    let brief = "+++\ntitle = \"T\"\ndate = \"2025\"\nsummary = \"s\"\n+++\n[@cnn-2025]\n";
    let mut files = base_book();
    // 240 bytes on disk, but its slug ("zhong-zhong-...") is 479.
    files.insert(format!("content/chips/{long}.md"), brief.into());
    files.insert(format!("content/{long}/_index.md"), MEMORY.into());
    files.insert(
        "content/chips/slug.md".into(),
        brief.replace(
            "summary",
            &format!("slug = \"{}\"\nsummary", "a".repeat(256)),
        ),
    );
    files.insert(
        "content/chips/tagged.md".into(),
        brief.replace(
            "summary",
            &format!("tags = [\"{}\"]\nsummary", "t".repeat(300)),
        ),
    );
    let book = write_book(&files);
    let expected = [
        format!("content/chips/{long}.md: error[invalid-slug]: "),
        format!("content/{long}/_index.md: error[invalid-slug]: "),
        "content/chips/slug.md: error[invalid-slug]: ".to_string(),
        "content/chips/tagged.md: error[invalid-slug]: ".to_string(),
    ];
    for command in ["check", "build"] {
        let run = briefbook(book.path(), &[command]);
        assert_eq!(run.code, 1, "{command}: {}", run.stderr);
        for headline in &expected {
            assert!(
                has_line(&run, headline),
                "{command}: {headline}\n{}",
                run.stderr
            );
        }
    }
    assert!(!book.path().join("public").exists());
}

#[test]
fn a_book_static_file_replaces_its_theme_folders_file() {
    let mut files = with_theme("plain");
    files.insert("themes/plain/static/style.css".into(), "theme".into());
    files.insert("static/style.css".into(), "book".into());
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(read(book.path(), "public/style.css"), "book");
}

#[test]
fn check_knows_every_path_build_writes() {
    use std::collections::BTreeSet;
    let mut files = base_book();
    files.insert(
        "site.toml".into(),
        format!("{SITE}[markdown]\nhighlight_theme = \"css\"\n"),
    );
    files.insert("static/logo.png".into(), "png".into());
    files.insert("content/chips/bundle/index.md".into(), HBM.into());
    files.insert("content/chips/bundle/chart.png".into(), "png".into());
    let book = write_book(&files);
    let run = briefbook(book.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let site: BTreeSet<String> = snapshot(&book.path().join("public")).into_keys().collect();

    let options = briefbook::pipeline::Options {
        root: book.path().to_path_buf(),
        ..Default::default()
    };
    let compiled = briefbook::pipeline::compile(&options).unwrap_or_else(|d| panic!("{d:?}"));
    let generated = briefbook::read::published::generated(&compiled.book);
    let theme: BTreeSet<&str> = briefbook::render::theme::STATIC
        .iter()
        .map(|(path, _)| *path)
        .collect();
    let listed: BTreeSet<&str> = briefbook::read::published::THEME_FILES
        .iter()
        .copied()
        .collect();
    assert_eq!(
        listed, theme,
        "THEME_FILES is the built-in theme's static files"
    );
    let copied = briefbook::pipeline::book_files(&compiled);
    let known: BTreeSet<&str> = generated
        .keys()
        .map(String::as_str)
        .chain(theme)
        .chain(copied.iter().map(|(_, path)| *path))
        .collect();
    let unknown: Vec<&String> = site
        .iter()
        .filter(|p| !known.contains(p.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "written, but unknown to check: {unknown:?}"
    );
    // The changes page is written only with --changes-since.
    let unwritten: Vec<&String> = generated
        .keys()
        .filter(|p| !site.contains(*p) && *p != "changes/index.html")
        .collect();
    assert!(
        unwritten.is_empty(),
        "known to check, but not written: {unwritten:?}"
    );
}
