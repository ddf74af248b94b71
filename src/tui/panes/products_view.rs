//! Drawing the products pane: the search line, the filter line, the table (only its visible
//! rows are built), and the form or picker on top.

use super::*;
use crate::tui::i18n::money;

impl ProductsPane {
    pub fn draw(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let [bar, info, table] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Fill(1),
        ])
        .areas(area);
        self.draw_search(f, bar, info, shell);
        self.draw_table(f, table, shell);
        if let Some(ed) = &self.editor {
            let w = area.width.min(76);
            let footer = shell.t(if ed.form.busy {
                Msg::Saving
            } else {
                Msg::HintForm
            });
            let r = widgets::centered(area, w, ed.form.height(shell, w, footer));
            ed.form.draw(f, r, shell, footer);
        }
        if let Some(p) = &self.picker {
            p.draw(f, area, shell);
        }
    }

    fn draw_search(&self, f: &mut Frame, bar: Rect, info: Rect, shell: &Shell) {
        let th = &shell.theme;
        let count = match self.list.number() {
            _ if self.key().searching() && self.len() >= shell.page_size => {
                shell.tf(Msg::MatchesCapped, &[&shell.page_size.to_string()])
            }
            _ if self.is_empty() => String::new(),
            // Counted, or walked to the end; before the count arrives after End, nothing.
            Some(n) if self.list.total.is_some() => {
                shell.tf(Msg::RowsOf, &[&n.to_string(), &self.len().to_string()])
            }
            _ => String::new(),
        };
        let cursor = self.search_focus && self.editor.is_none() && self.picker.is_none();
        let placeholder = shell.t(Msg::SearchPlaceholder);
        crate::tui::widgets::search_bar(
            f,
            bar,
            shell,
            &self.search,
            self.search_focus,
            cursor,
            placeholder,
            &count,
            48,
        );
        let active = match self.key().active {
            Some(true) => shell.t(Msg::FilterActiveOnly),
            Some(false) => shell.t(Msg::FilterInactiveOnly),
            None => shell.t(Msg::FilterAll),
        };
        let cat = self
            .category_name
            .clone()
            .unwrap_or_else(|| shell.t(Msg::AllCategories).to_string());
        let sort = if self.key().searching() {
            shell.t(Msg::SortRelevance).to_string()
        } else {
            let col = match self.key().sort {
                ProductSort::Sku => shell.t(Msg::ColSku),
                ProductSort::Name => shell.t(Msg::ColName),
                ProductSort::Price => shell.t(Msg::ColPrice),
                ProductSort::Updated => shell.t(Msg::ColUpdated),
            };
            shell.tf(
                Msg::SortedBy,
                &[col, if self.key().desc { "↓" } else { "↑" }],
            )
        };
        let mut spans = vec![Span::styled(
            format!(" {active} · {cat} · {sort}"),
            th.dim(),
        )];
        if let Some(e) = &self.list.error {
            spans.push(Span::styled(
                format!("  ✗ {}", fit(&shell.say(e), info.width as usize / 2)),
                th.error(),
            ));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), info);
    }

    fn draw_table(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let h = area.height.saturating_sub(1) as i64;
        let wide = area.width >= 100;
        let yes = shell.t(Msg::Yes);
        let no = shell.t(Msg::No);
        let rows: Vec<Row> = self
            .list
            .visible(h)
            .into_iter()
            .map(|(i, p)| {
                let style = if i == self.list.cursor {
                    th.selected()
                } else {
                    th.base()
                };
                match p {
                    Some(p) => {
                        let mut cells = vec![
                            p.sku.clone(),
                            p.name.clone(),
                            p.category.clone().unwrap_or_default(),
                            p.unit.clone(),
                            format!("{:>12}", money(shell.lang, p.price_cents)),
                        ];
                        if wide {
                            cells.push(format!("{:>9}", p.min_qty));
                        }
                        cells.push(if p.active { yes.into() } else { no.into() });
                        Row::new(cells).style(if p.active || i == self.list.cursor {
                            style
                        } else {
                            th.dim()
                        })
                    }
                    None => Row::new(vec!["…".to_string()]).style(th.dim().patch(style)),
                }
            })
            .collect();
        // Wider screens give the columns that get cut (SKU, category) more room; the name
        // takes the rest.
        let (sku_w, cat_w) = if area.width >= 120 {
            (18, 24)
        } else {
            (14, 14)
        };
        let mut widths = vec![
            Constraint::Length(sku_w),
            Constraint::Fill(1),
            Constraint::Length(cat_w),
            Constraint::Length(6),
            Constraint::Length(12),
        ];
        let mut header = vec![
            shell.t(Msg::ColSku).to_string(),
            shell.t(Msg::ColName).to_string(),
            shell.t(Msg::ColCategory).to_string(),
            shell.t(Msg::ColUnit).to_string(),
            format!("{:>12}", shell.t(Msg::ColPrice)),
        ];
        if wide {
            widths.push(Constraint::Length(9));
            header.push(format!("{:>9}", shell.t(Msg::ColMin)));
        }
        widths.push(Constraint::Length(6));
        header.push(shell.t(Msg::ColActive).to_string());
        let header = Row::new(header).style(th.header());
        if self.list.is_empty() {
            widgets::empty_table(f, area, shell, header, widths, shell.t(Msg::NoProducts));
            return;
        }
        f.render_widget(
            Table::new(rows, widths).header(header).column_spacing(1),
            area,
        );
    }
}
