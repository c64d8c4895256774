//! The edition a PDF states and is dated by: in git, the last commit's date and short hash;
//! else the date of the latest brief. Never the clock, so one book gives one file.

use typst::foundations::Datetime;

use crate::model::date::PartialDate;
use crate::read::book::Book;
use crate::read::history::History;

pub struct Edition {
    /// As the title page shows it: `17 August 2025` or `17 August 2025 · 1a2b3c4`.
    pub shown: String,
    /// The day the document is dated (the PDF's creation and modification dates).
    pub ymd: (i16, i8, i8),
    /// The authors of the book's briefs, each once, in reading order.
    pub authors: Vec<String>,
}

impl Edition {
    pub fn of(book: &Book, history: &History) -> Edition {
        let latest_brief = book
            .briefs
            .iter()
            .map(|b| b.brief.updated.unwrap_or(b.brief.date))
            .max_by_key(PartialDate::first_day);
        let (date, shown) = match &history.head {
            Some(head) => {
                let last_commit = history
                    .revisions
                    .values()
                    .filter_map(|revisions| revisions.first())
                    .map(|r| r.date)
                    .max_by_key(PartialDate::first_day)
                    .or(latest_brief);
                let day = last_commit.map_or_else(|| "undated".to_string(), |d| d.human());
                let dirty = if head.dirty {
                    " (with uncommitted changes)"
                } else {
                    ""
                };
                (last_commit, format!("{day} · {}{dirty}", head.short))
            }
            None => (
                latest_brief,
                latest_brief.map_or_else(|| "undated".to_string(), |d| d.human()),
            ),
        };
        // An undated book is dated by a fixed day, never by today.
        let day = date.map_or(jiff::civil::date(2000, 1, 1), |d| d.first_day());
        let mut seen = std::collections::HashSet::new();
        let authors = book
            .briefs
            .iter()
            .flat_map(|b| &b.brief.authors)
            .filter(|a| seen.insert(a.as_str()))
            .cloned()
            .collect();
        Edition {
            shown,
            ymd: (day.year(), day.month(), day.day()),
            authors,
        }
    }

    pub fn datetime(&self) -> Datetime {
        let (y, m, d) = self.ymd;
        Datetime::from_ymd_hms(i32::from(y), m as u8, d as u8, 0, 0, 0)
            .unwrap_or(Datetime::from_ymd(2000, 1, 1).expect("a valid day"))
    }
}
