//! The default theme, built into the binary; a book's theme and `templates/` override it by file.

/// Templates of the default theme, by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../themes/default/templates/base.html"),
    ),
    (
        "macros.html",
        include_str!("../themes/default/templates/macros.html"),
    ),
    (
        "cover.html",
        include_str!("../themes/default/templates/cover.html"),
    ),
    (
        "chapter.html",
        include_str!("../themes/default/templates/chapter.html"),
    ),
    (
        "brief.html",
        include_str!("../themes/default/templates/brief.html"),
    ),
    (
        "404.html",
        include_str!("../themes/default/templates/404.html"),
    ),
];

/// Static files of the default theme, by path under the output root.
pub const STATIC: &[(&str, &str)] = &[(
    "style.css",
    include_str!("../themes/default/static/style.css"),
)];
