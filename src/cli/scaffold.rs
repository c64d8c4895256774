//! `briefbook new` and `briefbook init`: files an editor starts from, written without ever
//! overwriting one.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::text::slugify;

/// A file to create, relative to the book root.
pub struct NewFile {
    pub path: PathBuf,
    pub text: String,
}

/// The files of a new brief `<chapter>/<slug>`: an `_index.md` for each level of the chapter
/// that has none, then the brief. Refused, writing nothing, when the build would refuse the
/// result: a name that is not a slug, a top-level chapter named like one of the book's own
/// pages, or a brief or chapter whose URL another file already takes.
pub fn new_brief(
    root: &Path,
    target: &str,
    title: Option<&str>,
    today: &str,
) -> Result<Vec<NewFile>, Diagnostic> {
    let (chapter, slug) = target.trim_matches('/').rsplit_once('/').ok_or_else(|| {
        usage(format!(
            "`{target}` is not <chapter>/<slug>; for example `chips/h20-demand`"
        ))
    })?;
    let levels: Vec<&str> = chapter.split('/').collect();
    for segment in levels.iter().chain([&slug]) {
        if segment.is_empty() || slugify(segment) != *segment {
            return Err(usage(format!("`{segment}` is not a slug: use lowercase letters, digits and hyphens, for example `{}`", slugify(segment))));
        }
    }
    refuse_reserved(levels[0], slug)?;
    let content = root.join("content");
    for depth in 1..=levels.len() {
        refuse_taken_chapter(&content, &levels[..depth].join("/"))?;
    }
    refuse_taken_brief(&content, chapter, slug)?;
    let title = title
        .map(str::to_string)
        .unwrap_or_else(|| title_from_slug(slug));
    let mut files = missing_chapter_pages(&content, &levels);
    files.push(NewFile {
        path: PathBuf::from("content")
            .join(chapter)
            .join(format!("{slug}.md")),
        text: brief_text(&title, today, prefers_yaml(&content)),
    });
    Ok(files)
}

fn usage(message: String) -> Diagnostic {
    Diagnostic::error(Code::Usage, message)
}

/// A top-level chapter may not take the name of a folder the build writes (`sources/`,
/// `data/`, ...), and `index` is no brief's name: `index.md` makes its folder a brief.
fn refuse_reserved(top: &str, slug: &str) -> Result<(), Diagnostic> {
    if crate::model::index_pages::reserved_folders().any(|name| name == top) {
        return Err(usage(format!(
            "a top-level chapter cannot be called `{top}`: the book's own {top}/ pages are there"
        ))
        .with_help("choose another name, or put the brief in a chapter below it"));
    }
    if slug == "index" {
        return Err(usage(
            "`index` is not a brief's name: `index.md` makes its folder a brief of its own".into(),
        ));
    }
    Ok(())
}

/// Refuses a chapter level (`chips/h20`) whose URL a brief takes (`chips/h20.md`, or a folder
/// holding `index.md`), or where a file stands.
fn refuse_taken_chapter(content: &Path, level: &str) -> Result<(), Diagnostic> {
    let folder = content.join(level);
    let file_in_the_way = folder.exists() && !folder.is_dir();
    let taken = [format!("{level}.md"), format!("{level}/index.md")]
        .into_iter()
        .find(|path| content.join(path).exists())
        .or_else(|| file_in_the_way.then(|| level.to_string()));
    let Some(path) = taken else {
        return Ok(());
    };
    let what = if path.ends_with(".md") {
        "a brief"
    } else {
        "a file"
    };
    Err(usage(format!(
        "content/{path} is {what}, so content/{level}/ cannot be a chapter"
    ))
    .with_help("choose another chapter"))
}

/// Refuses a brief whose file exists, or whose URL a folder of the same name takes (a chapter,
/// or a brief with its own files).
fn refuse_taken_brief(content: &Path, chapter: &str, slug: &str) -> Result<(), Diagnostic> {
    let file = format!("{chapter}/{slug}.md");
    if content.join(&file).exists() {
        return Err(usage(format!(
            "content/{file} already exists; briefbook never overwrites a file"
        )));
    }
    let folder = format!("{chapter}/{slug}");
    if content.join(&folder).exists() {
        return Err(usage(format!(
            "content/{folder} already exists, and a brief {folder}.md would share its URL {folder}/"
        ))
        .with_help("choose another name for the brief"));
    }
    Ok(())
}

/// An `_index.md` for each level of `levels` that has none, from the top down.
fn missing_chapter_pages(content: &Path, levels: &[&str]) -> Vec<NewFile> {
    (1..=levels.len())
        .map(|depth| levels[..depth].join("/"))
        .filter(|level| !content.join(level).join("_index.md").exists())
        .map(|level| {
            let name = level.rsplit('/').next().unwrap_or(&level);
            NewFile {
                path: PathBuf::from("content").join(&level).join("_index.md"),
                text: format!(
                    "+++\ntitle = {}\n+++\n",
                    toml_string(&title_from_slug(name))
                ),
            }
        })
        .collect()
}

/// `h20-demand` → `H20 demand`.
fn title_from_slug(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// Whether most existing briefs use YAML front matter (TOML otherwise, and by default).
fn prefers_yaml(content: &Path) -> bool {
    let (mut yaml, mut toml) = (0, 0);
    for entry in walkdir::WalkDir::new(content)
        .into_iter()
        .filter_map(Result::ok)
    {
        // Briefs only: chapters' `_index.md` files say nothing about the editors' choice.
        if entry.path().extension().is_some_and(|e| e == "md") && entry.file_name() != "_index.md" {
            match std::fs::read(entry.path())
                .ok()
                .as_deref()
                .map(|b| b.starts_with(b"---"))
            {
                Some(true) => yaml += 1,
                Some(false) => toml += 1,
                None => {}
            }
        }
    }
    yaml > toml
}

/// `s` as a TOML basic string: quotes and backslashes escaped, and every control character
/// (a newline would end the front matter early; TOML allows none in a basic string).
fn toml_string(s: &str) -> String {
    quoted(s, |c| c.is_control())
}

/// `s` as a YAML double-quoted string, with every character YAML does not print escaped.
fn yaml_string(s: &str) -> String {
    quoted(s, |c| {
        c.is_control()
            || matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            )
    })
}

/// `s` in double quotes, with `"` and `\` escaped and the characters `escape` picks written as
/// `\uXXXX`, which TOML and YAML read alike.
fn quoted(s: &str, escape: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if escape(c) => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn brief_text(title: &str, today: &str, yaml: bool) -> String {
    if yaml {
        let title = yaml_string(title);
        return format!(
            "---\ntitle: {title}\ndate: {today}\nsummary: \"\"\n# tags: [export controls]\n# sources:\n#   - id: publisher-2025\n#     title: \"The report's title\"\n#     date: {today}\n#     url: https://example.org/report\n# claims:\n#   - id: main-claim\n#     text: \"One sentence someone asserts.\"\n#     attributed_to: \"Who says so\"\n#     sources: [publisher-2025]\n#     confidence: moderate\n# facts:\n#   - subject: \"Huawei\"\n#     metric: \"AI chip shipments\"\n#     value: 700000\n#     unit: units\n#     as_of: \"2025\"\n#     source: publisher-2025\n---\n\nWrite the brief here. Cite a source like this: `[@publisher-2025]`.\n"
        );
    }
    let title = toml_string(title);
    format!(
        "+++\ntitle = {title}\ndate = \"{today}\"\nsummary = \"\"\n# tags = [\"export controls\"]\n\n# [[sources]]\n# id = \"publisher-2025\"\n# title = \"The report's title\"\n# date = \"{today}\"\n# url = \"https://example.org/report\"\n\n# [[claims]]\n# id = \"main-claim\"\n# text = \"One sentence someone asserts.\"\n# attributed_to = \"Who says so\"\n# sources = [\"publisher-2025\"]\n# confidence = \"moderate\"\n\n# [[facts]]\n# subject = \"Huawei\"\n# metric = \"AI chip shipments\"\n# value = 700000\n# unit = \"units\"\n# as_of = \"2025\"\n# source = \"publisher-2025\"\n+++\n\nWrite the brief here. Cite a source like this: `[@publisher-2025]`.\n"
    )
}

/// Keeps the site out of git, and everything builds keep beside it: the last site but one, the
/// fingerprints, the lock, and what an interrupted build leaves (`src/output/place.rs`); and
/// the link checker's cache (`check --links`).
const GITIGNORE: &str =
    "# The built site, and what briefbook keeps beside it.\n/public\n/.public.briefbook-*\n\
     # What `check --links` found, kept for a day.\n/.briefbook-cache/\n";

/// The files of a new book, dated `today`.
pub fn init_files(today: &str) -> Vec<NewFile> {
    let file = |path: &str, text: String| NewFile {
        path: PathBuf::from(path),
        text,
    };
    vec![
        file("site.toml", "title = \"A new briefing book\"\nbase_url = \"https://example.org/\"\ndescription = \"\"\n\n[markdown]\nhighlight_theme = \"InspiredGitHub\"\n".into()),
        file(".gitignore", GITIGNORE.into()),
        file("content/_index.md", "+++\ntitle = \"A new briefing book\"\nsummary = \"What this book is for, in one or two sentences.\"\n+++\n\nAn introduction for readers: what the book covers and how to read it.\n".into()),
        file("content/sources.toml", format!("[[source]]\nid = \"example-report\"\ntitle = \"An example report\"\npublisher = \"Example Institute\"\ndate = \"{today}\"\nurl = \"https://example.org/report\"\nkind = \"report\"\nreliability = \"B\"\n")),
        file("content/first-chapter/_index.md", "+++\ntitle = \"First chapter\"\nsummary = \"What the briefs of this chapter cover.\"\n+++\n".into()),
        file(
            "content/first-chapter/first-brief.md",
            format!("+++\ntitle = \"A first brief\"\ndate = \"{today}\"\nsummary = \"The bottom line of this brief, up front.\"\ntags = [\"example\"]\n\n[[claims]]\nid = \"main-finding\"\ntext = \"The example report finds that briefs are easier to trust with their sources shown.\"\nattributed_to = \"Example Institute\"\nsources = [\"example-report\"]\nconfidence = \"moderate\"\n\n[[facts]]\nid = \"briefs\"\nsubject = \"This book\"\nmetric = \"Briefs\"\nvalue = 1\nunit = \"brief\"\nas_of = \"{today}\"\nsource = \"example-report\"\n+++\n\n## What we know\n\nState the finding and cite it [@example-report].\n"),
        ),
    ]
}

/// Writes `files` under `root`, each whole to a temporary file renamed into place, never
/// replacing one that exists. On any failure what this call wrote is removed again, so the
/// book is left as it was.
pub fn write_new(root: &Path, files: &[NewFile]) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut made = Made::default();
    for f in files {
        if let Err(d) = made.file(root, f) {
            made.undo();
            return Err(d);
        }
    }
    Ok(files.iter().map(|f| f.path.clone()).collect())
}

/// The files and folders one `write_new` made, to remove if a later one fails.
#[derive(Default)]
struct Made {
    files: Vec<PathBuf>,
    folders: Vec<PathBuf>,
}

impl Made {
    fn file(&mut self, root: &Path, f: &NewFile) -> Result<(), Diagnostic> {
        let path = root.join(&f.path);
        if let Some(dir) = path.parent() {
            let missing: Vec<PathBuf> = dir
                .ancestors()
                .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
                .map(Path::to_path_buf)
                .collect();
            std::fs::create_dir_all(dir).map_err(|e| {
                Diagnostic::error(Code::Io, format!("cannot create {}: {e}", dir.display()))
            })?;
            // Deepest last, so that undoing removes them deepest first.
            self.folders.extend(missing.into_iter().rev());
        }
        crate::output::book_file::create_new(&path, f.text.as_bytes()).map_err(|e| {
            let message = if e.kind() == std::io::ErrorKind::AlreadyExists {
                format!(
                    "{} already exists; briefbook never overwrites a file",
                    path.display()
                )
            } else {
                format!("cannot write {}: {e}; nothing was written", path.display())
            };
            Diagnostic::error(Code::Io, message)
        })?;
        self.files.push(path);
        Ok(())
    }

    fn undo(self) {
        for file in &self.files {
            let _ = std::fs::remove_file(file);
        }
        for folder in self.folders.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
    }
}
