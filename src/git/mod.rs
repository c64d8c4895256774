//! What changed between two editions of a book: each edition read from git into a private
//! folder (never over the user's work tree), compiled, and compared as data.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::analyse::changes::{Changes, FactState};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::pipeline::{self, Compiled, Options};
use crate::read::book::Book;
use crate::read::history::git;

/// A book as it was at a revision, with the folder that holds it (removed when dropped).
pub struct Edition {
    pub compiled: Compiled,
    pub label: String,
    _folder: tempfile::TempDir,
}

/// Why an edition could not be read: the message, and whether it is a content problem (exit 1)
/// rather than a usage or git problem (exit 2).
pub type Failure = (Vec<Diagnostic>, bool);

/// Reads the book at `root` as it was at `rev`.
pub fn edition_at(root: &Path, rev: &str) -> Result<Edition, Failure> {
    let usage = |message: String| (vec![Diagnostic::error(Code::Git, message)], false);
    let top = git(root, &["rev-parse", "--show-toplevel"])
        .map_err(|_| usage(format!("{} is not in a git repository", root.display())))?;
    let prefix = git(root, &["rev-parse", "--show-prefix"])
        .unwrap_or_default()
        .trim()
        .to_string();
    let commit = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| usage(format!("unknown revision `{rev}`")))?;
    let short: String = commit.trim().chars().take(7).collect();
    let folder =
        tempfile::tempdir().map_err(|e| usage(format!("cannot make a temporary folder: {e}")))?;
    extract(Path::new(top.trim()), commit.trim(), &prefix, folder.path()).map_err(usage)?;
    let book_root = folder.path().join(&prefix);
    if !book_root.join("site.toml").is_file() {
        return Err(usage(format!(
            "the book did not exist at `{rev}` (no {}site.toml there)",
            prefix
        )));
    }
    let options = Options {
        root: book_root,
        ..Default::default()
    };
    let compiled = pipeline::compile(&options).map_err(|problems| {
        let mut all: Vec<Diagnostic> = problems.into_iter().filter(|d| d.is_error()).collect();
        all.insert(
            0,
            Diagnostic::error(Code::Diff, format!("the book at `{rev}` does not build")),
        );
        (all, true)
    })?;
    Ok(Edition {
        compiled,
        label: format!("{rev} ({short})"),
        _folder: folder,
    })
}

/// `git archive REV prefix | tar -x -C into`.
fn extract(top: &Path, commit: &str, prefix: &str, into: &Path) -> Result<(), String> {
    let mut archive = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["archive", "--format=tar", commit])
        .arg(if prefix.is_empty() { "." } else { prefix })
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("git could not be run ({e})"))?;
    let stdout = archive.stdout.take().ok_or("no output from git archive")?;
    let tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(into)
        .stdin(stdout)
        .status()
        .map_err(|e| format!("tar could not be run ({e})"))?;
    let git_ok = archive.wait().map(|s| s.success()).unwrap_or(false);
    if tar.success() && git_ok {
        Ok(())
    } else {
        Err(format!("cannot read the book at {commit} from git"))
    }
}

/// What changed in `book` since the edition at `rev`, for `build --changes-since`.
pub fn changes_since(root: &Path, rev: &str, book: &Book) -> Result<Changes, Diagnostics> {
    let old = edition_at(root, rev)
        .map_err(|(problems, _)| problems.into_iter().collect::<Diagnostics>())?;
    Ok(crate::analyse::changes::compare(
        &old.compiled.book,
        book,
        &old.label,
        "this edition",
    ))
}

/// The changes for people: one line a change, grouped.
pub fn to_text(changes: &Changes) -> String {
    let mut out = format!("Changes from {} to {}\n", changes.from, changes.to);
    if changes.is_empty() {
        out.push_str("\nNo changes.\n");
        return out;
    }
    let mut section = |title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            out.push_str(&format!("\n{title}\n"));
            for line in lines {
                out.push_str(&format!("  {line}\n"));
            }
        }
    };
    let b = &changes.briefs;
    let mut briefs: Vec<String> = b
        .added
        .iter()
        .map(|x| format!("+ {} \"{}\"", x.path, x.title))
        .collect();
    briefs.extend(
        b.removed
            .iter()
            .map(|x| format!("- {} \"{}\"", x.path, x.title)),
    );
    briefs.extend(
        b.retitled
            .iter()
            .map(|x| format!("~ {} retitled: \"{}\" -> \"{}\"", x.path, x.from, x.to)),
    );
    briefs.extend(
        b.moved
            .iter()
            .map(|x| format!("> {} -> {} \"{}\"", x.from, x.to, x.title)),
    );
    section("Briefs", briefs);
    let c = &changes.claims;
    let mut claims: Vec<String> = c
        .added
        .iter()
        .map(|x| format!("+ {}#claim-{}: {}", x.brief, x.id, x.text))
        .collect();
    claims.extend(
        c.removed
            .iter()
            .map(|x| format!("- {}#claim-{}: {}", x.brief, x.id, x.text)),
    );
    let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
    claims.extend(c.changed.iter().map(|x| {
        format!(
            "~ {}#claim-{} {}: {} -> {}",
            x.brief,
            x.id,
            x.field,
            shown(&x.from),
            shown(&x.to)
        )
    }));
    section("Claims", claims);
    let value = |s: &FactState| {
        format!(
            "{}{} ({})",
            s.value,
            s.unit.as_ref().map(|u| format!(" {u}")).unwrap_or_default(),
            s.source
        )
    };
    section(
        "Facts",
        changes
            .facts
            .iter()
            .map(|f| {
                format!(
                    "~ {} {} / {}: {} -> {}",
                    f.brief,
                    f.subject,
                    f.metric,
                    value(&f.from),
                    value(&f.to)
                )
            })
            .collect(),
    );
    let mut sources: Vec<String> = changes
        .sources
        .added
        .iter()
        .map(|(id, t)| format!("+ {id} \"{t}\""))
        .collect();
    sources.extend(
        changes
            .sources
            .removed
            .iter()
            .map(|(id, t)| format!("- {id} \"{t}\"")),
    );
    section("Sources", sources);
    section("Bodies", changes.bodies.iter().map(body_line).collect());
    out
}

/// `~ chips/h20.md: changed "What happened", the opening; added "Risks"`.
fn body_line(body: &crate::analyse::changes::BodyChange) -> String {
    let named = |headings: &[String]| {
        let names: Vec<String> = headings
            .iter()
            .map(|h| match h.as_str() {
                "" => "the opening".to_string(),
                h => format!("\"{h}\""),
            })
            .collect();
        names.join(", ")
    };
    let parts: Vec<String> = [
        ("changed", &body.changed),
        ("added", &body.added),
        ("removed", &body.removed),
    ]
    .into_iter()
    .filter(|(_, list)| !list.is_empty())
    .map(|(what, list)| format!("{what} {}", named(list)))
    .collect();
    format!("~ {}: {}", body.path, parts.join("; "))
}
