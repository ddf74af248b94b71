//! The period of a report or a stock card: a preset (this month, the previous month, today,
//! the last 7 days, this year) that `p` steps through relative to today, or two dates typed in
//! a small form (`D`). Both ends are inclusive days.

use chrono::{Datelike, Duration, NaiveDate};

use super::pick::parse_date;
use super::report_fmt::day;
use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::form::{Field, Form, FormEvent};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Preset {
    #[default]
    ThisMonth,
    PrevMonth,
    Today,
    Last7,
    ThisYear,
    /// Typed dates.
    Custom,
}

impl Preset {
    /// The preset after this one, as `p` steps (a typed range goes back to this month).
    pub fn next(self) -> Preset {
        match self {
            Preset::ThisMonth => Preset::PrevMonth,
            Preset::PrevMonth => Preset::Today,
            Preset::Today => Preset::Last7,
            Preset::Last7 => Preset::ThisYear,
            Preset::ThisYear | Preset::Custom => Preset::ThisMonth,
        }
    }

    pub fn label(self) -> Msg {
        match self {
            Preset::ThisMonth => Msg::RptThisMonth,
            Preset::PrevMonth => Msg::RptPrevMonth,
            Preset::Today => Msg::RptToday,
            Preset::Last7 => Msg::RptLast7,
            Preset::ThisYear => Msg::RptThisYear,
            Preset::Custom => Msg::RptTyped,
        }
    }
}

/// A range of whole days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub preset: Preset,
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

impl Period {
    /// The days of `preset` as seen on `today` (a custom preset keeps today alone).
    pub fn of(preset: Preset, today: NaiveDate) -> Period {
        let (from, to) = match preset {
            Preset::ThisMonth => (first_of_month(today), today),
            Preset::PrevMonth => {
                let last = first_of_month(today) - Duration::days(1);
                (first_of_month(last), last)
            }
            Preset::Today | Preset::Custom => (today, today),
            Preset::Last7 => (today - Duration::days(6), today),
            Preset::ThisYear => (today.with_ordinal(1).unwrap_or(today), today),
        };
        Period { from, to, preset }
    }

    pub fn typed(from: NaiveDate, to: NaiveDate) -> Period {
        Period {
            from,
            to,
            preset: Preset::Custom,
        }
    }

    /// The next preset (`p`).
    pub fn step(self, today: NaiveDate) -> Period {
        Period::of(self.preset.next(), today)
    }

    pub fn days(self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// "2026-03-01 – 2026-03-31 (this month)".
    pub fn label(self, shell: &Shell) -> String {
        let range = if self.from == self.to {
            day(shell, self.from)
        } else {
            format!("{} – {}", day(shell, self.from), day(shell, self.to))
        };
        format!("{range} ({})", shell.t(self.preset.label()))
    }

    /// The form that types a period, filled with this one.
    pub fn form(self, shell: &Shell) -> Form {
        let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let mut f = Form::new(
            shell.t(Msg::RptPeriodTitle).into(),
            vec![
                Field::new("from", Msg::DateFrom).value(&iso(self.from)),
                Field::new("to", Msg::DateTo).value(&iso(self.to)),
            ],
        );
        f.intro = Some(shell.t(Msg::RptPeriodIntro).into());
        f
    }
}

/// What the period form did with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodEvent {
    Stay,
    Cancel,
    Chosen(Period),
}

/// Passes a key to the period form; on submit checks both dates (both required, the end not
/// before the start, at most ten years) and puts any error next to its field.
pub fn period_form_action(
    form: &mut Form,
    shell: &Shell,
    a: crate::tui::action::Action,
) -> PeriodEvent {
    match form.on_action(a) {
        FormEvent::Cancel => PeriodEvent::Cancel,
        FormEvent::Submit => {
            let today = shell.now.date();
            let mut errs = Vec::new();
            let mut get = |key: &str| match parse_date(form.value(key), today) {
                Ok(Some(d)) => Some(d),
                Ok(None) => {
                    errs.push((key.to_string(), shell.t(Msg::Required).to_string()));
                    None
                }
                Err(_) => {
                    errs.push((key.to_string(), shell.t(Msg::RptBadDate).to_string()));
                    None
                }
            };
            let (from, to) = (get("from"), get("to"));
            if let (Some(f), Some(t)) = (from, to) {
                if t < f {
                    errs.push(("to".into(), shell.t(Msg::DateOrder).to_string()));
                } else if (t - f).num_days() > 3660 {
                    errs.push(("to".into(), shell.t(Msg::RptTooLong).to_string()));
                }
            }
            form.clear_errors();
            match (from, to) {
                (Some(f), Some(t)) if errs.is_empty() => PeriodEvent::Chosen(Period::typed(f, t)),
                _ => {
                    form.set_errors(&errs, true);
                    PeriodEvent::Stay
                }
            }
        }
        _ => PeriodEvent::Stay,
    }
}
