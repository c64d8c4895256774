//! A book's history from git: the commits that touched each file (one `git log` for the whole
//! book, as Hugo's enableGitInfo does), and the commit the site is built from. git runs as a
//! subprocess; a book outside git, a shallow clone or no git at all only cost a warning.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::date::PartialDate;
use crate::model::index_pages::reserved_folders;
use crate::model::Located;
use crate::read::book::{path_url, Book};

/// One commit as a revision of a brief.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Revision {
    pub date: PartialDate,
    pub commit: String,
    pub subject: String,
}

/// The commit a build comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Head {
    pub commit: String,
    pub short: String,
    /// Whether the book's files had uncommitted changes.
    pub dirty: bool,
}

#[derive(Debug, Default, Clone)]
pub struct History {
    /// Revisions by path relative to the book root (`content/chips/h20.md`), newest first.
    pub revisions: HashMap<String, Vec<Revision>>,
    /// The earlier paths of each file that git saw renamed, by its path now (both relative to
    /// the book root), newest first.
    pub renamed_from: HashMap<String, Vec<String>>,
    /// The slugs files gave before a commit changed or removed them: (path then, slug), by
    /// path then (both relative to the book root), newest first.
    pub earlier_slugs: Vec<(String, String)>,
    pub head: Option<Head>,
}

const RECORD: char = '\u{1e}';
const FIELD: char = '\u{1f}';

/// The book's git history when `[git] enabled` allows it: by default, when the book is in a git
/// work tree. Anything that stops git from helping is one warning, never an error.
pub fn read_if_enabled(
    root: &Path,
    enabled: Option<bool>,
    diagnostics: &mut Diagnostics,
) -> History {
    let in_a_repository = || {
        let start = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        start.ancestors().any(|dir| dir.join(".git").exists())
    };
    if enabled == Some(false) || (enabled.is_none() && !in_a_repository()) {
        return History::default();
    }
    read(root).unwrap_or_else(|warning| {
        diagnostics.push(warning.in_file("site.toml"));
        History::default()
    })
}

/// A brief without `updated` takes the date of the last commit that touched its file.
pub fn date_briefs(book: &mut Book, history: &History) {
    for b in &mut book.briefs {
        if b.brief.updated.is_none() {
            if let Some(last) = history
                .revisions
                .get(&b.brief.file.path)
                .and_then(|r| r.first())
            {
                // Only a brief that changes is copied: one shared with an earlier compile (the
                // server's) stays shared, and what was made from it can be kept.
                if last.date > b.brief.date {
                    Arc::make_mut(&mut b.brief).updated = Some(last.date);
                }
            }
        }
    }
}

/// A brief renamed in git keeps its old URLs: each earlier path's URL becomes an alias, unless
/// the brief has it already, or a page or alias of the book stands there now (an old URL that
/// a new page took is the new page's), or it lies in the book's own folders. `[git] redirects =
/// false` turns this off. Returns the redirects made, for `check` to list.
pub fn alias_moves(book: &mut Book, history: &History) -> Vec<Moved> {
    let mut moved = Vec::new();
    if !book.config.git_redirects || history.renamed_from.is_empty() {
        return moved;
    }
    let pages = book.chapters.iter().map(|c| c.url.clone());
    let briefs = book.briefs.iter().map(|b| b.url.clone());
    let aliases = book
        .briefs
        .iter()
        .flat_map(|b| b.brief.aliases.iter().map(|a| a.value.clone()));
    let mut taken: HashSet<String> = pages.chain(briefs).chain(aliases).collect();
    let slugs = slugs_by_file_now(history);
    for b in &mut book.briefs {
        let renamed = history.renamed_from.get(&b.brief.file.path);
        let paths = renamed
            .into_iter()
            .flatten()
            .map(|path| (path.as_str(), None));
        let slugged = slugs.get(b.brief.file.path.as_str()).into_iter().flatten();
        let earlier = paths.chain(slugged.map(|(path, slug)| (*path, Some(*slug))));
        for (path, slug) in earlier {
            let Some(path) = path.strip_prefix("content/").filter(|p| p.ends_with(".md")) else {
                continue;
            };
            let url = match slug {
                Some(slug) => crate::read::book::slug_url(path, slug),
                None => path_url(path),
            };
            let top = url.split('/').next().unwrap_or_default();
            if reserved_folders().any(|name| name == top) || !taken.insert(url.clone()) {
                continue;
            }
            moved.push(Moved {
                brief: b.brief.file.path.clone(),
                was: match slug {
                    Some(slug) => format!("{path} (slug `{slug}`)"),
                    None => path.to_string(),
                },
                old_url: url.clone(),
            });
            let alias = Located {
                value: url,
                offset: 0,
            };
            Arc::make_mut(&mut b.brief).aliases.push(alias);
        }
    }
    moved
}

/// The slugs each file gave before, by its path now (following renames).
fn slugs_by_file_now(history: &History) -> HashMap<&str, Vec<(&str, &str)>> {
    let mut now_of: HashMap<&str, &str> = HashMap::new();
    for (now, earlier) in &history.renamed_from {
        for path in earlier {
            now_of.insert(path, now);
        }
    }
    let mut by_file: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
    for (path, slug) in &history.earlier_slugs {
        let now = now_of.get(path.as_str()).copied().unwrap_or(path);
        by_file.entry(now).or_default().push((path, slug));
    }
    by_file
}

/// A brief's old URL, kept as a redirect because git saw the file renamed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moved {
    /// The brief's file now (`content/chips/h20.md`).
    pub brief: String,
    /// Its earlier path under `content/` (`policy/h20.md`).
    pub was: String,
    /// The URL that now redirects (`policy/h20/`).
    pub old_url: String,
}

impl Moved {
    /// The line `check` shows for it.
    pub fn note(&self) -> String {
        format!(
            "note: {}: was content/{} in git; its old URL {} redirects here",
            self.brief, self.was, self.old_url
        )
    }
}

/// Reads the history of the book at `root`; `Err` is the one warning to give when git cannot help.
pub fn read(root: &Path) -> Result<History, Diagnostic> {
    let unavailable = |why: String| {
        Diagnostic::warning(
            Code::GitHistory,
            format!("dates come from front matter only: {why}"),
        )
        .with_help("set `[git] enabled = false` in site.toml to silence this")
    };
    let inside = git(root, &["rev-parse", "--is-inside-work-tree"]).map_err(&unavailable)?;
    if inside.trim() != "true" {
        return Err(unavailable("the book is not in a git work tree".into()));
    }
    if git(root, &["rev-parse", "--is-shallow-repository"])
        .map_err(unavailable)?
        .trim()
        == "true"
    {
        return Err(unavailable(
            "this is a shallow clone, so the history is incomplete".into(),
        ));
    }
    let format = format!("--format={RECORD}%H{FIELD}%h{FIELD}%ad{FIELD}%s");
    let log = git(
        root,
        &[
            "-c",
            "core.quotePath=false",
            "log",
            "--date=short",
            "--name-only",
            "--no-renames",
            "--relative",
            &format,
            "--",
            ".",
        ],
    )
    .map_err(unavailable)?;
    let revisions = parse_log(&log);
    let renames = git(
        root,
        &[
            "-c",
            "core.quotePath=false",
            "log",
            "--diff-filter=R",
            "--find-renames",
            "--name-status",
            "--relative",
            "--format=",
            "--",
            ".",
        ],
    )
    .map_err(unavailable)?;
    let renamed_from = parse_renames(&renames);
    // Only commits whose diff adds or removes a `slug` line, so this stays cheap on long histories.
    let slug_diffs = git(
        root,
        &[
            "-c",
            "core.quotePath=false",
            "log",
            "-p",
            "-U0",
            "--no-color",
            "--no-renames",
            "--relative",
            "--format=",
            "-G^slug[[:space:]]*[=:]",
            "--",
            ".",
        ],
    )
    .map_err(unavailable)?;
    let earlier_slugs = parse_slug_diffs(&slug_diffs);
    let head = match git(root, &["rev-parse", "HEAD"]) {
        Ok(commit) => {
            let commit = commit.trim().to_string();
            let dirty = !git(
                root,
                &[
                    "status",
                    "--porcelain",
                    "--untracked-files=normal",
                    "--",
                    ".",
                ],
            )
            .unwrap_or_default()
            .trim()
            .is_empty();
            Some(Head {
                short: commit.chars().take(7).collect(),
                commit,
                dirty,
            })
        }
        Err(_) => None,
    };
    Ok(History {
        revisions,
        renamed_from,
        earlier_slugs,
        head,
    })
}

/// `git log` records: a header line of fields, then the files the commit touched.
fn parse_log(log: &str) -> HashMap<String, Vec<Revision>> {
    let mut by_file: HashMap<String, Vec<Revision>> = HashMap::new();
    for record in log.split(RECORD).filter(|r| !r.trim().is_empty()) {
        let mut lines = record.lines();
        let fields: Vec<&str> = lines.next().unwrap_or("").split(FIELD).collect();
        let [_, short, date, subject] = fields.as_slice() else {
            continue;
        };
        let Ok(date) = PartialDate::parse(date) else {
            continue;
        };
        let revision = Revision {
            date,
            commit: short.to_string(),
            subject: subject.to_string(),
        };
        for file in lines.map(str::trim).filter(|l| !l.is_empty()) {
            by_file
                .entry(file.to_string())
                .or_default()
                .push(revision.clone());
        }
    }
    by_file
}

/// `git log --name-status` rename lines (`R100<TAB>old<TAB>new`), newest first, as each file's
/// earlier paths by its path now: a file renamed twice (a → b → c) is found under c with b and a.
fn parse_renames(log: &str) -> HashMap<String, Vec<String>> {
    let mut now_of: HashMap<String, String> = HashMap::new();
    let mut renamed_from: HashMap<String, Vec<String>> = HashMap::new();
    for line in log.lines() {
        let mut fields = line.split('\t');
        let (Some(status), Some(old), Some(new)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if !status.starts_with('R') {
            continue;
        }
        let now = now_of.get(new).cloned().unwrap_or_else(|| new.to_string());
        now_of.insert(old.to_string(), now.clone());
        renamed_from.entry(now).or_default().push(old.to_string());
    }
    renamed_from
}

/// Removed `slug` lines of `git log -p` (`-slug = "xs"`, `-slug: xs`), each with the path of the
/// file they were removed from (`--- a/<path>`): the slugs a file gave before.
fn parse_slug_diffs(log: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut file: Option<&str> = None;
    for line in log.lines() {
        if let Some(path) = line.strip_prefix("--- ") {
            file = path.strip_prefix("a/");
            continue;
        }
        if line.starts_with("+++ ") {
            continue;
        }
        let (Some(path), Some(removed)) = (file, line.strip_prefix('-')) else {
            continue;
        };
        let Some(rest) = removed.trim_start().strip_prefix("slug") else {
            continue;
        };
        let Some(value) = rest.trim_start().strip_prefix(['=', ':']) else {
            continue;
        };
        let slug = value.trim().trim_matches(|c| c == '"' || c == '\'');
        if !slug.is_empty() {
            found.push((path.to_string(), slug.to_string()));
        }
    }
    found
}

/// Runs git in `dir`; its standard output, or why it failed.
pub fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("git could not be run ({e})"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_are_followed_back_to_the_first_path() {
        // Newest first: b.md became c.md, after a.md had become b.md.
        let log = "R100\tcontent/x/b.md\tcontent/y/c.md\n\nR097\tcontent/x/a.md\tcontent/x/b.md\nM\tcontent/z.md\n";
        let renamed = parse_renames(log);
        assert_eq!(
            renamed["content/y/c.md"],
            ["content/x/b.md", "content/x/a.md"]
        );
        assert_eq!(renamed.len(), 1);
    }

    #[test]
    fn log_records_become_revisions_per_file() {
        let log = format!(
            "{RECORD}aaaa{FIELD}aaa{FIELD}2025-09-02{FIELD}Revise figures\n\ncontent/a b.md\ncontent/ü.md\n{RECORD}bbbb{FIELD}bbb{FIELD}2025-08-17{FIELD}First edition\n\ncontent/a b.md\n"
        );
        let history = parse_log(&log);
        let revisions = &history["content/a b.md"];
        assert_eq!(revisions.len(), 2);
        assert_eq!(revisions[0].subject, "Revise figures");
        assert_eq!(revisions[0].date.to_string(), "2025-09-02");
        assert_eq!(revisions[1].commit, "bbb");
        assert_eq!(history["content/ü.md"].len(), 1);
    }

    #[test]
    fn removed_slug_lines_are_read_in_toml_and_yaml() {
        let log = "diff --git a/content/a.md b/content/a.md\n--- a/content/a.md\n+++ b/content/a.md\n@@ -2 +2 @@\n-slug = \"old-a\"\n+slug = \"new-a\"\ndiff --git a/content/b.md b/content/b.md\n--- a/content/b.md\n+++ b/content/b.md\n@@ -3 +2,0 @@\n-slug: 'old-b'\n-slugline = 1\n--- /dev/null\n+++ b/content/c.md\n+slug = \"c\"\n";
        assert_eq!(
            parse_slug_diffs(log),
            [
                ("content/a.md".to_string(), "old-a".to_string()),
                ("content/b.md".to_string(), "old-b".to_string()),
            ]
        );
    }
}
