//! Exchange trading calendars for `idx returns --calendar nyse|jpx` (issue 14). A period (month,
//! quarter, year) is complete as of a date `E` when no trading day of the exchange remains in
//! the period after `E`: see [`Exchange::trades_between`]. Pure: no I/O, no clock.
//!
//! The calendars are rule-based and meant for 1950 to 2100 as far as the rules below reach; a
//! trading day is a weekday that is not a holiday or special closure of the exchange. Saturday
//! sessions (New York until 1952, Tokyo until 1989) and early closes are not modelled: an early
//! close is a trading day.
//!
//! # New York Stock Exchange
//!
//! The holidays are those NYSE publishes on nyse.com, "Holidays & Trading Hours", under NYSE
//! Rule 7.2:
//!
//! * **New Year's Day**, 1 January; on a Sunday the exchange closes on Monday 2 January; on a
//!   Saturday no holiday is observed (Rule 7.2: the Friday before ends an accounting period,
//!   and NYSE's calendars mark 2022 "no holiday observed");
//! * **Martin Luther King, Jr. Day**, the third Monday of January, from 1998 (the first year
//!   NYSE closed for it);
//! * **Washington's Birthday**, the third Monday of February from 1971 (the Uniform Monday
//!   Holiday Act); 22 February before;
//! * **Good Friday**, two days before Easter Sunday (the Gregorian computus);
//! * **Memorial Day**, the last Monday of May from 1971; 30 May before;
//! * **Juneteenth National Independence Day**, 19 June, from 2022;
//! * **Independence Day**, 4 July;
//! * **Labor Day**, the first Monday of September;
//! * **Thanksgiving Day**, the fourth Thursday of November;
//! * **Christmas Day**, 25 December.
//!
//! A fixed-date holiday other than New Year's Day that falls on a Saturday is observed on the
//! Friday before, on a Sunday on the Monday after (Rule 7.2; e.g. 24 December 2021, 3 July
//! 2020, 20 June 2022).
//!
//! Before these rules took their present form, NYSE kept other holidays and observed Saturday
//! holidays differently. Those, not published by NYSE as rules today, follow the history as
//! modelled by the exchange-calendars project (its XNYS calendar): Independence Day and
//! Christmas on a Saturday were not moved to the Friday before 1954, nor 22 February and 30 May
//! before 1964 (a Sunday holiday always moved to the Monday); Election Day (the Tuesday after
//! the first Monday of November) was a holiday every year until 1967 and in presidential
//! election years from 1968 to 1980; Lincoln's Birthday (12 February), Columbus Day
//! (12 October) and Armistice Day (11 November) were holidays until 1953.
//!
//! Full-day special closures are an explicit list, [`NYSE_SPECIAL_CLOSURES`], from 1972 on:
//! presidential funerals and national days of mourning, the 1977 New York blackout, Hurricane
//! Gloria (1985), the attacks of 11 September 2001 and Hurricane Sandy (2012). Earlier ones
//! (the 1968 paperwork-crisis Wednesdays, the 1963 and 1969 closings and others) are not
//! modelled.
//!
//! # Japan Exchange Group (Tokyo Stock Exchange)
//!
//! JPX publishes its market holidays ("Market holidays", jpx.co.jp) as Saturdays, Sundays,
//! national holidays and the year-end/new-year closure from 31 December to 3 January. So
//! Tokyo's last session of a year is on 30 December or earlier. The one full-day closure that
//! was not a holiday, the trading halt of 1 October 2020, is in [`JPX_SPECIAL_CLOSURES`]. The
//! year-end closure is applied to every year, though before 1989 the exchange's year-end days
//! differed.
//!
//! The national holidays are those of the Act on National Holidays (Act No. 178 of 1948) with
//! the dates of its amendments:
//!
//! * New Year's Day, 1 January;
//! * Coming of Age Day, 15 January until 1999, the second Monday of January from 2000;
//! * National Foundation Day, 11 February, from 1967;
//! * Emperor's Birthday: 29 April until 1988, 23 December from 1989 to 2018, none in 2019,
//!   23 February from 2020;
//! * Vernal Equinox Day, the day of the March equinox (see below);
//! * 29 April: Greenery Day 1989–2006, Showa Day from 2007;
//! * Constitution Memorial Day, 3 May; Greenery Day, 4 May from 2007; Children's Day, 5 May;
//! * Marine Day, 20 July 1996–2002, the third Monday of July from 2003;
//! * Mountain Day, 11 August from 2016;
//! * Respect for the Aged Day, 15 September 1966–2002, the third Monday of September from 2003;
//! * Autumnal Equinox Day, the day of the September equinox;
//! * Health and Sports Day, 10 October 1966–1999, the second Monday of October from 2000
//!   ("Sports Day" from 2020);
//! * Culture Day, 3 November; Labour Thanksgiving Day, 23 November.
//!
//! For the Tokyo Olympic Games (the special measures act for the Games, as amended in 2018 and
//! 2020) Marine Day, Sports Day and Mountain Day moved to 23 July, 24 July and 10 August in 2020, and to 22 July,
//! 23 July and 8 August in 2021.
//!
//! Besides, under article 3 of the Act:
//!
//! * **substitute holiday**: from 12 April 1973, a national holiday on a Sunday makes the next
//!   day a holiday; from 2007, the next day that is not a national holiday (so 6 May when 3, 4
//!   or 5 May is a Sunday);
//! * **citizens' holiday**: from 27 December 1985, a day that is not a national holiday but
//!   whose day before and day after both are is a holiday (4 May 1988–2006; 22 September in some
//!   years, e.g. 2009, 2015, 2026).
//!
//! Days made holidays by special laws are listed in [`JP_SPECIAL_HOLIDAYS`] and count as
//! national holidays: the wedding of the Crown Prince (10 April 1959), the funeral of Emperor
//! Showa (24 February 1989), the enthronement ceremonies (12 November 1990, 22 October 2019),
//! the wedding of Crown Prince Naruhito (9 June 1993) and the accession day (1 May 2019, which
//! makes 30 April and 2 May 2019 citizens' holidays: JPX's 10-day Golden Week of 2019).
//!
//! The equinox days are the Japanese almanac's approximation (the day of the equinox in Japan
//! time), `⌊c + 0.242194 (y − 1980) − ⌊(y − o) / 4⌋⌋` with `c = 20.8357` (March) or
//! `23.2588` (September) and `o = 1983` for 1900–1979, `c = 20.8431` / `23.2488` and
//! `o = 1980` for 1980–2099, and `c = 21.8510` / `24.2488`, `o = 1980` for 2100–2150 (the
//! inner division truncating toward zero). The Cabinet Office fixes each year's equinox days
//! in February of the year before from the National Astronomical Observatory's almanac, so
//! years not yet published are the formula's forecast.
//!
//! # How the rules were checked
//!
//! Besides the published lists typed into the tests, the closed weekdays these rules give were
//! compared, when this module was written, with:
//!
//! * the Cabinet Office's list of national holidays (`syukujitsu.csv`, 1955–2025): every
//!   weekday holiday agrees;
//! * the exchange-calendars project's XTKS calendar (1997–2040): agrees but for 6 May 1998,
//!   which XTKS closes by the post-2007 substitute rule; the Cabinet Office's list has it as a
//!   working day, as here;
//! * its XNYS calendar (1970–2040): agrees but for Friday 29 May 1970 (Memorial Day, 30 May,
//!   a Saturday), which XNYS's rules leave open because none of them covers 1970; here the
//!   1964–1970 Saturday-to-Friday rule applies. That day is not verified.

use chrono::{Datelike, NaiveDate, Weekday};

/// A stock exchange whose trading days are known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exchange {
    /// The New York Stock Exchange (`nyse`).
    Nyse,
    /// Japan Exchange Group: the Tokyo Stock Exchange (`jpx`).
    Jpx,
}

impl Exchange {
    /// The name used on the command line: `"nyse"` or `"jpx"`.
    pub fn name(self) -> &'static str {
        match self {
            Exchange::Nyse => "nyse",
            Exchange::Jpx => "jpx",
        }
    }

    /// Whether the exchange holds a session on `d`: a weekday that is neither a holiday nor a
    /// special closure of the exchange.
    pub fn is_trading_day(self, d: NaiveDate) -> bool {
        if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            return false;
        }
        match self {
            Exchange::Nyse => !nyse_holiday(d),
            Exchange::Jpx => !jpx_closed(d),
        }
    }

    /// The last trading day on or before `d`: `d` itself when it is a trading day. (Only at
    /// the earliest date chrono can represent, with no trading day on or before it, is that
    /// date returned as it is.)
    pub fn last_trading_day_on_or_before(self, d: NaiveDate) -> NaiveDate {
        let mut day = d;
        while !self.is_trading_day(day) {
            match day.pred_opt() {
                Some(p) => day = p,
                None => break,
            }
        }
        day
    }

    /// Whether a trading day lies strictly after `after` and on or before `until`. False when
    /// `until` is not after `after`. A period ending on `until` is complete as of `after`
    /// exactly when this is false.
    pub fn trades_between(self, after: NaiveDate, until: NaiveDate) -> bool {
        until > after && self.last_trading_day_on_or_before(until) > after
    }
}

/// `(year, month, day)` of `d`, for comparing with the dates of the rules.
fn ymd(d: NaiveDate) -> (i32, u32, u32) {
    (d.year(), d.month(), d.day())
}

/// Whether `d` is the `n`-th (1-based) `weekday` of its month.
fn is_nth(d: NaiveDate, weekday: Weekday, n: u32) -> bool {
    d.weekday() == weekday && (d.day() - 1) / 7 + 1 == n
}

/// Whether `d` is the last `weekday` of its month.
fn is_last(d: NaiveDate, weekday: Weekday) -> bool {
    d.weekday() == weekday
        && d.checked_add_days(chrono::Days::new(7))
            .is_none_or(|w| w.month() != d.month())
}

/// The day NYSE observes a fixed-date holiday `month`/`day` of `year` on: the Monday after
/// when it falls on a Sunday; the Friday before when it falls on a Saturday and
/// `saturday_to_friday`, else none.
fn observed(year: i32, month: u32, day: u32, saturday_to_friday: bool) -> Option<NaiveDate> {
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    match date.weekday() {
        Weekday::Sat if saturday_to_friday => date.pred_opt(),
        Weekday::Sat => None,
        Weekday::Sun => date.succ_opt(),
        _ => Some(date),
    }
}

/// Easter Sunday of `year` by the Gregorian computus (the anonymous algorithm of Meeus,
/// *Astronomical Algorithms*, ch. 8).
fn easter(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// NYSE full-day closures outside the holiday rules, from 1972, as `(year, month, day)`.
/// Sources: NYSE's announcements of each closing and its history of market closings as
/// reported at the time (e.g. at the Hurricane Sandy closing of 2012); the exchange-calendars
/// project's XNYS ad hoc holidays list the same days.
pub const NYSE_SPECIAL_CLOSURES: [(i32, u32, u32); 15] = [
    (1972, 12, 28), // funeral of President Truman
    (1973, 1, 25),  // funeral of President Johnson
    (1977, 7, 14),  // New York City blackout
    (1985, 9, 27),  // Hurricane Gloria
    (1994, 4, 27),  // national day of mourning, President Nixon
    (2001, 9, 11),  // the attacks on the World Trade Center, to 14 September
    (2001, 9, 12),  //
    (2001, 9, 13),  //
    (2001, 9, 14),  //
    (2004, 6, 11),  // national day of mourning, President Reagan
    (2007, 1, 2),   // national day of mourning, President Ford
    (2012, 10, 29), // Hurricane Sandy
    (2012, 10, 30), //
    (2018, 12, 5),  // national day of mourning, President George H. W. Bush
    (2025, 1, 9),   // national day of mourning, President Carter
];

/// Whether `d` (a weekday) is an NYSE holiday or special closure.
fn nyse_holiday(d: NaiveDate) -> bool {
    let y = d.year();
    let (m, day) = (d.month(), d.day());
    let fixed = |month, dom, sat_to_fri| observed(y, month, dom, sat_to_fri) == Some(d);
    let rules = [
        // New Year's Day: 1 January, or Monday 2 January; nothing when it is a Saturday.
        fixed(1, 1, false),
        y >= 1998 && m == 1 && is_nth(d, Weekday::Mon, 3),
        if y >= 1971 {
            m == 2 && is_nth(d, Weekday::Mon, 3)
        } else {
            fixed(2, 22, y >= 1964)
        },
        easter(y).and_then(|e| e.checked_sub_days(chrono::Days::new(2))) == Some(d),
        if y >= 1971 {
            m == 5 && is_last(d, Weekday::Mon)
        } else {
            fixed(5, 30, y >= 1964)
        },
        y >= 2022 && fixed(6, 19, true),
        fixed(7, 4, y >= 1954),
        m == 9 && is_nth(d, Weekday::Mon, 1),
        m == 11 && is_nth(d, Weekday::Thu, 4),
        fixed(12, 25, y >= 1954),
        // Election Day, the Tuesday after the first Monday of November: every year until 1967,
        // then in presidential election years until 1980.
        (y <= 1967 || (y <= 1980 && y % 4 == 0))
            && m == 11
            && d.weekday() == Weekday::Tue
            && (2..=8).contains(&day),
        // Until 1953: Lincoln's Birthday, Columbus Day and Armistice (Veterans) Day.
        y <= 1953 && (fixed(2, 12, false) || fixed(10, 12, false) || fixed(11, 11, false)),
    ];
    rules.iter().any(|&r| r) || NYSE_SPECIAL_CLOSURES.contains(&ymd(d))
}

/// Days made holidays by special laws, counted as national holidays, as `(year, month, day)`.
pub const JP_SPECIAL_HOLIDAYS: [(i32, u32, u32); 6] = [
    (1959, 4, 10),  // wedding of Crown Prince Akihito
    (1989, 2, 24),  // funeral of Emperor Showa
    (1990, 11, 12), // enthronement ceremony of Emperor Akihito
    (1993, 6, 9),   // wedding of Crown Prince Naruhito
    (2019, 5, 1),   // accession of Emperor Naruhito (Act No. 99 of 2018)
    (2019, 10, 22), // enthronement ceremony of Emperor Naruhito (Act No. 99 of 2018)
];

/// JPX full-day closures that are not holidays, as `(year, month, day)`.
pub const JPX_SPECIAL_CLOSURES: [(i32, u32, u32); 1] = [
    (2020, 10, 1), // no trading all day on the TSE after a failure of its arrowhead system
];

/// Whether JPX is closed on `d` (a weekday): the year-end/new-year closure, a holiday or a
/// special closure.
fn jpx_closed(d: NaiveDate) -> bool {
    let (m, day) = (d.month(), d.day());
    (m == 12 && day == 31)
        || (m == 1 && day <= 3)
        || jp_holiday(d)
        || JPX_SPECIAL_CLOSURES.contains(&ymd(d))
}

/// Whether `d` is a Japanese holiday: a national holiday, a substitute holiday or a citizens'
/// holiday.
fn jp_holiday(d: NaiveDate) -> bool {
    jp_national(d) || jp_substitute(d) || jp_citizens(d)
}

/// Whether `d` is a national holiday (Act on National Holidays, article 2, or a special law).
fn jp_national(d: NaiveDate) -> bool {
    let y = d.year();
    let day = d.day();
    let monday = |n| is_nth(d, Weekday::Mon, n);
    let by_rule = match d.month() {
        1 => day == 1 || if y >= 2000 { monday(2) } else { day == 15 },
        2 => (y >= 1967 && day == 11) || (y >= 2020 && day == 23),
        3 => day == equinox_day(y, true),
        4 => day == 29,
        5 => day == 3 || day == 5 || (y >= 2007 && day == 4),
        7 => match y {
            2020 => day == 23 || day == 24,
            2021 => day == 22 || day == 23,
            2003.. => monday(3),
            1996..=2002 => day == 20,
            _ => false,
        },
        8 => match y {
            2020 => day == 10,
            2021 => day == 8,
            2016.. => day == 11,
            _ => false,
        },
        9 => {
            day == equinox_day(y, false)
                || match y {
                    2003.. => monday(3),
                    1966..=2002 => day == 15,
                    _ => false,
                }
        }
        10 => match y {
            2020 | 2021 => false,
            2000.. => monday(2),
            1966..=1999 => day == 10,
            _ => false,
        },
        11 => day == 3 || day == 23,
        12 => (1989..=2018).contains(&y) && day == 23,
        _ => false,
    };
    by_rule || JP_SPECIAL_HOLIDAYS.contains(&ymd(d))
}

/// The March (`spring`) or September equinox day of `year` in Japan (see the module docs).
fn equinox_day(year: i32, spring: bool) -> u32 {
    let (c, o) = match (year, spring) {
        (..=1979, true) => (20.8357, 1983),
        (..=1979, false) => (23.2588, 1983),
        (1980..=2099, true) => (20.8431, 1980),
        (1980..=2099, false) => (23.2488, 1980),
        (_, true) => (21.8510, 1980),
        (_, false) => (24.2488, 1980),
    };
    let day = (c + 0.242194 * f64::from(year - 1980)).floor() as i64 - i64::from((year - o) / 4);
    u32::try_from(day).unwrap_or(0)
}

/// Whether `d` is a substitute holiday: from 12 April 1973 the day after a national holiday on
/// a Sunday; from 2007 the first day after it that is not a national holiday.
fn jp_substitute(d: NaiveDate) -> bool {
    if jp_national(d) {
        return false;
    }
    let mut prev = d.pred_opt();
    while let Some(p) = prev {
        if !jp_national(p) {
            return false;
        }
        if p.weekday() == Weekday::Sun {
            let next_day_only = d.year() < 2007;
            return ymd(p) >= (1973, 4, 12) && (!next_day_only || p.succ_opt() == Some(d));
        }
        prev = p.pred_opt();
    }
    false
}

/// Whether `d` is a citizens' holiday: from 27 December 1985, a day that is not a national
/// holiday between two national holidays.
fn jp_citizens(d: NaiveDate) -> bool {
    ymd(d) >= (1985, 12, 27)
        && !jp_national(d)
        && d.pred_opt().is_some_and(jp_national)
        && d.succ_opt().is_some_and(jp_national)
}

#[cfg(test)]
mod tests;
