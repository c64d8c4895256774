//! Relative links and images checked against the files the site will hold: a co-located file,
//! a `static/` file, a page, or a `#fragment` of the page it is on (FORMAT section 7). Run on
//! every compile, after the analysis, because adding or removing a file changes the answer
//! while no body changed.

use std::collections::{BTreeMap, HashMap, HashSet};

use percent_encoding::percent_decode_str;

use crate::analyse::resolve;
use crate::diagnostic::{Code, Diagnostic, Limiter, SourceFile};
use crate::markdown::book::Scanned;
use crate::markdown::{LocalLink, Scan};
use crate::read::book::Book;
use crate::read::load::FileRef;

/// Relative links and images of every body checked against the site's files. Not part of the
/// analysis, which an earlier compile may hand over: adding or removing a file changes this
/// answer while no body changed.
pub fn check_book(
    book: &Book,
    statics: &[FileRef],
    scanned: &Scanned,
    whole_book: bool,
) -> Vec<Diagnostic> {
    let brief_pages = book.briefs.iter().zip(&scanned.briefs).enumerate();
    let brief_pages = brief_pages.filter(|(_, (_, scan))| !scan.local_links.is_empty());
    let mut pages: Vec<Page> = brief_pages
        .map(|(i, (b, scan))| Page {
            file: &b.brief.file,
            url: &b.url,
            links: &scan.local_links,
            ids: resolve::brief_anchors(book, i, scan),
        })
        .collect();
    let sections = std::iter::once((&book.cover, ""))
        .chain(book.chapters.iter().map(|c| (&c.section, c.url.as_str())));
    for ((section, url), (_, scan)) in sections.zip(&scanned.sections) {
        if !scan.local_links.is_empty() {
            pages.push(Page {
                file: &section.file,
                url,
                links: &scan.local_links,
                ids: section_ids(scan),
            });
        }
    }
    if pages.is_empty() {
        return Vec::new();
    }
    let site = crate::read::published::site_paths(book, statics);
    let brief_by_url: HashMap<&str, usize> = book
        .briefs
        .iter()
        .enumerate()
        .map(|(i, b)| (b.url.as_str(), i))
        .collect();
    let section_by_url: HashMap<&str, &Scan> = std::iter::once("")
        .chain(book.chapters.iter().map(|c| c.url.as_str()))
        .zip(scanned.sections.iter().map(|(_, s)| s))
        .collect();
    let anchors = |url: &str| match brief_by_url.get(url) {
        Some(&i) => Some(resolve::brief_anchors(book, i, &scanned.briefs[i])),
        None => section_by_url.get(url).map(|s| section_ids(s)),
    };
    check(&pages, &site, &anchors, whole_book)
}

/// A page whose body has relative links: where it is, and the ids it has.
pub struct Page<'a> {
    pub file: &'a SourceFile,
    /// Its URL relative to the site root (`chips/h20/`, `` for the cover).
    pub url: &'a str,
    pub links: &'a [LocalLink],
    pub ids: HashSet<String>,
}

/// The ids of a chapter's or the cover's page: its headings, notes and the template's own.
pub fn section_ids(scan: &Scan) -> HashSet<String> {
    let headings = scan.headings.iter().map(|h| h.id.clone());
    let notes = scan.note_ids.iter().cloned();
    let template = crate::markdown::TEMPLATE_IDS.iter().map(|s| s.to_string());
    headings.chain(notes).chain(template).collect()
}

/// Every relative link or image of `pages` that names no file of `site` (output paths, such as
/// `chips/h20/index.html`), or a fragment its target page does not have. `anchors` gives the
/// ids of a page by its URL, for links that name a fragment of another page.
/// Without `whole_book` (a page failed to parse, so the site's files are not all known), only
/// fragments of a link's own page are checked.
pub fn check(
    pages: &[Page],
    site: &HashSet<String>,
    anchors: &dyn Fn(&str) -> Option<HashSet<String>>,
    whole_book: bool,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut folders: Option<Folders> = None;
    for page in pages {
        let mut limiter = Limiter::default();
        for link in page.links {
            if !whole_book && !link.url.trim().starts_with('#') {
                continue;
            }
            let Some(problem) = problem(page, link, site, anchors) else {
                continue;
            };
            let code = problem.code();
            if !limiter.admit(code, link.offset) {
                continue;
            }
            let folders = folders.get_or_insert_with(|| Folders::of(site));
            problems.push(problem.diagnostic(page, link, folders));
        }
        problems.extend(limiter.summaries(page.file));
    }
    problems
}

/// What is wrong with one link.
enum Problem {
    /// The path leaves the site (`../../..` past its root).
    OutsideSite,
    /// No file at the resolved path; `folder_page` when the path names a folder with a page,
    /// written without its final slash.
    NoFile { target: String, folder_page: bool },
    /// The file exists; its page has no such id.
    NoFragment {
        fragment: String,
        known: HashSet<String>,
    },
}

impl Problem {
    fn code(&self) -> Code {
        match self {
            Problem::NoFragment { .. } => Code::BrokenAnchor,
            _ => Code::MissingFile,
        }
    }

    fn diagnostic(self, page: &Page, link: &LocalLink, folders: &Folders) -> Diagnostic {
        let what = if link.image { "image" } else { "link" };
        let url = &link.url;
        let d = match self {
            Problem::OutsideSite => Diagnostic::error(
                Code::MissingFile,
                format!("the {what} `{url}` leads out of the site"),
            )
            .with_help("relative links may climb no higher than the site's root"),
            Problem::NoFile {
                folder_page: true, ..
            } => Diagnostic::error(
                Code::MissingFile,
                format!("the {what} `{url}` names a folder, not a file"),
            )
            .with_help(format!(
                "end it with a slash (`{}/`): opened from disk, only the folder's index.html is a page",
                url.split(['#', '?']).next().unwrap_or(url)
            )),
            Problem::NoFile { target, .. } => {
                let d = Diagnostic::error(
                    Code::MissingFile,
                    format!("the {what} `{url}` names no file of the site (it would be `{target}`)"),
                );
                let near = folders
                    .nearest(url, &target)
                    .or_else(|| folders.same_name(page.url, &target));
                match near {
                    Some(name) => d.with_help(format!("did you mean `{name}`?")),
                    None => d.with_help(
                        "put the file beside the Markdown file that links to it, or in `static/`",
                    ),
                }
            }
            Problem::NoFragment { fragment, known } => {
                let mut known: Vec<&str> = known.iter().map(String::as_str).collect();
                known.sort_unstable();
                Diagnostic::error(
                    Code::BrokenAnchor,
                    format!("the link `{url}` names `#{fragment}`, which its page does not have"),
                )
                .suggest(&fragment, known)
            }
        };
        d.at(page.file, link.offset)
    }
}

fn problem(
    page: &Page,
    link: &LocalLink,
    site: &HashSet<String>,
    anchors: &dyn Fn(&str) -> Option<HashSet<String>>,
) -> Option<Problem> {
    let (path, fragment) = split_url(&link.url);
    // `#top` needs no id: a browser goes to the top of the page for it (HTML's fragment rules).
    let fragment = fragment.filter(|f| f != "top");
    if path.is_empty() {
        let fragment = fragment?;
        return (!fragment.is_empty() && !page.ids.contains(&fragment)).then(|| {
            Problem::NoFragment {
                fragment,
                known: page.ids.clone(),
            }
        });
    }
    let Some(target) = resolve(page.url, &path) else {
        return Some(Problem::OutsideSite);
    };
    let file = if target.is_empty() || target.ends_with('/') {
        format!("{target}index.html")
    } else {
        target.clone()
    };
    if !site.contains(&file) {
        let folder_page = site.contains(&format!("{target}/index.html"));
        return Some(Problem::NoFile {
            target,
            folder_page,
        });
    }
    let fragment = fragment.filter(|f| !f.is_empty())?;
    let page_url = file.strip_suffix("index.html")?;
    let known = anchors(page_url)?;
    (!known.contains(&fragment)).then_some(Problem::NoFragment { fragment, known })
}

/// The path (percent-decoded, query dropped) and the fragment of a relative URL.
fn split_url(url: &str) -> (String, Option<String>) {
    let url = url.trim();
    let (rest, fragment) = match url.split_once('#') {
        Some((rest, fragment)) => (rest, Some(decode(fragment))),
        None => (url, None),
    };
    let path = rest.split('?').next().unwrap_or(rest);
    (decode(path), fragment)
}

fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// `path` read from the page at `page_url` (a folder URL), as a path from the site's root;
/// `None` when it climbs above the root. A leading `/` starts at the root.
pub fn resolve(page_url: &str, path: &str) -> Option<String> {
    let (mut parts, path): (Vec<&str>, &str) = match path.strip_prefix('/') {
        Some(rest) => (Vec::new(), rest),
        None => (
            page_url.split('/').filter(|s| !s.is_empty()).collect(),
            path,
        ),
    };
    let names_folder = path.is_empty() || path.ends_with('/') || path.ends_with("/.");
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    let mut target = parts.join("/");
    if names_folder && !target.is_empty() || path == ".." || path.ends_with("/..") {
        target.push('/');
    }
    Some(target)
}

/// The site's files by folder, for the nearest name to a missing one.
struct Folders {
    names: BTreeMap<String, Vec<String>>,
}

impl Folders {
    fn of(site: &HashSet<String>) -> Folders {
        let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for path in site {
            let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
            names
                .entry(folder.to_string())
                .or_default()
                .push(name.to_string());
            // A page is linked to as its folder (`h20/`), so offer that form too.
            if name == "index.html" {
                let (parent, own) = folder.rsplit_once('/').unwrap_or(("", folder));
                if !own.is_empty() {
                    names
                        .entry(parent.to_string())
                        .or_default()
                        .push(format!("{own}/"));
                }
            }
        }
        for list in names.values_mut() {
            list.sort_unstable();
        }
        Folders { names }
    }

    /// The name in the missing target's folder nearest to it, written as the link would be:
    /// the link with its last segment replaced.
    fn nearest(&self, url: &str, target: &str) -> Option<String> {
        let trimmed = target.trim_end_matches('/');
        let (folder, name) = trimmed.rsplit_once('/').unwrap_or(("", trimmed));
        let candidates = self.names.get(folder)?;
        let wanted = if target.ends_with('/') {
            format!("{name}/")
        } else {
            name.to_string()
        };
        let best = crate::text::nearest(&wanted, candidates.iter().map(String::as_str))?;
        let written = url.split(['#', '?']).next().unwrap_or(url);
        let written = written.trim_end_matches('/');
        let prefix = written.rsplit_once('/').map_or("", |(p, _)| p);
        Some(if prefix.is_empty() {
            best.to_string()
        } else {
            format!("{prefix}/{best}")
        })
    }

    /// A file of the same name elsewhere in the site, as a link from the page would name it:
    /// `![](diagram.png)` in `alpha/features.md` looks in `alpha/features/`, while the file
    /// beside the Markdown is published at `alpha/diagram.png`. The nearest folder wins.
    fn same_name(&self, page_url: &str, target: &str) -> Option<String> {
        let name = target.rsplit('/').next().filter(|n| !n.is_empty())?;
        self.names
            .iter()
            .filter(|(_, names)| names.binary_search_by(|n| n.as_str().cmp(name)).is_ok())
            .map(|(folder, _)| {
                let path = if folder.is_empty() {
                    name.to_string()
                } else {
                    format!("{folder}/{name}")
                };
                crate::text::rebase(&path, "", page_url).unwrap_or(path)
            })
            .min_by_key(|link| (link.matches("../").count(), link.len(), link.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_from_the_page_folder() {
        assert_eq!(resolve("a/b/", "x.png").as_deref(), Some("a/b/x.png"));
        assert_eq!(resolve("a/b/", "../c/").as_deref(), Some("a/c/"));
        assert_eq!(resolve("a/b/", "../../").as_deref(), Some(""));
        assert_eq!(resolve("a/b/", "..").as_deref(), Some("a/"));
        assert_eq!(
            resolve("a/b/", "/static.css").as_deref(),
            Some("static.css")
        );
        assert_eq!(
            resolve("a/b/", "./x/./y.png").as_deref(),
            Some("a/b/x/y.png")
        );
        assert_eq!(resolve("a/", "../../x"), None);
        assert_eq!(resolve("", ".."), None);
    }

    #[test]
    fn fragments_and_queries_are_split_and_decoded() {
        assert_eq!(
            split_url("a%20b.png?v=2#x%2Dy"),
            ("a b.png".into(), Some("x-y".into()))
        );
        assert_eq!(split_url("#top"), (String::new(), Some("top".into())));
    }

    fn site(paths: &[&str]) -> HashSet<String> {
        paths.iter().map(|p| p.to_string()).collect()
    }

    fn check_one(url: &str, paths: &[&str]) -> Vec<String> {
        let file = SourceFile::new("content/a/b.md", format!("[x]({url})\n"));
        let links = [LocalLink {
            url: url.into(),
            offset: 0,
            image: false,
        }];
        let page = Page {
            file: &file,
            url: "a/b/",
            links: &links,
            ids: ["notes".to_string()].into_iter().collect(),
        };
        let anchors = |url: &str| (url == "a/c/").then(|| site(&["top"]));
        check(&[page], &site(paths), &anchors, true)
            .iter()
            .map(|d| format!("{} | {}", d.headline(), d.help.clone().unwrap_or_default()))
            .collect()
    }

    #[test]
    fn a_missing_file_is_located_with_the_nearest_name() {
        let found = check_one("diagrams.png", &["a/b/index.html", "a/b/diagram.png"]);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with("content/a/b.md:1:1: error[missing-file]"),
            "{found:?}"
        );
        assert!(
            found[0].contains("would be `a/b/diagrams.png`"),
            "{found:?}"
        );
        assert!(
            found[0].ends_with("did you mean `diagram.png`?"),
            "{found:?}"
        );
    }

    #[test]
    fn a_file_of_that_name_in_another_folder_is_offered() {
        let found = check_one(
            "diagram.png",
            &["a/b/index.html", "a/diagram.png", "z/diagram.png"],
        );
        assert!(
            found[0].ends_with("did you mean `../diagram.png`?"),
            "{found:?}"
        );
    }

    #[test]
    fn pages_folders_and_fragments() {
        let site_paths = ["a/b/index.html", "a/c/index.html", "index.html"];
        assert!(check_one("../c/", &site_paths).is_empty());
        assert!(check_one("../c/index.html#top", &site_paths).is_empty());
        assert!(check_one("../../", &site_paths).is_empty());
        assert!(check_one("#notes", &site_paths).is_empty());
        let folder = check_one("../c", &site_paths);
        assert!(
            folder[0].contains("names a folder") && folder[0].contains("`../c/`"),
            "{folder:?}"
        );
        let fragment = check_one("../c/#topp", &site_paths);
        assert!(fragment[0].contains("error[broken-anchor]"), "{fragment:?}");
        assert!(fragment[0].ends_with("did you mean `top`?"), "{fragment:?}");
        let own = check_one("#ntoes", &site_paths);
        assert!(
            own[0].contains("`#ntoes`") && own[0].ends_with("did you mean `notes`?"),
            "{own:?}"
        );
        let outside = check_one("../../../x.png", &site_paths);
        assert!(outside[0].contains("leads out of the site"), "{outside:?}");
    }
}
