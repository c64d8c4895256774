//! Partial dates (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) that keep their precision.

use std::cmp::Ordering;
use std::fmt;

use jiff::civil::Date;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A calendar date known to the year, the month or the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PartialDate {
    year: i16,
    month: Option<i8>,
    day: Option<i8>,
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking the calendar (no 30 February).
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.split('-').collect();
        let shape_ok = match parts.as_slice() {
            [y] => y.len() == 4,
            [y, m] => y.len() == 4 && m.len() == 2,
            [y, m, d] => y.len() == 4 && m.len() == 2 && d.len() == 2,
            _ => false,
        };
        if !shape_ok || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
            return Err(format!(
                "`{text}` is not a date; write YYYY-MM-DD, YYYY-MM or YYYY"
            ));
        }
        let year = parts[0].parse::<i16>().unwrap_or(0);
        // Two digits each, so they fit; a failure would only name the part wrongly as 0.
        let part = |i: usize| parts.get(i).map(|p| p.parse::<u8>().unwrap_or(0));
        Self::from_parts(year, part(1), part(2))
    }

    /// Builds a date from its parts, checking that it exists in the calendar: a month from 1 to
    /// 12, a day only with a month, and only a day that month has.
    pub fn from_parts(year: i16, month: Option<u8>, day: Option<u8>) -> Result<Self, String> {
        if !(1..=9999).contains(&year) {
            return Err(format!("year {year} is out of range (1 to 9999)"));
        }
        let month = match month {
            Some(m @ 1..=12) => Some(m as i8),
            Some(m) => {
                return Err(format!(
                    "month {m} does not exist; months run from 01 to 12"
                ))
            }
            None => None,
        };
        let day = match (month, day) {
            (_, None) => None,
            (None, Some(d)) => return Err(format!("day {d} is given without a month")),
            (Some(m), Some(d)) => match i8::try_from(d)
                .ok()
                .filter(|&d| Date::new(year, m, d).is_ok())
            {
                Some(d) => Some(d),
                None => {
                    return Err(format!(
                        "{year:04}-{m:02}-{d:02} is not a day of the calendar"
                    ))
                }
            },
        };
        Ok(PartialDate { year, month, day })
    }

    /// The first day the date covers: what it sorts and ages as.
    pub fn first_day(&self) -> Date {
        Date::new(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
            .unwrap_or(Date::constant(2000, 1, 1))
    }

    /// For readers: `17 August 2025`, `August 2025` or `2025`.
    pub fn human(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{} {} {}", d, MONTHS[m as usize - 1], self.year),
            (Some(m), None) => format!("{} {}", MONTHS[m as usize - 1], self.year),
            _ => self.year.to_string(),
        }
    }

    /// Whole days from this date's first day to `today`.
    pub fn days_until(&self, today: Date) -> i64 {
        (today - self.first_day()).get_days() as i64
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl Ord for PartialDate {
    fn cmp(&self, other: &Self) -> Ordering {
        // Sorts as its first day; the less precise date first on a tie, to stay total.
        (self.first_day(), self.month.is_some(), self.day.is_some()).cmp(&(
            other.first_day(),
            other.month.is_some(),
            other.day.is_some(),
        ))
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl serde::Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_three_precisions() {
        assert_eq!(PartialDate::parse("2025").unwrap().to_string(), "2025");
        assert_eq!(
            PartialDate::parse("2025-08").unwrap().to_string(),
            "2025-08"
        );
        assert_eq!(
            PartialDate::parse("2025-08-17").unwrap().to_string(),
            "2025-08-17"
        );
    }

    #[test]
    fn rejects_bad_shapes_and_impossible_days() {
        for bad in [
            "25",
            "2025-8",
            "2025-08-1",
            "2025/08/17",
            "2025-13",
            "2025-02-30",
            "",
            "abcd",
        ] {
            assert!(PartialDate::parse(bad).is_err(), "{bad} should be rejected");
        }
        assert!(PartialDate::parse("2024-02-29").is_ok());
        assert!(PartialDate::parse("2025-02-29")
            .unwrap_err()
            .contains("not a day"));
    }

    #[test]
    fn parts_are_checked_before_they_are_stored() {
        for (month, day) in [
            (Some(0), None),
            (Some(13), None),
            (Some(255), None),
            (Some(1), Some(0)),
            (Some(1), Some(32)),
            (Some(2), Some(200)),
            (None, Some(5)),
        ] {
            assert!(
                PartialDate::from_parts(2025, month, day).is_err(),
                "{month:?} {day:?} should be refused"
            );
        }
        assert!(PartialDate::from_parts(0, None, None).is_err());
        assert!(PartialDate::from_parts(10_000, None, None).is_err());
        let day = PartialDate::from_parts(2025, Some(12), Some(31)).unwrap();
        assert_eq!(day.to_string(), "2025-12-31");
        assert_eq!(
            PartialDate::from_parts(2025, None, Some(5)).unwrap_err(),
            "day 5 is given without a month"
        );
    }

    #[test]
    fn human_form_keeps_precision() {
        assert_eq!(
            PartialDate::parse("2025-08-17").unwrap().human(),
            "17 August 2025"
        );
        assert_eq!(
            PartialDate::parse("2025-08").unwrap().human(),
            "August 2025"
        );
        assert_eq!(PartialDate::parse("2025").unwrap().human(), "2025");
    }

    #[test]
    fn sorts_as_first_day() {
        let year = PartialDate::parse("2025").unwrap();
        let jan = PartialDate::parse("2025-01-01").unwrap();
        let aug = PartialDate::parse("2025-08").unwrap();
        assert!(year < jan);
        assert!(jan < aug);
        assert_eq!(aug.days_until(Date::constant(2025, 8, 11)), 10);
    }
}
