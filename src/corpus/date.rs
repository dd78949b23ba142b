//! The calendar day an article is from, read from the date its input gives.
//!
//! News comes dated in a few forms, and each is read to its calendar day:
//! - ISO 8601: `2021-06-16`, with a time and zone or not (`2021-06-16T10:00:00Z`, `2021-06-16 10:00+02:00`);
//! - RFC 2822, as RSS feeds and e-mail write it: `Wed, 16 Jun 2021 10:00:00 +0000` (the weekday, time and zone
//!   optional);
//! - the forms articles print: `16 June 2021`, `June 16, 2021`, `Jun. 16, 2021`.
//!
//! The day is the one written, in the zone it is written in (a date is not moved to UTC: a story dated
//! `2021-06-16T23:30-05:00` is from the 16th where it was published). A date that is none of these, or not a
//! day of the calendar (`2021-02-31`), is unreadable: [`Day::parse`] says `None`, and the corpus reader warns
//! once per article, naming it.

use std::fmt;

/// A day of the proleptic Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Month names as dates write them, in English (RFC 2822 names the three-letter forms).
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Weekday names, which a date may open with and which are otherwise ignored.
pub const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

impl Day {
    /// A day, when `year-month-day` is one of the calendar (the `time` crate says which are).
    pub fn new(year: i64, month: u32, day: u32) -> Option<Day> {
        Day::date_of(year, month, day).map(|_| Day { year, month, day })
    }

    /// The day a date is from, in any of the forms this module reads; `None` when it is unreadable.
    pub fn parse(date: &str) -> Option<Day> {
        let date = date.trim();
        iso(date).or_else(|| written(date))
    }

    /// The ISO 8601 week: its year (which can differ from the day's near New Year) and number.
    pub fn iso_week(self) -> (i64, u32) {
        let date = Day::date_of(self.year, self.month, self.day).expect("a Day is a date of the calendar");
        let (year, week, _) = date.to_iso_week_date();
        (i64::from(year), u32::from(week))
    }

    fn date_of(year: i64, month: u32, day: u32) -> Option<time::Date> {
        let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
        time::Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()
    }
}

/// Whether a lowercase word is a weekday or a month ("On Tuesday Mr Kennedy…": a name after it is not governed by
/// the preposition before it).
pub fn is_day_or_month(word: &str) -> bool {
    WEEKDAYS.contains(&word) || MONTHS.contains(&word)
}

/// The `YYYY-MM-DD` day of a date, or empty when it is unreadable (see [`Day::parse`]).
pub fn iso_day(date: &str) -> String {
    Day::parse(date).map(|day| day.to_string()).unwrap_or_default()
}

/// `YYYY-MM-DD`, then nothing, or a time (after `T` or a space) with an optional zone.
fn iso(date: &str) -> Option<Day> {
    let (head, rest) = (date.get(..10)?, &date[10..]);
    let bytes = head.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && bytes[4] == b'-' && digits(5..7) && bytes[7] == b'-' && digits(8..10)) {
        return None;
    }
    let time = match rest.strip_prefix(['T', 't', ' ']) {
        Some(time) => time,
        None if rest.is_empty() => "",
        None => return None,
    };
    if !time.is_empty() && !is_time_and_zone(time) {
        return None;
    }
    Day::new(head[..4].parse().ok()?, head[5..7].parse().ok()?, head[8..10].parse().ok()?)
}

/// `HH:MM[:SS[.fff]]` followed by an optional zone: `Z`, `+HH:MM`, `+HHMM`, `+HH`, or a name (` GMT`, ` EST`).
fn is_time_and_zone(text: &str) -> bool {
    let end = text.find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.' || c == ',')).unwrap_or(text.len());
    let (clock, zone) = text.split_at(end);
    let mut parts = clock.splitn(3, ':');
    let two_digits =
        |part: Option<&str>, max: u32| part.is_some_and(|p| p.len() == 2 && p.parse::<u32>().is_ok_and(|n| n <= max));
    if !two_digits(parts.next(), 23) || !two_digits(parts.next(), 59) {
        return false;
    }
    if let Some(seconds) = parts.next() {
        let whole = seconds.split(['.', ',']).next();
        if !two_digits(whole, 60) {
            return false;
        }
    }
    is_zone(zone.trim_start())
}

/// A zone after a time: nothing, `Z`, a numeric offset, or a zone abbreviation of letters.
fn is_zone(zone: &str) -> bool {
    if zone.is_empty() || zone.eq_ignore_ascii_case("z") {
        return true;
    }
    if let Some(offset) = zone.strip_prefix(['+', '-']) {
        let digits: String = offset.chars().filter(|c| *c != ':').collect();
        return matches!(digits.len(), 2 | 4) && digits.chars().all(|c| c.is_ascii_digit());
    }
    (2..=5).contains(&zone.len()) && zone.chars().all(|c| c.is_ascii_alphabetic())
}

/// The written forms: an optional weekday, then `16 Jun 2021` or `June 16, 2021`, then an optional time and zone.
fn written(date: &str) -> Option<Day> {
    let words: Vec<&str> = date.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    let mut words = words.as_slice();
    if words.first().is_some_and(|w| name_of(w, &WEEKDAYS).is_some()) {
        words = &words[1..];
    }
    let (day, month, year, rest) = match words {
        [first, second, year, rest @ ..] => match day_number(first) {
            Some(day) => (day, name_of(second, &MONTHS)?, *year, rest),
            None => (day_number(second)?, name_of(first, &MONTHS)?, *year, rest),
        },
        _ => return None,
    };
    if year.len() != 4 {
        return None;
    }
    let rest = rest.join(" ");
    if !rest.is_empty() && !is_time_and_zone(&rest) {
        return None;
    }
    Day::new(year.parse().ok()?, month as u32 + 1, day)
}

/// The day of the month in `16`, `16th`, `1st`: one or two digits, with or without an ordinal suffix.
fn day_number(word: &str) -> Option<u32> {
    let digits = ["st", "nd", "rd", "th"].iter().find_map(|s| word.strip_suffix(s)).unwrap_or(word);
    ((1..=2).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit())).then(|| digits.parse().ok())?
}

/// The index of `word` among `names`, written whole or as its first three letters (with or without a period).
fn name_of(word: &str, names: &[&str]) -> Option<usize> {
    let word = word.trim_end_matches('.').to_lowercase();
    names.iter().position(|name| {
        word == *name || (word.len() == 3 && name.starts_with(&word)) || (word == "sept" && *name == "september")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_with_and_without_a_time_are_read_to_their_day() {
        for date in [
            "2021-06-16",
            " 2021-06-16 ",
            "2021-06-16T10:00:00Z",
            "2021-06-16T10:00:00.123+02:00",
            "2021-06-16 10:00",
            "2021-06-16T23:30-0500",
            "2021-06-16T10:00:00 GMT",
        ] {
            assert_eq!(iso_day(date), "2021-06-16", "{date}");
        }
    }

    #[test]
    fn rfc_2822_and_printed_dates_are_read_to_their_day() {
        for date in [
            "Wed, 16 Jun 2021 10:00:00 +0000",
            "16 Jun 2021 10:00 GMT",
            "Wednesday, 16 June 2021",
            "June 16, 2021",
            "Jun. 16, 2021",
            "june 16th, 2021",
            "16th June 2021",
        ] {
            assert_eq!(iso_day(date), "2021-06-16", "{date}");
        }
        assert_eq!(iso_day("Thu, 1 Sept 2022"), "2022-09-01");
    }

    #[test]
    fn days_that_are_not_in_the_calendar_and_other_text_are_unreadable() {
        for date in [
            "2021-02-31",
            "2021-13-01",
            "2021-00-10",
            "2023-02-29",
            "31 Apr 2021",
            "2021-06-16garbage",
            "2021-06-16T25:00",
            "yesterday",
            "2021",
            "16/06/2021",
            "",
            "Wed, 16 Foo 2021",
        ] {
            assert_eq!(Day::parse(date), None, "{date}");
        }
        assert_eq!(iso_day("2024-02-29"), "2024-02-29", "a leap day");
        assert_eq!(iso_day("2000-02-29"), "2000-02-29");
        assert_eq!(Day::parse("1900-02-29"), None, "1900 was no leap year");
    }

    #[test]
    fn iso_weeks_and_leap_days_agree_with_the_calendar() {
        assert_eq!(Day::new(2021, 6, 16).unwrap().iso_week(), (2021, 24));
        assert_eq!(Day::new(2021, 1, 3).unwrap().iso_week(), (2020, 53));
        assert!(Day::new(2024, 2, 29).is_some() && Day::new(2000, 2, 29).is_some());
        assert!(Day::new(2023, 2, 29).is_none() && Day::new(1900, 2, 29).is_none() && Day::new(2021, 13, 1).is_none());
        assert_eq!(Day::new(2024, 12, 30).unwrap().iso_week(), (2025, 1));
    }
}
