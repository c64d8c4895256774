//! The book-wide pages the generator writes at the site's root, in one table: their folders are
//! reserved for chapters, and navigation, the sitemap, rendering and the docs derive from it.

/// A page of the whole book at `<name>/index.html`, rendered by `<name>.html` with `kind` set to
/// its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexPage {
    Sources,
    Claims,
    Facts,
    Tags,
    Search,
    Method,
    Print,
    Changes,
}

impl IndexPage {
    /// Every index page, in the order of the navigation and the sitemap.
    pub const ALL: &'static [IndexPage] = &[
        IndexPage::Sources,
        IndexPage::Claims,
        IndexPage::Facts,
        IndexPage::Tags,
        IndexPage::Search,
        IndexPage::Method,
        IndexPage::Print,
        IndexPage::Changes,
    ];

    /// The folder, the template's stem and the page's `kind`.
    pub fn name(self) -> &'static str {
        match self {
            IndexPage::Sources => "sources",
            IndexPage::Claims => "claims",
            IndexPage::Facts => "facts",
            IndexPage::Tags => "tags",
            IndexPage::Search => "search",
            IndexPage::Method => "method",
            IndexPage::Print => "print",
            IndexPage::Changes => "changes",
        }
    }

    /// The page's title.
    pub fn title(self) -> &'static str {
        match self {
            IndexPage::Sources => "Citation index",
            IndexPage::Claims => "Claims",
            IndexPage::Facts => "Facts",
            IndexPage::Tags => "Tags",
            IndexPage::Search => "Search",
            IndexPage::Method => "Method",
            IndexPage::Print => "Print edition",
            IndexPage::Changes => "What changed",
        }
    }

    /// Whether a build makes it: every index page but the changes page, which is made only
    /// with `--changes-since` (`with_changes`).
    pub fn made(self, with_changes: bool) -> bool {
        self != IndexPage::Changes || with_changes
    }

    /// What the navigation calls it, when it lists it (and the build `made` it). Search has
    /// its own form in the header.
    pub fn nav_label(self) -> Option<&'static str> {
        match self {
            IndexPage::Sources => Some("Sources"),
            IndexPage::Search => None,
            page => Some(page.title()),
        }
    }

    /// Whether the sitemap lists it (when the build `made` it): not search, a form rather
    /// than content.
    pub fn in_sitemap(self) -> bool {
        self != IndexPage::Search
    }

    /// Its URL relative to the site root: `sources/`.
    pub fn url(self) -> String {
        format!("{}/", self.name())
    }

    /// Its template: `sources.html`.
    pub fn template(self) -> String {
        format!("{}.html", self.name())
    }
}

/// The folders at the site's root that the generator writes: the index pages and `data/`. A
/// top-level chapter may not take them.
pub fn reserved_folders() -> impl Iterator<Item = &'static str> {
    IndexPage::ALL
        .iter()
        .map(|page| page.name())
        .chain(std::iter::once("data"))
}
