//! The book assembled: chapters in a tree, briefs in reading order with URLs, the source registry.

use crate::diagnostic::{Code, Diagnostic, SourceFile};
use crate::model::index_pages::reserved_folders;
use crate::model::{Brief, PageHeader, Section, Source};
use crate::read::config::Config;
use crate::read::load::FileRef;
use crate::text::slugify;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

#[derive(Clone)]
pub struct Chapter {
    pub section: Section,
    /// Folder relative to `content/`: `chips` or `chips/supply`.
    pub dir: String,
    /// Output URL relative to the site root: `chips/`.
    pub url: String,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// Briefs of this chapter, in order.
    pub briefs: Vec<usize>,
    pub depth: usize,
}

#[derive(Clone)]
pub struct BookBrief {
    /// Shared, so that copying a compiled book (as the server does for an edit) copies pointers.
    pub brief: Arc<Brief>,
    pub url: String,
    pub chapter: usize,
}

#[derive(Clone)]
pub struct Book {
    pub config: Config,
    pub cover: Section,
    /// Depth-first reading order.
    pub chapters: Vec<Chapter>,
    /// Reading order: each chapter's briefs, then its sub-chapters'.
    pub briefs: Vec<BookBrief>,
    pub sources: BTreeMap<String, Source>,
    pub brief_index: HashMap<String, usize>,
    /// Co-located and other content files with their output paths.
    pub assets: Vec<(FileRef, String)>,
}

/// What the parsed files of a book are, before assembly.
pub struct Parts {
    pub sections: Vec<Section>,
    /// Shared, so that the server can assemble a book again from the last one's briefs.
    pub briefs: Vec<Arc<Brief>>,
    pub registry_sources: Vec<Source>,
    pub assets: Vec<FileRef>,
    /// The static files, which co-located files may not land on.
    pub statics: Vec<FileRef>,
}

impl Book {
    /// Assembles the book; problems (missing chapters, URL clashes, conflicting sources) are reported.
    pub fn assemble(config: Config, parts: Parts, drafts: bool) -> (Book, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let Parts {
            sections,
            briefs,
            registry_sources,
            assets,
            statics,
        } = parts;
        let mut cover = None;
        let mut chapter_sections = Vec::new();
        let mut draft_dirs = Vec::new();
        for section in sections {
            if section.path == "_index.md" {
                cover = Some(section);
            } else if drafts || !section.header.draft {
                chapter_sections.push(section);
            } else {
                draft_dirs.push(section.path.trim_end_matches("_index.md").to_string());
            }
        }
        let cover = cover.unwrap_or_else(|| default_cover(&config));
        let mut chapters = build_chapters(chapter_sections, &mut diagnostics);
        // A draft bundle (`brief/index.md`) is left out with the files beside it.
        let draft_bundles = briefs
            .iter()
            .filter(|b| !drafts && b.header.draft)
            .filter_map(|b| b.path.strip_suffix("index.md"))
            .map(str::to_string);
        draft_dirs.extend(draft_bundles.collect::<Vec<_>>());
        let briefs: Vec<Arc<Brief>> = briefs
            .into_iter()
            .filter(|b| drafts || !b.header.draft)
            // A draft chapter is left out with everything in it.
            .filter(|b| {
                !draft_dirs
                    .iter()
                    .any(|dir| b.path.starts_with(dir.as_str()))
            })
            .collect();
        // Nor is a file of a draft published: a draft's attachments are as unfinished as it is.
        let assets: Vec<FileRef> = assets
            .into_iter()
            .filter(|a| !draft_dirs.iter().any(|dir| a.rel.starts_with(dir.as_str())))
            .collect();
        let book_briefs = place_briefs(briefs, &mut chapters, &mut diagnostics);
        order(&mut chapters, &book_briefs);
        let (chapters, briefs) = reading_order(chapters, book_briefs);
        check_urls(&chapters, &briefs, &mut diagnostics);
        let sources = registry(registry_sources, &briefs, &mut diagnostics);
        let brief_index = briefs
            .iter()
            .enumerate()
            .map(|(i, b)| (b.brief.path.clone(), i))
            .collect();
        let assets = place_assets(assets, &chapters, &briefs);
        let book = Book {
            config,
            cover,
            chapters,
            briefs,
            sources,
            brief_index,
            assets,
        };
        diagnostics.extend(crate::read::published::check(&book, &statics));
        (book, diagnostics)
    }

    pub fn brief(&self, path: &str) -> Option<&BookBrief> {
        self.brief_index.get(path).map(|&i| &self.briefs[i])
    }
}

fn default_cover(config: &Config) -> Section {
    Section {
        path: "_index.md".into(),
        file: SourceFile::new("content/_index.md", ""),
        header: PageHeader {
            title: config.title.clone(),
            summary: None,
            weight: None,
            draft: false,
            extra: serde_json::json!({}),
            body_offset: 0,
        },
    }
}

/// The folder a brief belongs to: `chips` for `chips/h20.md` and for `chips/h20/index.md`.
fn brief_dir(path: &str) -> &str {
    let path = path.strip_suffix("/index.md").unwrap_or(path);
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The URL segment of a brief: its slug, else its file or folder name, slugified.
fn brief_segment(brief: &Brief) -> String {
    if let Some(slug) = &brief.slug {
        return slug.clone();
    }
    let path = brief.path.strip_suffix("/index.md").unwrap_or(&brief.path);
    let name = path.rsplit('/').next().unwrap_or(path);
    slugify(name.strip_suffix(".md").unwrap_or(name))
}

/// The URL a brief at `path` (under `content/`) has when it gives no `slug`: its folders and its
/// file or folder name, slugified. What an old path of a renamed brief was published at.
pub fn path_url(path: &str) -> String {
    let dir = brief_dir(path);
    let path = path.strip_suffix("/index.md").unwrap_or(path);
    let name = path.rsplit('/').next().unwrap_or(path);
    let segment = slugify(name.strip_suffix(".md").unwrap_or(name));
    let folders = if dir.is_empty() {
        String::new()
    } else {
        dir_url(dir)
    };
    format!("{folders}{segment}/")
}

/// The URL a brief at `path` had with the `slug` it gave then.
pub fn slug_url(path: &str, slug: &str) -> String {
    let dir = brief_dir(path);
    let folders = if dir.is_empty() {
        String::new()
    } else {
        dir_url(dir)
    };
    format!("{folders}{}/", slugify(slug))
}

fn dir_url(dir: &str) -> String {
    dir.split('/').map(slugify).map(|s| s + "/").collect()
}

fn build_chapters(sections: Vec<Section>, diagnostics: &mut Vec<Diagnostic>) -> Vec<Chapter> {
    let mut chapters: Vec<Chapter> = sections
        .into_iter()
        .map(|section| {
            let dir = section
                .path
                .strip_suffix("/_index.md")
                .unwrap_or(&section.path)
                .to_string();
            let depth = dir.matches('/').count();
            Chapter {
                url: dir_url(&dir),
                dir,
                section,
                parent: None,
                children: Vec::new(),
                briefs: Vec::new(),
                depth,
            }
        })
        .collect();
    let index: HashMap<String, usize> = chapters
        .iter()
        .enumerate()
        .map(|(i, c)| (c.dir.clone(), i))
        .collect();
    for i in 0..chapters.len() {
        let dir = chapters[i].dir.clone();
        if let Some((parent_dir, _)) = dir.rsplit_once('/') {
            match index.get(parent_dir) {
                Some(&p) => {
                    chapters[i].parent = Some(p);
                    chapters[p].children.push(i);
                }
                None => {
                    diagnostics.push(missing_chapter(parent_dir, &chapters[i].section.file.path))
                }
            }
        }
        let folder = chapters[i].url.trim_end_matches('/');
        if chapters[i].depth == 0 && reserved_folders().any(|name| name == folder) {
            diagnostics.push(
                Diagnostic::error(
                    Code::ReservedUrl,
                    format!(
                        "the chapter folder `{dir}` would overwrite the book's own `{}` pages",
                        chapters[i].url
                    ),
                )
                .in_file(chapters[i].section.file.path.clone())
                .with_help(format!(
                    "rename the folder; these names are reserved: {}",
                    reserved_folders().collect::<Vec<_>>().join(", ")
                )),
            );
        }
    }
    chapters
}

fn missing_chapter(dir: &str, needed_by: &str) -> Diagnostic {
    Diagnostic::error(
        Code::MissingChapter,
        format!("content/{dir}/ has no _index.md, so it is not a chapter"),
    )
    .in_file(needed_by.to_string())
    .with_help(format!("create content/{dir}/_index.md with a `title`"))
}

fn place_briefs(
    briefs: Vec<Arc<Brief>>,
    chapters: &mut [Chapter],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<BookBrief> {
    let index: HashMap<String, usize> = chapters
        .iter()
        .enumerate()
        .map(|(i, c)| (c.dir.clone(), i))
        .collect();
    let mut placed = Vec::new();
    for brief in briefs {
        let dir = brief_dir(&brief.path);
        let Some(&chapter) = index.get(dir) else {
            diagnostics.push(if dir.is_empty() {
                Diagnostic::error(Code::NoChapter, "a brief must be inside a chapter folder")
                    .in_file(brief.file.path.clone())
                    .with_help(format!("move it to content/<chapter>/{}", brief.path))
            } else {
                missing_chapter(dir, &brief.file.path)
            });
            continue;
        };
        let url = format!("{}{}/", chapters[chapter].url, brief_segment(&brief));
        chapters[chapter].briefs.push(placed.len());
        placed.push(BookBrief {
            brief,
            url,
            chapter,
        });
    }
    placed
}

/// Chapters by weight then title; briefs by weight, then date (newest first), then title.
fn order(chapters: &mut [Chapter], briefs: &[BookBrief]) {
    let weight = |w: Option<i64>| w.unwrap_or(i64::MAX);
    let chapter_keys: Vec<(i64, String, String)> = chapters
        .iter()
        .map(|c| {
            (
                weight(c.section.header.weight),
                c.section.header.title.clone(),
                c.dir.clone(),
            )
        })
        .collect();
    for chapter in chapters.iter_mut() {
        chapter
            .children
            .sort_by(|&a, &b| chapter_keys[a].cmp(&chapter_keys[b]));
        chapter.briefs.sort_by(|&a, &b| {
            let (x, y) = (&briefs[a].brief, &briefs[b].brief);
            (
                weight(x.header.weight),
                std::cmp::Reverse(x.date),
                &x.header.title,
                &x.path,
            )
                .cmp(&(
                    weight(y.header.weight),
                    std::cmp::Reverse(y.date),
                    &y.header.title,
                    &y.path,
                ))
        });
    }
}

/// Renumbers chapters depth-first and briefs chapter by chapter, so vectors are in reading order.
fn reading_order(chapters: Vec<Chapter>, briefs: Vec<BookBrief>) -> (Vec<Chapter>, Vec<BookBrief>) {
    let keys: Vec<(i64, String, String)> = chapters
        .iter()
        .map(|c| {
            (
                c.section.header.weight.unwrap_or(i64::MAX),
                c.section.header.title.clone(),
                c.dir.clone(),
            )
        })
        .collect();
    let mut roots: Vec<usize> = (0..chapters.len())
        .filter(|&i| chapters[i].parent.is_none())
        .collect();
    roots.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let mut chapter_order = Vec::new();
    let mut stack: Vec<usize> = roots.into_iter().rev().collect();
    while let Some(i) = stack.pop() {
        chapter_order.push(i);
        stack.extend(chapters[i].children.iter().rev());
    }
    let mut new_chapter = vec![usize::MAX; chapters.len()];
    for (new, &old) in chapter_order.iter().enumerate() {
        new_chapter[old] = new;
    }
    let brief_order: Vec<usize> = chapter_order
        .iter()
        .flat_map(|&c| chapters[c].briefs.clone())
        .collect();
    let mut new_brief = vec![usize::MAX; briefs.len()];
    for (new, &old) in brief_order.iter().enumerate() {
        new_brief[old] = new;
    }
    let mut old_chapters: Vec<Option<Chapter>> = chapters.into_iter().map(Some).collect();
    let mut old_briefs: Vec<Option<BookBrief>> = briefs.into_iter().map(Some).collect();
    let chapters = chapter_order
        .iter()
        .map(|&old| {
            let mut c = old_chapters[old].take().expect("each chapter once");
            c.parent = c.parent.map(|p| new_chapter[p]);
            c.children = c.children.iter().map(|&k| new_chapter[k]).collect();
            c.briefs = c.briefs.iter().map(|&b| new_brief[b]).collect();
            c
        })
        .collect();
    let briefs = brief_order
        .iter()
        .map(|&old| {
            let mut b = old_briefs[old].take().expect("each brief once");
            b.chapter = new_chapter[b.chapter];
            b
        })
        .collect();
    (chapters, briefs)
}

/// Two pages may not land on one URL, and an alias (an old URL that redirects) may not take a
/// page's URL, another alias's, or a folder the generator writes.
fn check_urls(chapters: &[Chapter], briefs: &[BookBrief], diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    let pages = chapters
        .iter()
        .map(|c| (c.url.as_str(), c.section.file.path.as_str()))
        .chain(
            briefs
                .iter()
                .map(|b| (b.url.as_str(), b.brief.file.path.as_str())),
        );
    for (url, file) in pages {
        if let Some(first) = seen.insert(url, file) {
            diagnostics.push(
                Diagnostic::error(
                    Code::UrlCollision,
                    format!("this page and {first} would both be written to {url}"),
                )
                .in_file(file.to_string())
                .with_help("rename one of the files or give one a different `slug`"),
            );
        }
    }
    for b in briefs {
        for alias in &b.brief.aliases {
            let url = alias.value.as_str();
            let place = |d: Diagnostic| d.at(&b.brief.file, alias.offset);
            let top = url.split('/').next().unwrap_or_default();
            if reserved_folders().any(|name| name == top) {
                let d = Diagnostic::error(
                    Code::ReservedUrl,
                    format!("the alias {url} lies in the book's own `{top}/` pages"),
                );
                diagnostics
                    .push(place(d).with_help("aliases name old pages of briefs or chapters"));
            } else if crate::read::published::is_generated_file(url.trim_end_matches('/')) {
                let d = Diagnostic::error(
                    Code::ReservedUrl,
                    format!("the alias {url} is a file the generator writes"),
                );
                diagnostics
                    .push(place(d).with_help("aliases name old pages of briefs or chapters"));
            } else if let Some(first) = seen.insert(url, &b.brief.file.path) {
                let d = Diagnostic::error(
                    Code::UrlCollision,
                    format!("the alias {url} is also the URL or an alias of {first}"),
                );
                diagnostics.push(place(d).with_help("an old URL can redirect to one page only"));
            }
        }
    }
}

/// Merges sources.toml and the briefs' own sources: identical duplicates are one source.
fn registry(
    from_file: Vec<Source>,
    briefs: &[BookBrief],
    diagnostics: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Source> {
    let mut by_path: Vec<&BookBrief> = briefs.iter().collect();
    by_path.sort_by(|a, b| a.brief.path.cmp(&b.brief.path));
    let inline = by_path
        .into_iter()
        .flat_map(|b| b.brief.sources.iter().cloned());
    let mut sources: BTreeMap<String, Source> = BTreeMap::new();
    for source in from_file.into_iter().chain(inline) {
        match sources.get(&source.id) {
            None => {
                sources.insert(source.id.clone(), source);
            }
            Some(first) if first.same_fields(&source) => {}
            Some(first) => diagnostics.push(
                source.origin.locate(
                    Diagnostic::error(
                        Code::SourceConflict,
                        format!(
                            "the source `{}` is defined differently at {}",
                            source.id,
                            first.origin.display()
                        ),
                    )
                    .with_help("make both definitions identical, or give this source another id"),
                ),
            ),
        }
    }
    sources
}

fn place_assets(
    assets: Vec<FileRef>,
    chapters: &[Chapter],
    briefs: &[BookBrief],
) -> Vec<(FileRef, String)> {
    let bundles: HashMap<&str, &str> = briefs
        .iter()
        .filter_map(|b| Some((b.brief.path.strip_suffix("/index.md")?, b.url.as_str())))
        .collect();
    let chapter_urls: HashMap<&str, &str> = chapters
        .iter()
        .map(|c| (c.dir.as_str(), c.url.as_str()))
        .collect();
    assets
        .into_iter()
        .map(|asset| {
            let dest = destination(&asset.rel, &bundles, &chapter_urls);
            (asset, dest)
        })
        .collect()
}

/// Where a content file is copied: beside its brief's page, or under its chapter's URL.
fn destination(rel: &str, bundles: &HashMap<&str, &str>, chapters: &HashMap<&str, &str>) -> String {
    let mut dir = rel;
    while let Some((parent, _)) = dir.rsplit_once('/') {
        if let Some(url) = bundles.get(parent) {
            return format!("{url}{}", &rel[parent.len() + 1..]);
        }
        if let Some(url) = chapters.get(parent) {
            return format!("{url}{}", &rel[parent.len() + 1..]);
        }
        dir = parent;
    }
    rel.to_string()
}
