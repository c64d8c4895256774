//! Never lose a file: a build killed at any moment leaves the previous site whole, the next
//! build cleans up after it, and nothing outside the output folder is touched.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use common::*;

/// The base book plus `n` more briefs, with a cover title naming the edition.
fn edition(n: usize, edition: &str) -> BTreeMap<String, String> {
    let mut files = base_book();
    files.insert(
        "content/_index.md".into(),
        COVER.replace("Test book", edition),
    );
    for i in 0..n {
        files.insert(
            format!("content/chips/extra-{i:04}.md"),
            format!("+++\ntitle = \"Extra {i} ({edition})\"\ndate = \"2025-08\"\nsummary = \"s\"\n+++\n\n## Part {i}\n\nText [@cnn-2025] and [link](@/chips/h20.md).\n"),
        );
    }
    files
}

fn install(root: &Path, files: &BTreeMap<String, String>) {
    for (path, text) in files {
        write(root, path, text.as_bytes());
    }
}

/// Builds `files` into a folder of its own and returns the site.
fn reference_site(files: &BTreeMap<String, String>) -> BTreeMap<String, Vec<u8>> {
    let book = write_book(files);
    assert_eq!(briefbook(book.path(), &["build"]).code, 0);
    snapshot(&book.path().join("public"))
}

#[test]
fn a_killed_build_leaves_the_old_site_or_the_new_one_whole() {
    let editions = [
        edition(300, "First edition"),
        edition(300, "Second edition"),
    ];
    let sites = [reference_site(&editions[0]), reference_site(&editions[1])];
    assert_ne!(sites[0], sites[1]);
    let book = write_book(&editions[0]);
    let root = book.path();
    assert_eq!(briefbook(root, &["build"]).code, 0);
    // How long a whole build takes here, to spread the kills over it. Only a schedule: half the
    // kills wait instead for the build's staging folder, so that some land while it writes
    // however fast or loaded the machine is.
    let start = Instant::now();
    assert_eq!(briefbook(root, &["build"]).code, 0);
    let whole = start.elapsed();
    let mut current = 0;
    let mut installed = 0;
    let mut killed_mid_write = 0;
    let steps = 12;
    for step in 0..steps {
        let next = 1 - current;
        install(root, &editions[next]);
        installed = next;
        let mut child = Command::new(env!("CARGO_BIN_EXE_briefbook"))
            .args(["build", "--root"])
            .arg(root)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        if step % 2 == 0 {
            wait_for_staging_or_exit(root, &mut child);
        } else {
            // Spread over a little more than one build, so some kills land after it finished.
            std::thread::sleep(whole.mul_f64(1.2 * (step as f64 + 0.5) / steps as f64));
        }
        let staging = staging_of(&child);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        if leftovers(root).contains(&staging) {
            killed_mid_write += 1;
        }
        let site = snapshot(&root.join("public"));
        if site == sites[next] {
            current = next;
        } else {
            assert!(
                site == sites[current],
                "step {step}: the output is neither the old site nor the new one ({} files)",
                site.len()
            );
        }
    }
    assert!(
        killed_mid_write > 0,
        "no kill landed while pages were being written"
    );
    // The next build completes and leaves nothing of the killed ones behind.
    assert_eq!(briefbook(root, &["build"]).code, 0);
    assert!(
        snapshot(&root.join("public")) == sites[installed],
        "the completed build is not the installed edition"
    );
    assert!(leftovers(root).is_empty(), "{:?}", leftovers(root));
}

/// The staging folder a build writes into (a killed build's stays until the next build).
fn staging_of(child: &std::process::Child) -> String {
    format!(".public.briefbook-staging-{}", child.id())
}

/// Returns once the build's staging folder appears beside the output folder, or it has exited.
fn wait_for_staging_or_exit(root: &Path, child: &mut std::process::Child) {
    let staging = staging_of(child);
    while !root.join(&staging).exists() {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        std::thread::yield_now();
    }
}

/// What builds left beside the output folder, besides the spare and fingerprints they keep on
/// purpose.
fn leftovers(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("briefbook-") && n != SPARE && n != FINGERPRINTS)
        .collect()
}

/// The last site but one, which the next build updates in place.
const SPARE: &str = ".public.briefbook-spare";
/// What the files of the output and the spare hold, so they are compared without reading.
const FINGERPRINTS: &str = ".public.briefbook-fingerprints";

#[test]
fn a_reused_spare_becomes_exactly_the_new_site() {
    // Three editions in turn, so that the third build updates the first one's site in place:
    // a brief removed and added, a static file that becomes a folder and a folder that becomes
    // a file, a longer and a shorter print edition.
    let mut first = edition(5, "First edition");
    first.insert("static/notes".into(), "a file".into());
    first.insert("static/charts/a.txt".into(), "in a folder".into());
    let mut second = edition(2, "Second edition");
    second.insert("static/notes/now-a-folder.txt".into(), "x".into());
    second.insert("static/charts".into(), "now a file".into());
    let mut third = edition(9, "Third edition");
    third.insert("static/notes/now-a-folder.txt".into(), "changed".into());
    third.insert("static/charts/b.txt".into(), "again a folder".into());
    let book = write_book(&first);
    let root = book.path();
    assert_eq!(briefbook(root, &["build"]).code, 0);
    for (n, files) in [&second, &third, &first, &second].into_iter().enumerate() {
        let _ = std::fs::remove_dir_all(root.join("content"));
        let _ = std::fs::remove_dir_all(root.join("static"));
        install(root, files);
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(briefbook(root, &["build"]).code, 0);
        let site = snapshot(&root.join("public"));
        assert!(
            site == reference_site(files),
            "build {n}: the site differs from a build into an empty folder"
        );
        // The print edition is written in parts: its head must come first, whole.
        let print = String::from_utf8_lossy(&site["print/index.html"]);
        assert!(print.starts_with("<!doctype html>") && print.trim_end().ends_with("</html>"));
        assert!(root.join(SPARE).is_dir(), "build {n} kept no spare");
        assert!(leftovers(root).is_empty(), "{:?}", leftovers(root));
    }
    // A link planted in the spare is removed, never written through.
    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        let spare_chips = root.join(SPARE).join("chips");
        std::fs::remove_dir_all(&spare_chips).unwrap();
        std::os::unix::fs::symlink(outside.path(), &spare_chips).unwrap();
        assert_eq!(briefbook(root, &["build"]).code, 0);
        assert_eq!(
            std::fs::read_dir(outside.path()).unwrap().count(),
            0,
            "wrote through a link"
        );
        assert!(snapshot(&root.join("public")) == reference_site(&second));
    }
    // Two more builds bring back the same folder, updated in place: a file whose bytes never
    // change is not written again.
    let shared = root.join("public/style.css");
    let before = std::fs::metadata(&shared).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(briefbook(root, &["build"]).code, 0);
    assert_eq!(briefbook(root, &["build"]).code, 0);
    let after = std::fs::metadata(&shared).unwrap().modified().unwrap();
    assert_eq!(before, after, "an unchanged file was written again");
}

#[test]
fn a_spare_file_changed_behind_the_builds_back_is_rewritten() {
    // Builds note each file's stamp and hash, and trust a file whose stamp they noted. A file
    // edited since, even to the same length, must be read and rewritten.
    let files = edition(3, "An edition");
    let book = write_book(&files);
    let root = book.path();
    for _ in 0..3 {
        assert_eq!(briefbook(root, &["build"]).code, 0);
    }
    assert!(root.join(FINGERPRINTS).is_file());
    let reference = reference_site(&files);
    let spare_page = root.join(SPARE).join("index.html");
    let old = std::fs::read(&spare_page).unwrap();
    let same_length: Vec<u8> = old
        .iter()
        .map(|b| if *b == b'e' { b'E' } else { *b })
        .collect();
    assert_ne!(old, same_length);
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&spare_page, &same_length).unwrap();
    assert_eq!(briefbook(root, &["build"]).code, 0);
    assert!(snapshot(&root.join("public")) == reference);
    // A damaged list costs reads, never a wrong site.
    std::fs::write(root.join(FINGERPRINTS), "briefbook-fingerprints 1 9\n1 2 x").unwrap();
    let spare_page = root.join(SPARE).join("index.html");
    std::fs::write(&spare_page, &same_length[..same_length.len()]).unwrap();
    assert_eq!(briefbook(root, &["build"]).code, 0);
    assert!(snapshot(&root.join("public")) == reference);
}

#[test]
fn only_the_output_folder_changes() {
    let mut files = base_book();
    files.insert("static/robots.txt".into(), "User-agent: *\n".into());
    files.insert("content/chips/h20/chart.txt".into(), "beside".into());
    let book = write_book(&files);
    let root = book.path();
    write(root, "notes.txt", b"keep me");
    let before: BTreeMap<String, Vec<u8>> = snapshot(root);
    assert_eq!(briefbook(root, &["build"]).code, 0);
    assert_eq!(briefbook(root, &["build"]).code, 0);
    let after: BTreeMap<String, Vec<u8>> = snapshot(root)
        .into_iter()
        .filter(|(p, _)| {
            !p.starts_with("public/") && !p.starts_with(&format!("{SPARE}/")) && p != FINGERPRINTS
        })
        .collect();
    assert_eq!(before, after, "a build changed a file outside public/");
}

#[test]
fn a_file_removed_between_loading_and_writing_is_an_io_error_not_a_panic() {
    let mut files = base_book();
    files.insert("static/chart.png".into(), "png".into());
    let book = write_book(&files);
    let root = book.path();
    assert_eq!(briefbook(root, &["build"]).code, 0);
    let before = snapshot(&root.join("public"));
    let options = briefbook::pipeline::Options {
        root: root.to_path_buf(),
        ..Default::default()
    };
    let compiled = briefbook::pipeline::compile(&options).expect("the book compiles");
    std::fs::remove_file(root.join("static/chart.png")).unwrap();
    let Err(problems) = briefbook::pipeline::write(compiled) else {
        panic!("writing a vanished file succeeded")
    };
    let error = problems.iter().find(|d| d.is_error()).expect("an error");
    assert_eq!(error.code, briefbook::diagnostic::Code::Io);
    assert!(error.message.contains("chart.png"), "{}", error.message);
    assert_eq!(
        snapshot(&root.join("public")),
        before,
        "the previous output changed"
    );
    assert!(leftovers(root).is_empty(), "{:?}", leftovers(root));
}

#[test]
fn a_half_written_fingerprints_list_is_cleaned_even_by_a_build_that_fails() {
    let book = write_book(&base_book());
    let root = book.path();
    assert_eq!(briefbook(root, &["build"]).code, 0);
    let site = snapshot(&root.join("public"));
    // What a kill during the list's save leaves.
    std::fs::write(
        root.join(".public.briefbook-new"),
        "briefbook-fingerprints 1 3\n",
    )
    .unwrap();
    // A template that fails while the pages are written, so no list is saved after it.
    write(root, "templates/tag.html", b"{{ missing.value }}");
    assert_ne!(briefbook(root, &["build"]).code, 0);
    assert!(leftovers(root).is_empty(), "{:?}", leftovers(root));
    assert!(snapshot(&root.join("public")) == site);
}

/// A copy of `dir` made of hard links to its files, as `cp -al` makes it.
#[cfg(unix)]
fn hard_linked_copy(dir: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(dir).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::hard_link(entry.path(), &target).unwrap();
        }
    }
}

#[cfg(unix)]
#[test]
fn a_changed_file_is_written_anew_so_hard_linked_copies_keep_their_bytes() {
    let files = edition(6, "First edition");
    let book = write_book(&files);
    let root = book.path();
    for _ in 0..2 {
        assert_eq!(briefbook(root, &["build"]).code, 0);
    }
    // A snapshot of the published site that shares its files.
    let snap = tempfile::tempdir().unwrap();
    hard_linked_copy(&root.join("public"), &snap.path().join("site"));
    let kept = snapshot(&snap.path().join("site"));
    let style = std::fs::metadata(root.join("public/style.css")).unwrap();
    // Editions that change most pages, make the print edition longer and then shorter, so the
    // builds that reuse the snapshot's files as their spare rewrite, extend and cut them.
    for (n, files) in [
        edition(9, "Second edition"),
        edition(2, "Third edition"),
        edition(9, "Fourth edition"),
    ]
    .iter()
    .enumerate()
    {
        let _ = std::fs::remove_dir_all(root.join("content"));
        install(root, files);
        assert_eq!(briefbook(root, &["build"]).code, 0);
        assert!(
            snapshot(&root.join("public")) == reference_site(files),
            "build {n}: not the new site"
        );
        assert!(
            snapshot(&snap.path().join("site")) == kept,
            "build {n}: a hard-linked copy of an earlier site changed"
        );
    }
    // Unchanged files stay the very files they were.
    use std::os::unix::fs::MetadataExt;
    let spare_style = std::fs::metadata(root.join(SPARE).join("style.css")).unwrap();
    let public_style = std::fs::metadata(root.join("public/style.css")).unwrap();
    assert!(
        [spare_style.ino(), public_style.ino()].contains(&style.ino()),
        "an unchanged file was replaced"
    );
}
