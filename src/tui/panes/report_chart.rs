//! The reports' charts: in and out per day over the movement report's period (a bar chart
//! with a day axis and a value axis), and the valuation's value per location or category
//! (horizontal bars, the largest first). Values are the services' exact cents; they become
//! floating point only as coordinates on screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Bar, BarChart, Block, Chart, Dataset, GraphType, LegendPosition};

use super::report_fmt::{day, money};
use crate::domain::Money;
use crate::service::reports::{DayFlow, Valuation, ValuationBy};
use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::fit;

fn block(shell: &Shell, title: String) -> Block<'static> {
    Block::bordered()
        .title(Span::styled(format!(" {title} "), shell.theme.title()))
        .border_style(shell.theme.border())
}

/// Whole currency units, grouped (`1,251,275`): the cents of an axis label say nothing.
fn whole(shell: &Shell, cents: i64) -> String {
    let m = money(shell, Money(cents - cents % 100));
    m.get(..m.len().saturating_sub(3)).unwrap_or(&m).to_string()
}

pub fn in_out_per_day(f: &mut Frame, area: Rect, shell: &Shell, days: &[DayFlow]) {
    let th = &shell.theme;
    let b = block(shell, shell.t(Msg::RptChartInOut).to_string());
    if days.is_empty() {
        f.render_widget(b, area);
        return;
    }
    // A bar per day for each, in just left of the day and out just right of it.
    let point = |i: usize, off: f64, cents: i64| (i as f64 + off, cents.max(0) as f64 / 100.0);
    let ins: Vec<(f64, f64)> = days
        .iter()
        .enumerate()
        .filter(|(_, d)| d.value_in.0 > 0)
        .map(|(i, d)| point(i, -0.15, d.value_in.0))
        .collect();
    let outs: Vec<(f64, f64)> = days
        .iter()
        .enumerate()
        .filter(|(_, d)| d.value_out.0 > 0)
        .map(|(i, d)| point(i, 0.15, d.value_out.0))
        .collect();
    let max = days
        .iter()
        .map(|d| d.value_in.0.max(d.value_out.0))
        .max()
        .unwrap_or(0)
        .max(100);
    let last = days.len() - 1;
    let mut x_labels = vec![day(shell, days[0].day)];
    if last >= 2 && area.width >= 50 {
        x_labels.push(day(shell, days[last / 2].day));
    }
    if last >= 1 {
        x_labels.push(day(shell, days[last].day));
    }
    let y_labels = vec!["0".to_string(), whole(shell, max / 2), whole(shell, max)];
    let datasets = vec![
        Dataset::default()
            .name(shell.t(Msg::RptIn))
            .marker(Marker::Braille)
            .graph_type(GraphType::Bar)
            .style(th.spark_in())
            .data(&ins),
        Dataset::default()
            .name(shell.t(Msg::RptOut))
            .marker(Marker::Braille)
            .graph_type(GraphType::Bar)
            .style(th.spark_out())
            .data(&outs),
    ];
    let chart = Chart::new(datasets)
        .block(b)
        .x_axis(
            Axis::default()
                .style(th.dim())
                .bounds([-0.5, last as f64 + 0.5])
                .labels(x_labels),
        )
        .y_axis(
            Axis::default()
                .style(th.dim())
                .bounds([0.0, max as f64 / 100.0])
                .labels(y_labels),
        )
        .legend_position(Some(LegendPosition::TopLeft))
        .hidden_legend_constraints((
            ratatui::layout::Constraint::Ratio(1, 2),
            ratatui::layout::Constraint::Ratio(1, 2),
        ));
    f.render_widget(chart, area);
}

pub fn value_per_group(f: &mut Frame, area: Rect, shell: &Shell, v: &Valuation) {
    let title = match v.by {
        ValuationBy::Category => Msg::RptChartByCategory,
        _ => Msg::RptChartByLocation,
    };
    let b = block(shell, shell.t(title).to_string());
    let inner = b.inner(area);
    let mut rows: Vec<_> = v.rows.iter().collect();
    rows.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.key.cmp(&b.key)));
    rows.truncate(usize::from(inner.height));
    let label_w = usize::from(inner.width / 4).clamp(6, 20);
    let bars: Vec<Bar> = rows
        .iter()
        .map(|r| {
            Bar::with_label(fit(&r.key, label_w), (r.value.0.max(0) / 100) as u64)
                .text_value(money(shell, r.value))
        })
        .collect();
    f.render_widget(
        BarChart::horizontal(bars)
            .block(b)
            .bar_width(1)
            .bar_gap(0)
            .bar_style(shell.theme.spark_in())
            .value_style(shell.theme.title()),
        area,
    );
}
