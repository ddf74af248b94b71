//! The dashboard's 30-day series as charts, where the screen is wide enough (120 columns and
//! more): documents per day (receipts and issues) and value per day (in and out), each with a
//! day axis and a value axis that says its unit. Narrower screens keep the sparklines.
//! Counts and cents stay exact integers; they become floating point only as coordinates.

use chrono::{Datelike, Duration, NaiveDate};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, LegendPosition};

use crate::domain::Money;
use crate::service::dashboard::{Dashboard, DayPoint};
use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;

/// Terminal columns from which the dashboard draws charts instead of sparklines.
pub const CHART_COLUMNS: u16 = 120;

/// A day as the language writes it, without the year (`03-02` / `02/03`).
fn day_label(shell: &Shell, d: NaiveDate) -> String {
    let y = d.year();
    shell
        .date(d)
        .replace(&format!("{y}-"), "")
        .replace(&format!("/{y}"), "")
}

/// Day labels for an axis of the days `days` (oldest first, the last one today by the
/// screen's clock) over the bounds `[-1, len - 1]`: 3, 4 or 6 of them, as many as `width`
/// holds, evenly spaced on whole days (the first is the day before the series).
fn day_axis(shell: &Shell, days: &[DayPoint], width: u16) -> (Vec<String>, [f64; 2]) {
    let n = days.len();
    let today = shell.now.date();
    let date = |i: i64| today - Duration::days(n as i64 - 1 - i);
    let labels = match width {
        w if w >= 80 => 6,
        w if w >= 50 => 4,
        _ => 3,
    };
    // With bounds [-1, 29] every count above divides the 30 steps evenly.
    let step = n as i64 / (labels - 1);
    let out = (0..labels)
        .map(|j| day_label(shell, date(-1 + j * step)))
        .collect();
    (out, [-1.0, n as f64 - 1.0])
}

fn block(shell: &Shell, title: String) -> Block<'static> {
    Block::bordered()
        .title(Span::styled(format!(" {title} "), shell.theme.title()))
        .border_style(shell.theme.border())
}

/// Whole currency units, grouped as the language writes them.
fn whole(shell: &Shell, cents: i64) -> String {
    let m = shell.money(Money(cents - cents % 100));
    m.get(..m.len().saturating_sub(3)).unwrap_or(&m).to_string()
}

/// The two charts, one above the other, in `area`.
pub fn series(f: &mut Frame, area: Rect, shell: &Shell, d: &Dashboard) {
    let [docs, value] = Layout::vertical([Constraint::Fill(1), Constraint::Fill(1)]).areas(area);
    let receipts: Vec<i64> = d.daily.iter().map(|p| p.receipts.max(0)).collect();
    let issues: Vec<i64> = d.daily.iter().map(|p| p.issues.max(0)).collect();
    // A top of at least 2 and even, so the middle label is a whole number.
    let top = receipts.iter().chain(&issues).copied().max().unwrap_or(0);
    let top = (top + top % 2).max(2);
    chart(
        f,
        docs,
        shell,
        &d.daily,
        Msg::DashDocsPerDay,
        Msg::DashAxisDocs,
        [(Msg::KindReceipt, receipts), (Msg::KindIssue, issues)],
        top,
        &|v| shell.int(v),
    );
    let ins: Vec<i64> = d.daily.iter().map(|p| p.value_in.max(0)).collect();
    let outs: Vec<i64> = d.daily.iter().map(|p| p.value_out.max(0)).collect();
    // Cents, up to whole currency units of an even count.
    let top = ins.iter().chain(&outs).copied().max().unwrap_or(0);
    let units = (top + 99) / 100;
    let top = (units + units % 2).max(2) * 100;
    chart(
        f,
        value,
        shell,
        &d.daily,
        Msg::DashValuePerDay,
        Msg::DashAxisValue,
        [(Msg::RptIn, ins), (Msg::RptOut, outs)],
        top,
        &|v| whole(shell, v),
    );
}

#[allow(clippy::too_many_arguments)]
fn chart(
    f: &mut Frame,
    area: Rect,
    shell: &Shell,
    days: &[DayPoint],
    title: Msg,
    unit: Msg,
    series: [(Msg, Vec<i64>); 2],
    top: i64,
    label: &dyn Fn(i64) -> String,
) {
    let th = &shell.theme;
    let b = block(shell, shell.t(title).to_string());
    if days.is_empty() || area.height < 6 {
        f.render_widget(b, area);
        return;
    }
    let points: Vec<Vec<(f64, f64)>> = series
        .iter()
        .map(|(_, v)| {
            v.iter()
                .enumerate()
                .map(|(i, &y)| (i as f64, y as f64))
                .collect()
        })
        .collect();
    let styles = [th.spark_in(), th.spark_out()];
    let datasets: Vec<Dataset> = series
        .iter()
        .zip(&points)
        .zip(styles)
        .map(|(((name, _), data), style)| {
            Dataset::default()
                .name(shell.t(*name))
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(style)
                .data(data)
        })
        .collect();
    let (x_labels, x_bounds) = day_axis(shell, days, area.width.saturating_sub(12));
    let y_labels = vec![label(0), label(top / 2), label(top)];
    let chart = Chart::new(datasets)
        .block(b)
        .x_axis(
            Axis::default()
                .style(th.dim())
                .bounds(x_bounds)
                .labels(x_labels),
        )
        .y_axis(
            Axis::default()
                .title(Line::from(Span::styled(shell.t(unit), th.dim())))
                .style(th.dim())
                .bounds([0.0, top as f64])
                .labels(y_labels),
        )
        .legend_position(Some(LegendPosition::TopLeft))
        .hidden_legend_constraints((Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)));
    f.render_widget(chart, area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::UiConfig;
    use crate::tui::app::App;
    use crate::tui::theme::Theme;

    fn days() -> Vec<DayPoint> {
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default();
        crate::service::dashboard::daily_points(today, &[])
    }

    #[test]
    fn day_labels_fall_on_whole_days_and_end_today() {
        let t0 = NaiveDate::from_ymd_opt(2026, 3, 2)
            .and_then(|d| d.and_hms_opt(9, 30, 0))
            .unwrap_or_default();
        let a = App::new(&UiConfig::default(), Theme::new(false, None), t0);
        let (labels, bounds) = day_axis(&a.shell, &days(), 90);
        assert_eq!(bounds, [-1.0, 29.0]);
        assert_eq!(labels.len(), 6);
        assert_eq!(labels.first().map(String::as_str), Some("01-31"));
        assert_eq!(
            labels.last().map(String::as_str),
            Some("03-02"),
            "today last"
        );
        assert_eq!(day_axis(&a.shell, &days(), 60).0.len(), 4);
        assert_eq!(day_axis(&a.shell, &days(), 30).0[1], "02-15");
    }
}
