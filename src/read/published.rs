//! What the book publishes besides its pages, checked before anything is written: co-located
//! files a browser would run, files that would land where another file goes, and URL segments
//! longer than a file name may be. `check` finds all of it, as `build` would.

use std::collections::HashMap;
use std::fmt;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::index_pages::IndexPage;
use crate::read::book::Book;
use crate::read::load::FileRef;
use crate::text::slugify;

/// Extensions of files that run script when a browser opens them from a site: HTML, documents
/// a browser renders as XML (where XHTML `<script>` and XSLT run), SVG, and JavaScript.
/// Compared without regard to case.
pub const SCRIPT_EXTENSIONS: &[&str] = &[
    "html", "htm", "shtml", "xhtml", "xht", "xml", "xsl", "xslt", "rss", "atom", "rdf", "svg",
    "svgz", "js", "mjs", "cjs",
];

/// The files the generator writes at fixed paths, whatever the book holds.
const FIXED: &[(&str, &str)] = &[
    ("index.html", "the cover"),
    ("404.html", "the not-found page"),
    ("atom.xml", "the feed"),
    ("sitemap.xml", "the sitemap"),
    ("search_index.js", "the search index"),
    ("toc.js", "the sidebar's tree of chapters and briefs"),
    ("data/book.json", "the book's data"),
    ("data/facts.csv", "the book's facts"),
    ("data/sources.json", "the book's sources as CSL-JSON"),
];

/// Whether `path` (no leading or trailing slash) is a file the generator or the theme writes,
/// where no folder can be (an alias `index.html/` would need one).
pub fn is_generated_file(path: &str) -> bool {
    FIXED.iter().any(|(fixed, _)| *fixed == path)
        || THEME_FILES.contains(&path)
        || path == "highlight.css"
        || path == "book.pdf"
}

/// The built-in theme's static files. A book's `static/` may replace them (that is how a book
/// restyles); a co-located file may not. `tests/inputs.rs` keeps this list to the theme's.
pub const THEME_FILES: &[&str] = &["style.css", "search.js", "sidebar.js"];

/// The longest file or folder name most file systems allow, in bytes.
const NAME_MAX: usize = 255;

/// Who puts a file at a path of the site.
#[derive(Clone, Copy)]
pub enum Owner<'a> {
    Generator(&'static str),
    Page(&'a str),
    IndexPage(&'static str),
    Tag(&'a str),
    File(&'a str),
}

impl fmt::Display for Owner<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Owner::Generator(what) => f.write_str(what),
            Owner::Page(file) => write!(f, "the page of {file}"),
            Owner::IndexPage(name) => write!(f, "the book's {name} page"),
            Owner::Tag(name) => write!(f, "the page of the tag `{name}`"),
            Owner::File(shown) => f.write_str(shown),
        }
    }
}

/// Every problem with what the book publishes besides its pages' content.
pub fn check(book: &Book, statics: &[FileRef]) -> Vec<Diagnostic> {
    let mut problems = script_files(book);
    problems.extend(long_names(book));
    problems.extend(collisions(book, statics));
    problems
}

/// Whether a browser would run script from the file at `path`.
pub fn runs_script(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').is_some_and(|(_, extension)| {
        SCRIPT_EXTENSIONS
            .iter()
            .any(|e| e.eq_ignore_ascii_case(extension))
    })
}

/// Co-located files a browser would run: an editor could publish script through them as
/// through raw HTML, so they need the same trust (`allow_raw_html`). `static/` is the site
/// owner's and copied as it is.
fn script_files(book: &Book) -> Vec<Diagnostic> {
    if book.config.allow_raw_html {
        return Vec::new();
    }
    book.assets
        .iter()
        .filter(|(file, _)| runs_script(&file.rel))
        .map(|(file, _)| {
            let extension = file.rel.rsplit_once('.').map_or("", |(_, e)| e);
            Diagnostic::error(
                Code::UnsafeFile,
                format!(
                    "a browser runs the script a `.{extension}` file may hold, and editors may \
                     not publish script"
                ),
            )
            .in_file(file.shown.clone())
            .with_help(
                "remove or convert it (an image to PNG, a page to Markdown); put it in static/ \
                 if the site's owner vouches for it; or set `[markdown] allow_raw_html = true` \
                 to trust the book's editors with script",
            )
        })
        .collect()
}

/// URL segments longer than a file name may be: the folder a page is written to would fail
/// the build. Each page answers for the segment it adds; its children inherit it.
fn long_names(book: &Book) -> Vec<Diagnostic> {
    let too_long = |url: &str| {
        let segment = url.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        (segment.len() > NAME_MAX).then_some(segment.len())
    };
    let pages = book
        .chapters
        .iter()
        .map(|c| (c.url.as_str(), &c.section.file.path, "folder name"))
        .chain(
            book.briefs
                .iter()
                .map(|b| (b.url.as_str(), &b.brief.file.path, "file name or `slug`")),
        );
    let mut problems: Vec<Diagnostic> = pages
        .filter_map(|(url, file, what)| {
            let length = too_long(url)?;
            Some(long_name(file, length, &format!("shorten the {what}")))
        })
        .collect();
    for b in &book.briefs {
        for tag in &b.brief.tags {
            if let Some(length) = too_long(&slugify(tag)) {
                let help = format!("shorten the tag `{}…`", prefix(tag, 40));
                problems.push(long_name(&b.brief.file.path, length, &help));
            }
        }
    }
    problems
}

fn long_name(file: &str, length: usize, help: &str) -> Diagnostic {
    Diagnostic::error(
        Code::InvalidSlug,
        format!("the URL segment made from this name is {length} bytes; a file name may have {NAME_MAX}"),
    )
    .in_file(file.to_string())
    .with_help(help.to_string())
}

/// The first `chars` characters of `text`.
fn prefix(text: &str, chars: usize) -> &str {
    text.char_indices()
        .nth(chars)
        .map_or(text, |(i, _)| &text[..i])
}

/// Every path the generator writes from the book, with what it writes there: pages, index
/// and tag pages, data files. The theme's static files are in `THEME_FILES`.
pub fn generated(book: &Book) -> HashMap<String, Owner<'_>> {
    let mut paths: HashMap<String, Owner> = FIXED
        .iter()
        .map(|(path, what)| (path.to_string(), Owner::Generator(what)))
        .collect();
    if book.config.highlight_theme == "css" {
        let stylesheet = Owner::Generator("the highlighting stylesheet");
        paths.insert("highlight.css".into(), stylesheet);
    }
    for page in IndexPage::ALL {
        let owner = Owner::IndexPage(page.name());
        paths.insert(format!("{}index.html", page.url()), owner);
    }
    for chapter in &book.chapters {
        let owner = Owner::Page(&chapter.section.file.path);
        paths.insert(format!("{}index.html", chapter.url), owner);
    }
    for b in &book.briefs {
        paths.insert(
            format!("{}index.html", b.url),
            Owner::Page(&b.brief.file.path),
        );
        for tag in &b.brief.tags {
            let path = format!("tags/{}/index.html", slugify(tag));
            paths.entry(path).or_insert(Owner::Tag(tag));
        }
        for alias in &b.brief.aliases {
            let path = format!("{}index.html", alias.value);
            paths.entry(path).or_insert(Owner::Page(&b.brief.file.path));
        }
    }
    paths
}

/// Every path of the site (`chips/h20/index.html`, `static.css`, `chips/h20/map.png`): the
/// pages, the generator's files, the theme's, the static and the co-located files.
pub fn site_paths(book: &Book, statics: &[FileRef]) -> std::collections::HashSet<String> {
    let mut paths: std::collections::HashSet<String> = generated(book).into_keys().collect();
    paths.extend(THEME_FILES.iter().map(|p| p.to_string()));
    paths.extend(statics.iter().map(|f| f.rel.clone()));
    paths.extend(book.assets.iter().map(|(_, path)| path.clone()));
    paths
}

/// Static and co-located files that would land where the generator or another file writes
/// (a later one would replace the earlier, or a file would stand where a folder must be).
fn collisions(book: &Book, statics: &[FileRef]) -> Vec<Diagnostic> {
    let mut taken = generated(book);
    let mut problems = Vec::new();
    for file in statics {
        claim(&mut taken, &file.rel, file, &mut problems);
    }
    for path in THEME_FILES {
        taken
            .entry(path.to_string())
            .or_insert(Owner::Generator(theme_file(path)));
    }
    for (file, path) in &book.assets {
        claim(&mut taken, path, file, &mut problems);
    }
    problems.extend(files_where_folders_go(&taken, statics, book));
    problems
}

/// Takes `path` for `file`, unless another has it.
fn claim<'a>(
    taken: &mut HashMap<String, Owner<'a>>,
    path: &str,
    file: &'a FileRef,
    problems: &mut Vec<Diagnostic>,
) {
    match taken.get(path) {
        Some(other) => problems.push(collision(file, path, &other.to_string())),
        None => {
            taken.insert(path.to_string(), Owner::File(&file.shown));
        }
    }
}

fn theme_file(path: &str) -> &'static str {
    match path {
        "style.css" => "the theme's style.css",
        _ => "the theme's search.js",
    }
}

/// A copied file at a path that is a folder of another path of the site.
fn files_where_folders_go(
    taken: &HashMap<String, Owner<'_>>,
    statics: &[FileRef],
    book: &Book,
) -> Vec<Diagnostic> {
    let mut folders: HashMap<&str, &str> = HashMap::new();
    for path in taken.keys() {
        let mut rest = path.as_str();
        while let Some((folder, _)) = rest.rsplit_once('/') {
            // The first path in byte order names the folder, so that messages are stable.
            let named = folders.entry(folder).or_insert(path);
            if path.as_str() < *named {
                *named = path;
            }
            rest = folder;
        }
    }
    let copied = statics
        .iter()
        .map(|f| (f, f.rel.as_str()))
        .chain(book.assets.iter().map(|(f, path)| (f, path.as_str())));
    copied
        .filter_map(|(file, path)| {
            let inside = folders.get(path)?;
            let what = format!("the folder of {} ({})", inside, taken[*inside]);
            Some(collision(file, path, &what))
        })
        .collect()
}

fn collision(file: &FileRef, path: &str, other: &str) -> Diagnostic {
    Diagnostic::error(
        Code::FileCollision,
        format!("this file and {other} would both be published at `{path}`"),
    )
    .in_file(file.shown.clone())
    .with_help(
        "rename or move the file: one path holds one file (to change a page the generator \
         writes, override its template in templates/)",
    )
}
