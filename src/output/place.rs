//! Where a site goes: the output path as the system resolves it, the refusal of outputs that
//! overlap the book or its inputs, and the names of what builds keep beside the output.
//!
//! A path is resolved component by component: a symbolic link is replaced by where it points
//! (so an output that is a link is written where the link points, and the link stays), and `..`
//! steps back from the resolved folder, as the system does, whether or not the folders exist
//! yet. `x/../content` is therefore `content` even without an `x/`.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};

/// The book's input folders: an output inside one of them, or holding one, is refused.
pub const INPUTS: [&str; 4] = ["content", "static", "templates", "themes"];

/// A build's staging folder, `.public.briefbook-staging-<pid>`.
pub(crate) const STAGING: &str = "briefbook-staging";
/// The old site during the two-rename swap where there is no atomic exchange.
pub(crate) const RETIRED: &str = "briefbook-old";
/// The site the last build replaced, which the next one updates in place.
pub(crate) const SPARE: &str = "briefbook-spare";
/// What the files of the output and the spare hold (`fingerprint.rs`).
pub(crate) const FINGERPRINTS: &str = "briefbook-fingerprints";
/// The lock a build holds while it stages and swaps (`lock.rs`).
pub(crate) const LOCK: &str = "briefbook-lock";
/// Files of a reused spare written anew before they are renamed into place.
pub(crate) const SCRATCH: &str = "briefbook-scratch";
/// What a folder taken over with `--force` held: briefbook never deletes it.
pub(crate) const DISPLACED: &str = "briefbook-displaced";

/// Links followed in one path before it counts as a loop (the system's own limit).
const MAX_LINKS: usize = 40;

/// Refuses an output folder that is the book, one of its inputs or inside one, or a folder
/// holding any of them. Paths are compared both as written (`..` taken lexically) and as the
/// system resolves them (links followed), so neither a `..` nor a link gets past.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let ways: [fn(&Path) -> PathBuf; 2] = [lexical, |p| physical(p).unwrap_or_else(|_| lexical(p))];
    for resolve in ways {
        let site = resolve(out);
        if resolve(root).starts_with(&site) {
            return Err(refused(out, &site, "is the book's folder or holds it"));
        }
        for input in INPUTS {
            let dir = resolve(&root.join(input));
            if site.starts_with(&dir) {
                let why = format!("is or lies inside the book's input folder {input}/");
                return Err(refused(out, &site, &why));
            }
            if dir.starts_with(&site) {
                let why = format!("holds the book's input folder {input}/");
                return Err(refused(out, &site, &why));
            }
        }
    }
    Ok(())
}

fn refused(out: &Path, resolved: &Path, why: &str) -> Diagnostic {
    Diagnostic::error(
        Code::OutputDir,
        format!(
            "refusing to write the site to {}{}: it {why}",
            out.display(),
            shown_as(out, resolved)
        ),
    )
    .in_file("site.toml")
    .with_help(
        "set `output_dir` in site.toml (or pass -o) to a folder of its own beside the book's \
         inputs, such as \"public\"",
    )
}

/// ` (that is, /abs/path)` when the path as written is not plainly the resolved one.
fn shown_as(out: &Path, resolved: &Path) -> String {
    if out == resolved {
        String::new()
    } else {
        format!(" (that is, {})", resolved.display())
    }
}

/// `path` made absolute, with `.` and `..` taken lexically; links are not looked at.
pub(crate) fn lexical(path: &Path) -> PathBuf {
    let mut out = base(path);
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` as the system resolves it: absolute, every link followed, `..` stepping back from
/// the resolved folder. Parts that do not exist yet are taken as written.
pub(crate) fn physical(path: &Path) -> io::Result<PathBuf> {
    let mut out = base(path);
    follow(&mut out, path, 0)?;
    Ok(out)
}

/// Where a relative path starts: the current folder (which the system reports resolved).
fn base(path: &Path) -> PathBuf {
    if path.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().unwrap_or_default()
    }
}

/// Appends `path` to the resolved `at`, following links; returns the links followed so far.
fn follow(at: &mut PathBuf, path: &Path, mut links: usize) -> io::Result<usize> {
    for part in path.components() {
        match part {
            Component::ParentDir => {
                at.pop();
            }
            Component::CurDir => {}
            Component::Normal(name) => {
                at.push(name);
                if fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
                    links += 1;
                    if links > MAX_LINKS {
                        let message = format!("{}: too many symbolic links", at.display());
                        return Err(io::Error::other(message));
                    }
                    let target = fs::read_link(&at)?;
                    at.pop();
                    links = follow(at, &target, links)?;
                }
            }
            other => at.push(other.as_os_str()),
        }
    }
    Ok(links)
}

/// The output folder of a build, resolved, and the names of what builds keep beside it.
pub(crate) struct Place {
    /// The output as the user gave it, for messages.
    pub shown: PathBuf,
    /// The output as the system resolves it: never a link.
    pub out: PathBuf,
    /// The folder holding `out`, where everything builds keep lies.
    pub parent: PathBuf,
    name: String,
}

impl Place {
    pub(crate) fn of(out: &Path) -> Result<Place, Diagnostic> {
        let resolved = physical(out).map_err(|e| {
            Diagnostic::error(
                Code::OutputDir,
                format!("cannot resolve the output folder {}: {e}", out.display()),
            )
            .with_help("point -o or `output_dir` at a folder, not at a loop of links")
        })?;
        let (Some(parent), Some(name)) = (resolved.parent(), resolved.file_name()) else {
            return Err(refused(out, &resolved, "is the root of the file system"));
        };
        Ok(Place {
            shown: out.to_path_buf(),
            parent: parent.to_path_buf(),
            name: name.to_string_lossy().into_owned(),
            out: resolved,
        })
    }

    /// `.<name>.<what>` beside the output.
    pub(crate) fn beside(&self, what: &str) -> PathBuf {
        self.parent.join(format!("{}{what}", self.prefix()))
    }

    /// What every name builds keep beside the output starts with: `.public.`.
    pub(crate) fn prefix(&self) -> String {
        format!(".{}.", self.name)
    }

    pub(crate) fn staging(&self) -> PathBuf {
        self.beside(&format!("{STAGING}-{}", std::process::id()))
    }

    pub(crate) fn retired(&self) -> PathBuf {
        self.beside(&format!("{RETIRED}-{}", std::process::id()))
    }

    /// The first `.<name>.briefbook-displaced-<n>` that does not exist.
    pub(crate) fn free_displaced(&self) -> PathBuf {
        (1..)
            .map(|n| self.beside(&format!("{DISPLACED}-{n}")))
            .find(|path| fs::symlink_metadata(path).is_err())
            .expect("some number is free")
    }

    /// The output as the user gave it, with where it leads when that differs.
    pub(crate) fn display(&self) -> String {
        format!(
            "{}{}",
            self.shown.display(),
            shown_as(&self.shown, &self.out)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_dot_is_taken_whether_or_not_the_folders_exist() {
        let dir = tempfile::tempdir().unwrap();
        let root = physical(dir.path()).unwrap();
        assert_eq!(
            physical(&root.join("x/../content")).unwrap(),
            root.join("content")
        );
        assert_eq!(
            physical(&root.join("a/b/../../c/./d")).unwrap(),
            root.join("c/d")
        );
        assert_eq!(
            lexical(&root.join("x/../../y")),
            root.parent().unwrap().join("y")
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_and_dot_dot_steps_back_from_where_they_lead() {
        let dir = tempfile::tempdir().unwrap();
        let root = physical(dir.path()).unwrap();
        fs::create_dir_all(root.join("real/inner")).unwrap();
        std::os::unix::fs::symlink(root.join("real/inner"), root.join("link")).unwrap();
        std::os::unix::fs::symlink("nowhere/site", root.join("dangling")).unwrap();
        assert_eq!(
            physical(&root.join("link")).unwrap(),
            root.join("real/inner")
        );
        assert_eq!(
            physical(&root.join("link/../x")).unwrap(),
            root.join("real/x")
        );
        assert_eq!(
            physical(&root.join("dangling")).unwrap(),
            root.join("nowhere/site")
        );
        std::os::unix::fs::symlink(root.join("loop"), root.join("loop")).unwrap();
        assert!(physical(&root.join("loop")).is_err());
    }

    #[test]
    fn outputs_over_or_inside_the_inputs_are_refused() {
        let root = Path::new("/books/b");
        for out in [
            "/books/b",
            "/books",
            "/books/b/static/x",
            "/books/b/x/../themes",
            "/",
        ] {
            assert!(check_output_dir(root, Path::new(out)).is_err(), "{out}");
        }
        for out in ["/books/b/public", "/books/b/x/../docs", "/srv/www"] {
            assert!(check_output_dir(root, Path::new(out)).is_ok(), "{out}");
        }
    }
}
