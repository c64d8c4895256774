//! Dates as reference managers write them (EDTF and BibLaTeX ranges, uncertain and
//! approximate dates, date-times, seasons, free text with a year in it, CSL `date-parts`) made
//! into the book's partial dates, saying what was given up.

use serde_json::Value;

use crate::model::date::PartialDate;

/// A date the book accepts, and what was changed to get it (`None`: nothing a reader loses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dated {
    pub date: PartialDate,
    pub change: Option<String>,
}

impl Dated {
    fn with(mut self, change: Option<String>) -> Self {
        if self.change.is_none() {
            self.change = change;
        }
        self
    }
}

/// A date written as text: `2025-08-17`, `2025-08`, `2025`, `1970/1980`, `199u`, `1273?~`,
/// `2021-04-08T00:39:34Z`, `c. 1850`, `May 2019`. Fails on text without a year (`Forthcoming`).
pub fn from_text(raw: &str) -> Result<Dated, String> {
    let text = raw
        .trim()
        .trim_matches(['[', ']'])
        .trim()
        .trim_end_matches('.');
    if text.is_empty() {
        return Err("the date is empty".into());
    }
    if text.starts_with('-') || text.starts_with("Y-") {
        return Err(format!(
            "`{raw}` is before the year 1, which the book cannot hold"
        ));
    }
    let mut change = None;
    let mut text = text.to_string();
    if let Some((start, end)) = text.split_once('/') {
        let pick = if start.trim().is_empty() || start.trim() == ".." {
            end
        } else {
            start
        };
        change = Some(format!("the range `{raw}` is kept as its start"));
        text = pick.trim().to_string();
    }
    // A date-time keeps its date: the book's dates have no time of day.
    if let Some(at) = text
        .find('T')
        .filter(|_| text.starts_with(|c: char| c.is_ascii_digit()))
    {
        text.truncate(at);
    }
    if text.contains(['?', '~', '%']) {
        change.get_or_insert_with(|| {
            format!("`{raw}` is uncertain or approximate; kept as a plain date")
        });
        text.retain(|c| !matches!(c, '?' | '~' | '%'));
    }
    match edtf(&text) {
        Some(Ok(dated)) => Ok(dated.with(change)),
        Some(Err(message)) => Err(message),
        None => in_free_text(&text, raw).map(|d| d.with(change)),
    }
}

/// `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (with `u`/`X` for unspecified digits, months 21–24 for
/// seasons); `None` when the text has another shape.
fn edtf(text: &str) -> Option<Result<Dated, String>> {
    let parts: Vec<&str> = text.split('-').collect();
    let ok_shape = !parts.is_empty()
        && parts.len() <= 3
        && parts[0].len() == 4
        && parts[1..].iter().all(|p| (1..=2).contains(&p.len()))
        && parts.iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, 'u' | 'X' | 'x'))
        });
    if !ok_shape {
        return None;
    }
    let mut change = None;
    let year_text = parts[0];
    if year_text.contains(['u', 'X', 'x']) {
        change = Some(format!(
            "`{text}` has unspecified digits; kept as its first year"
        ));
    }
    let year: i16 = year_text.replace(['u', 'X', 'x'], "0").parse().ok()?;
    let number = |i: usize| parts.get(i).and_then(|p| p.parse::<u8>().ok());
    Some(from_numbers(year, number(1), number(2)).map(|d| d.with(change)))
}

/// A date from its numbers, giving up a season, or a day or month the calendar does not have.
pub fn from_numbers(year: i16, month: Option<u8>, day: Option<u8>) -> Result<Dated, String> {
    let exact = |date| Dated { date, change: None };
    if let Ok(date) = PartialDate::from_parts(year, month, day) {
        return Ok(exact(date));
    }
    let year_only = PartialDate::from_parts(year, None, None)?;
    if let Some(m @ 21..=24) = month {
        let season = ["spring", "summer", "autumn", "winter"][usize::from(m - 21)];
        return Ok(Dated {
            date: year_only,
            change: Some(format!(
                "the season ({season}) is dropped; kept as {year:04}"
            )),
        });
    }
    if let Ok(date) = PartialDate::from_parts(year, month, None) {
        let change = format!(
            "{year:04}-{:02}-{:02} is not a day of the calendar; kept as {date}",
            month.unwrap_or(0),
            day.unwrap_or(0)
        );
        return Ok(Dated {
            date,
            change: Some(change),
        });
    }
    Ok(Dated {
        date: year_only,
        change: Some(format!(
            "month {} does not exist; kept as {year:04}",
            month.unwrap_or(0)
        )),
    })
}

/// A year standing alone in free text (`c. 1850`, `Spring 2019`, `2020a`), with a month name
/// before it when there is one.
fn in_free_text(text: &str, raw: &str) -> Result<Dated, String> {
    let bytes = text.as_bytes();
    let at = (0..bytes.len().saturating_sub(3)).find(|&i| {
        bytes[i..i + 4].iter().all(u8::is_ascii_digit)
            && (i == 0 || !bytes[i - 1].is_ascii_digit())
            && bytes.get(i + 4).is_none_or(|b| !b.is_ascii_digit())
    });
    let Some(at) = at else {
        return Err(format!("`{raw}` is not a date"));
    };
    let year: i16 = text[at..at + 4]
        .parse()
        .map_err(|_| format!("`{raw}` is not a date"))?;
    let month = text[..at].split_whitespace().last().and_then(month_number);
    let dated = from_numbers(year, month, None)?;
    Ok(dated.with(Some(format!(
        "`{raw}` is read as {year:04}{}",
        match month {
            Some(m) => format!("-{m:02}"),
            None => String::new(),
        }
    ))))
}

/// `8`, `08`, `aug`, `August` (BibTeX's month macros expand to the names).
pub fn month_number(month: &str) -> Option<u8> {
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let month = month.trim().trim_end_matches('.');
    if let Ok(n) = month.parse::<u8>() {
        return Some(n);
    }
    let lower = month.to_ascii_lowercase();
    (lower.len() >= 3)
        .then(|| NAMES.iter().position(|n| lower.starts_with(n)))
        .flatten()
        .map(|i| i as u8 + 1)
}

/// A CSL date: `{"date-parts": [[2025, 8, 17]]}` (a second part is a range's end), or
/// `{"raw": …}` / `{"literal": …}` as text; `circa` and `season` are said to be dropped.
pub fn from_csl(value: &Value) -> Result<Dated, String> {
    let dated = match value
        .get("date-parts")
        .and_then(|p| p.get(0))
        .and_then(Value::as_array)
    {
        Some(first) => {
            let number = |i: usize| {
                first
                    .get(i)
                    .and_then(|p| p.as_i64().or_else(|| p.as_str()?.trim().parse().ok()))
            };
            let year = number(0).ok_or("the date has no year")?;
            let year = i16::try_from(year)
                .map_err(|_| format!("year {year} is out of range (1 to 9999)"))?;
            let small = |n: Option<i64>| n.map(|n| u8::try_from(n).unwrap_or(u8::MAX));
            let mut dated = from_numbers(year, small(number(1)), small(number(2)))?;
            if value["date-parts"].get(1).is_some() {
                dated = dated.with(Some("the date range is kept as its start".into()));
            }
            dated
        }
        None => match value
            .get("raw")
            .or_else(|| value.get("literal"))
            .and_then(Value::as_str)
        {
            Some(text) => from_text(text)?,
            None if value.is_string() => from_text(value.as_str().unwrap_or_default())?,
            None => return Err("the date has neither `date-parts` nor `raw`".into()),
        },
    };
    let circa = value
        .get("circa")
        .is_some_and(|c| c.as_bool() != Some(false));
    let season = value.get("season").is_some();
    Ok(match (circa, season) {
        (true, _) => dated.with(Some(
            "the date is approximate (`circa`); kept as a plain date".into(),
        )),
        (_, true) => dated.with(Some("the season is dropped".into())),
        _ => dated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(raw: &str) -> (String, bool) {
        let d = from_text(raw).unwrap();
        (d.date.to_string(), d.change.is_some())
    }

    #[test]
    fn plain_dates_pass_unchanged() {
        assert_eq!(text("2025-08-17"), ("2025-08-17".into(), false));
        assert_eq!(text("2025-8"), ("2025-08".into(), false));
        assert_eq!(text("2021-04-08T00:39:34Z"), ("2021-04-08".into(), false));
        assert_eq!(text("2020-uu-uu").0, "2020");
    }

    #[test]
    fn what_the_book_cannot_hold_is_given_up_and_said() {
        assert_eq!(text("1970/1980"), ("1970".into(), true));
        assert_eq!(text("2014-12-31/2015-01-01"), ("2014-12-31".into(), true));
        assert_eq!(text("../2015"), ("2015".into(), true));
        assert_eq!(text("199u"), ("1990".into(), true));
        assert_eq!(text("1273?~"), ("1273".into(), true));
        assert_eq!(text("2017-21"), ("2017".into(), true));
        assert_eq!(text("2020-02-30"), ("2020-02".into(), true));
        assert_eq!(text("c. 1850"), ("1850".into(), true));
        assert_eq!(text("May 2019"), ("2019-05".into(), true));
        assert_eq!(text("2020a"), ("2020".into(), true));
    }

    #[test]
    fn text_without_a_year_is_refused() {
        assert_eq!(
            from_text("Forthcoming").unwrap_err(),
            "`Forthcoming` is not a date"
        );
        assert!(from_text("").is_err());
        assert!(from_text("-0044").is_err());
        assert!(from_text("0000").is_err());
    }

    #[test]
    fn csl_dates() {
        let ok = |v: Value| from_csl(&v).map(|d| (d.date.to_string(), d.change.is_some()));
        assert_eq!(
            ok(json!({"date-parts": [[2025, 8, 17]]})),
            Ok(("2025-08-17".into(), false))
        );
        assert_eq!(
            ok(json!({"date-parts": [["2025", "8"]]})),
            Ok(("2025-08".into(), false))
        );
        assert_eq!(
            ok(json!({"date-parts": [[2017, 21]]})),
            Ok(("2017".into(), true))
        );
        assert_eq!(
            ok(json!({"date-parts": [[2020, 2, 30]]})),
            Ok(("2020-02".into(), true))
        );
        assert_eq!(
            ok(json!({"date-parts": [[2019], [2020]]})),
            Ok(("2019".into(), true))
        );
        assert_eq!(
            ok(json!({"raw": "2019-05-01/2019-05-03"})),
            Ok(("2019-05-01".into(), true))
        );
        assert_eq!(
            ok(json!({"date-parts": [[1850]], "circa": true})),
            Ok(("1850".into(), true))
        );
        assert!(ok(json!({"date-parts": [[100000]]})).is_err());
        assert!(ok(json!({"date-parts": [[]]})).is_err());
        assert!(ok(json!(null)).is_err());
    }
}
