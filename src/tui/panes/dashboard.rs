//! The dashboard: totals, 30-day sparklines of receipts and issues (charts with a day axis and
//! a value axis from 120 columns, see [`chart`]), the low-stock list, recent transactions and
//! the shards' health. It reloads itself every few seconds while shown; the
//! old figures stay on screen until the new ones arrive, so input never waits for it.

use chrono::NaiveDateTime;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Sparkline};

use crate::domain::Quantity;
use crate::service::Services;
use crate::service::dashboard::Dashboard;
use crate::service::ping::ShardPing;
use crate::tui::action::Action;
use crate::tui::event::{self, PaneId};
use crate::tui::i18n::{Msg, money};
use crate::tui::shell::Shell;
use crate::tui::widgets::fit;

/// Seconds between reloads while the dashboard is shown.
pub const REFRESH_SECS: i64 = 10;

#[derive(Debug, Clone)]
pub enum Call {
    Load,
}

#[derive(Debug)]
pub enum Reply {
    /// The figures, and a ping of each shard (which answers even when the figures fail).
    Loaded(Result<Box<Dashboard>, String>, Vec<ShardPing>),
}

impl Call {
    pub async fn run(self, s: &Services) -> Reply {
        match self {
            Call::Load => {
                let (d, pings) = tokio::join!(s.dashboard(), s.ping_shards());
                Reply::Loaded(d.map(Box::new).map_err(|e| e.to_string()), pings)
            }
        }
    }
}

#[derive(Default)]
pub struct DashboardPane {
    pub data: Option<Box<Dashboard>>,
    pub error: Option<String>,
    pub loaded_at: Option<NaiveDateTime>,
    pub pings: Vec<ShardPing>,
    requested_at: Option<NaiveDateTime>,
}

pub const PANE: PaneId = PaneId::Dashboard;

impl DashboardPane {
    pub fn refresh(&mut self, shell: &mut Shell) {
        self.requested_at = Some(shell.now);
        shell.send("load", event::Call::Dashboard(Call::Load));
    }

    fn due(&self, now: NaiveDateTime) -> bool {
        self.requested_at
            .is_none_or(|t| (now - t).num_seconds() >= REFRESH_SECS)
    }

    /// Shown again: reload unless the figures are fresh.
    pub fn on_enter(&mut self, shell: &mut Shell) {
        if self.due(shell.now) && !shell.busy(PANE, "load") {
            self.refresh(shell);
        }
    }

    pub fn on_tick(&mut self, shell: &mut Shell) {
        self.on_enter(shell);
    }

    pub fn on_action(&mut self, shell: &mut Shell, a: Action) -> bool {
        match a {
            Action::Refresh => {
                self.refresh(shell);
                true
            }
            _ => false,
        }
    }

    pub fn on_reply(&mut self, shell: &mut Shell, r: Reply) {
        let Reply::Loaded(res, pings) = r;
        for (i, p) in pings.iter().enumerate().take(3) {
            shell.pinged[i] = Some(p.latency_us.is_some());
        }
        self.pings = pings;
        match res {
            Ok(d) => {
                self.data = Some(d);
                self.error = None;
                self.loaded_at = Some(shell.now);
            }
            Err(e) => self.error = Some(shell.tf(Msg::DashFailed, &[&shell.say(&e)])),
        }
    }

    pub fn on_failed(&mut self, msg: String) {
        self.error = Some(msg);
    }

    pub fn keys(&self) -> Vec<(&'static str, Msg)> {
        vec![("r Ctrl-R", Msg::KeyRefresh)]
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let Some(d) = &self.data else {
            // No figures (yet): say why, and show which shards answer.
            let text = self
                .error
                .clone()
                .unwrap_or_else(|| shell.t(Msg::Loading).to_string());
            let style = if self.error.is_some() {
                th.error()
            } else {
                th.dim()
            };
            let [msg, shards] = Layout::vertical([
                Constraint::Length(3),
                Constraint::Length(self.shard_line_count(shell) + 2),
            ])
            .areas(area);
            f.render_widget(
                Paragraph::new(Span::styled(text, style))
                    .wrap(ratatui::widgets::Wrap { trim: true }),
                msg,
            );
            if self.shard_line_count(shell) > 0 {
                self.draw_shards(
                    f,
                    Rect {
                        width: area.width.min(80),
                        ..shards
                    },
                    shell,
                );
            }
            return;
        };
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(area);
        let [totals, sparks] =
            Layout::vertical([Constraint::Length(9), Constraint::Fill(1)]).areas(left);
        self.draw_totals(f, totals, shell, d);
        if area.width >= chart::CHART_COLUMNS {
            chart::series(f, sparks, shell, d);
        } else {
            let [rin, rout] =
                Layout::vertical([Constraint::Fill(1), Constraint::Fill(1)]).areas(sparks);
            let receipts: Vec<u64> = d.daily.iter().map(|p| p.receipts.max(0) as u64).collect();
            let issues: Vec<u64> = d.daily.iter().map(|p| p.issues.max(0) as u64).collect();
            spark(f, rin, shell, Msg::DashReceipts, &receipts, th.spark_in());
            spark(f, rout, shell, Msg::DashIssues, &issues, th.spark_out());
        }
        // Three lines (one a shard) unless the shards have replicas; at most half the column.
        let shards_h = (self.shard_line_count(shell).max(3) + 2).min(right.height / 2);
        let [shards, low, recent] = Layout::vertical([
            Constraint::Length(shards_h),
            Constraint::Fill(1),
            Constraint::Fill(1),
        ])
        .areas(right);
        self.draw_shards(f, shards, shell);
        self.draw_low(f, low, shell, d);
        self.draw_recent(f, recent, shell, d);
        if let Some(e) = &self.error {
            let r = Rect {
                y: area.bottom().saturating_sub(1),
                height: 1,
                ..area
            };
            f.render_widget(
                Paragraph::new(Span::styled(fit(e, r.width as usize), th.error())),
                r,
            );
        }
    }

    fn draw_totals(&self, f: &mut Frame, area: Rect, shell: &Shell, d: &Dashboard) {
        let th = &shell.theme;
        let updated = self
            .loaded_at
            .map(|t| shell.tf(Msg::DashUpdated, &[&t.format("%H:%M:%S").to_string()]))
            .unwrap_or_default();
        let block = block(shell, Msg::DashTotals).title_bottom(
            Line::from(Span::styled(format!(" {updated} "), th.dim())).right_aligned(),
        );
        let inner = block.inner(area);
        f.render_widget(block, area);
        let rows = [
            (Msg::DashActiveProducts, d.active_products.to_string()),
            (Msg::DashLocations, d.locations.to_string()),
            (Msg::DashStockValue, money(shell.lang, d.stock_value)),
            (Msg::DashTxnToday, d.txn_today.to_string()),
            (Msg::DashTxnMonth, d.txn_month.to_string()),
            (Msg::DashValueIn, money(shell.lang, d.value_in)),
            (Msg::DashValueOut, money(shell.lang, d.value_out)),
        ];
        let w = inner.width as usize;
        let lines: Vec<Line> = rows
            .iter()
            .map(|(m, v)| {
                let label = fit(shell.t(*m), w.saturating_sub(v.len() + 1));
                let pad = w.saturating_sub(label.chars().count() + v.len());
                Line::from(vec![
                    Span::raw(label),
                    Span::raw(" ".repeat(pad)),
                    Span::styled(v.clone(), th.title()),
                ])
            })
            .collect();
        f.render_widget(Paragraph::new(lines), inner);
    }

    fn draw_low(&self, f: &mut Frame, area: Rect, shell: &Shell, d: &Dashboard) {
        let th = &shell.theme;
        let block = block(shell, Msg::DashLowStock);
        let inner = block.inner(area);
        f.render_widget(block, area);
        if d.low_stock.is_empty() {
            f.render_widget(
                Paragraph::new(Span::styled(shell.t(Msg::DashNoLowStock), th.dim())),
                inner,
            );
            return;
        }
        let w = inner.width as usize;
        // Wider: the location's path and the SKU get the room they were cut to.
        let (loc_w, sku_w) = if w >= 70 { (21, 17) } else { (8, 13) };
        let lines: Vec<Line> = d
            .low_stock
            .iter()
            .take(inner.height as usize)
            .map(|s| {
                let qty = format!("{} / {}", s.quantity, s.min);
                let name_w = w.saturating_sub(loc_w + sku_w + qty.len() + 1);
                Line::from(vec![
                    Span::raw(format!(
                        "{:<loc_w$}",
                        super::pick::fit_path(&s.location, loc_w - 1)
                    )),
                    Span::raw(format!("{:<sku_w$}", fit(&s.sku, sku_w - 1))),
                    Span::styled(format!("{:<name_w$}", fit(&s.name, name_w)), th.dim()),
                    Span::styled(format!(" {qty}"), th.warn()),
                ])
            })
            .collect();
        f.render_widget(Paragraph::new(lines), inner);
    }

    fn draw_recent(&self, f: &mut Frame, area: Rect, shell: &Shell, d: &Dashboard) {
        let th = &shell.theme;
        let block = block(shell, Msg::DashRecent);
        let inner = block.inner(area);
        f.render_widget(block, area);
        if d.recent.is_empty() {
            f.render_widget(
                Paragraph::new(Span::styled(shell.t(Msg::DashNoRecent), th.dim())),
                inner,
            );
            return;
        }
        let w = inner.width as usize;
        let lines: Vec<Line> = d
            .recent
            .iter()
            .take(inner.height as usize)
            .map(|h| {
                let style = match h.status.as_str() {
                    "posted" => th.ok(),
                    "rejected" => th.error(),
                    _ => th.warn(),
                };
                let value = money(shell.lang, h.total_value);
                let status = match h.status.as_str() {
                    "posted" => shell.t(Msg::StatusPosted),
                    "rejected" => shell.t(Msg::StatusRejected),
                    _ => shell.t(Msg::StatusPending),
                };
                // Where there is room, the location's full path.
                let place = h
                    .dest_id
                    .as_ref()
                    .or(h.source_id.as_ref())
                    .and_then(|id| d.paths.get(id))
                    .or(h.dest_code.as_ref())
                    .or(h.source_code.as_ref())
                    .cloned()
                    .unwrap_or_default();
                let place = if w >= 70 {
                    place
                } else {
                    h.dest_code
                        .clone()
                        .or_else(|| h.source_code.clone())
                        .unwrap_or_default()
                };
                // Wide enough: where and how much; narrow: number, status and value only.
                let value_w = value.chars().count() + 1;
                let status_w = 11.min(w.saturating_sub(16 + value_w));
                let mid_w = w.saturating_sub(16 + status_w + value_w);
                let mid = if mid_w >= 12 {
                    fit(&format!("{place} {}", Quantity(h.total_qty)), mid_w)
                } else {
                    String::new()
                };
                Line::from(vec![
                    Span::raw(format!("{:<16}", fit(&h.number, 15))),
                    Span::styled(
                        format!("{:<status_w$}", fit(status, status_w.saturating_sub(1))),
                        style,
                    ),
                    Span::styled(format!("{mid:<mid_w$}"), th.dim()),
                    Span::raw(format!(" {value}")),
                ])
            })
            .collect();
        f.render_widget(Paragraph::new(lines), inner);
    }
}

fn block(shell: &Shell, title: Msg) -> Block<'static> {
    Block::bordered()
        .title(Span::styled(
            format!(" {} ", shell.t(title)),
            shell.theme.title(),
        ))
        .border_style(shell.theme.border())
}

fn spark(
    f: &mut Frame,
    area: Rect,
    shell: &Shell,
    title: Msg,
    data: &[u64],
    style: ratatui::style::Style,
) {
    let max = data.iter().copied().max().unwrap_or(0);
    let b = Block::bordered()
        .title(Span::styled(
            format!(" {} ", shell.tf(title, &[&max.to_string()])),
            shell.theme.title(),
        ))
        .border_style(shell.theme.border());
    // One day per column is thin on a wide screen: give each day the same share of the width.
    let per_day = (usize::from(area.width.saturating_sub(2)) / data.len().max(1)).max(1);
    let wide: Vec<u64> = data
        .iter()
        .flat_map(|v| std::iter::repeat_n(*v, per_day))
        .collect();
    f.render_widget(
        Sparkline::default()
            .block(b)
            .data(&wide)
            .max(max.max(1))
            .style(style),
        area,
    );
}

#[path = "dashboard_chart.rs"]
pub mod chart;
#[path = "dashboard_shards.rs"]
mod shards;
#[cfg(test)]
#[path = "dashboard_tests.rs"]
pub(crate) mod tests;
