//! The dashboard's Shards box: for each server shard a line per node (role, whether it
//! answers or since when it has not, read-only or not, latency, and for replicas how old their
//! data is), as the shard's monitor last saw it and the clock tick brought it; for a SQLite
//! shard, the dashboard's last ping. Wide boxes spell the words out and add the last error;
//! the narrow one (80 columns) keeps each line to 38.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{DashboardPane, block};
use crate::service::ping::ShardPing;
use crate::tui::event::{self, NodeMark};
use crate::tui::i18n::{Msg, age};
use crate::tui::shell::Shell;
use crate::tui::widgets::{fit_spans, local_clock};

impl DashboardPane {
    /// The Shards box: a line per node of each server shard (role, answers or since when not,
    /// read-only or not, latency, and for replicas how old their data is, as the monitor last
    /// saw them), or for a SQLite shard the dashboard's last ping.
    pub(super) fn draw_shards(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let block = block(shell, Msg::DashShards);
        let inner = block.inner(area);
        f.render_widget(block, area);
        let lines = self.shard_lines(shell, inner.width as usize);
        f.render_widget(Paragraph::new(lines), inner);
    }

    /// How many lines the Shards box has inside its border.
    pub(super) fn shard_line_count(&self, shell: &Shell) -> u16 {
        event::SHARD_LETTERS
            .iter()
            .zip(&shell.shards)
            .map(|((name, _), m)| match m.nodes.len() {
                0 => u16::from(self.pings.iter().any(|p| p.shard == *name)),
                n => n as u16,
            })
            .sum()
    }

    fn shard_lines(&self, shell: &Shell, w: usize) -> Vec<Line<'static>> {
        let mut out = Vec::new();
        for ((name, _), m) in event::SHARD_LETTERS.iter().zip(&shell.shards) {
            if m.nodes.is_empty() {
                if let Some(p) = self.pings.iter().find(|p| p.shard == *name) {
                    out.push(ping_line(shell, p));
                }
                continue;
            }
            for (i, n) in m.nodes.iter().enumerate() {
                let label = if i == 0 { name.as_str() } else { "" };
                let mut spans = vec![(format!("{label:<12}"), Style::default())];
                spans.extend(node_spans(shell, n, w >= WIDE_SHARDS));
                out.push(fit_spans(spans, w));
            }
        }
        out
    }
}

/// From this inner width on, the Shards box spells its words out and shows errors.
const WIDE_SHARDS: usize = 64;

/// A SQLite shard's line: the dashboard's last ping.
fn ping_line(shell: &Shell, p: &ShardPing) -> Line<'static> {
    let th = &shell.theme;
    let (mark, word, style) = match p.latency_us {
        Some(_) => ("●", shell.t(Msg::DashReachable), th.ok()),
        None => ("✗", shell.t(Msg::DashUnreachable), th.error()),
    };
    let latency = p
        .latency_us
        .map(|us| format!("{:>5}.{} ms", us / 1000, (us % 1000) / 100))
        .unwrap_or_default();
    let mut spans = vec![
        Span::raw(format!("{:<12}", p.shard.as_str())),
        Span::styled(format!("{mark} {word:<12}"), style),
        Span::styled(latency, th.dim()),
    ];
    if let Some(e) = &p.error {
        spans.push(Span::styled(format!(" {}", shell.say(e)), th.error()));
    }
    Line::from(spans)
}

/// One node after the shard's name: role, state, read-only, latency, lag; `wide` spells the
/// words out (`● reachable  read-only  0.4 ms  lag 0.3 s`) and adds the last error, narrow
/// keeps to 38 columns (`● ro 0.4ms lag 0s`).
fn node_spans(shell: &Shell, n: &NodeMark, wide: bool) -> Vec<(String, Style)> {
    let th = &shell.theme;
    let role = shell.t(if n.primary {
        Msg::NodePrimary
    } else {
        Msg::NodeReplica
    });
    let mut out = vec![(format!("{role:<8}"), th.dim())];
    if n.down_since.is_some() || !n.reachable {
        // Not answering (as a primary): since when, and in a wide box why. No columns to line
        // up with, so the error gets the room.
        let mut words = Vec::new();
        if wide || n.down_since.is_none() {
            words.push(
                shell
                    .t(match n.down_since {
                        Some(_) => Msg::NodeDown,
                        None => Msg::DashUnreachable,
                    })
                    .to_string(),
            );
        }
        if let Some(t) = n.down_since {
            words.push(shell.tf(Msg::NodeSince, &[&local_clock(shell, t)]));
        }
        let lead = if wide { " " } else { "" };
        out.push((format!("{lead}✗ {}", words.join(" ")), th.error()));
        if let Some(e) = n.error.as_ref().filter(|_| wide) {
            out.push((format!("  {}", shell.say(e)), th.error()));
        }
        return out;
    }
    let access = match (n.read_only, wide) {
        (Some(true), true) => shell.t(Msg::NodeReadOnly),
        (Some(false), true) => shell.t(Msg::NodeReadWrite),
        (Some(true), false) => shell.t(Msg::NodeRo),
        (Some(false), false) => shell.t(Msg::NodeRw),
        (None, _) => "",
    };
    let latency = n.latency_us.map(|us| latency(us, wide)).unwrap_or_default();
    if wide {
        let up = shell.t(Msg::DashReachable);
        out.push((format!(" ● {up:<11} "), th.ok()));
        out.push((format!("{access:<11}"), Style::default()));
        out.push((format!("{latency:>9}"), th.dim()));
    } else {
        out.push(("● ".into(), th.ok()));
        out.push((format!("{access:<3}"), Style::default()));
        out.push((format!("{latency:>5}"), th.dim()));
    }
    if let Some(ms) = n.lag_ms.filter(|_| !n.primary) {
        let text = age(shell.lang, ms, !wide);
        let style = if ms > 2_000 { th.warn() } else { th.dim() };
        out.push((format!(" {}", shell.tf(Msg::NodeLag, &[&text])), style));
    }
    out
}

/// A round trip: `0.4 ms` (wide) or `0.4ms`, whole milliseconds from 10 on.
fn latency(us: u64, wide: bool) -> String {
    let unit = if wide { " ms" } else { "ms" };
    if us < 10_000 {
        format!("{}.{}{unit}", us / 1000, (us % 1000) / 100)
    } else {
        format!("{}{unit}", us / 1000)
    }
}
