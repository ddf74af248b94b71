//! The forms of the products pane: create or edit a product, add a category, add a unit.
//! Each field is checked by the catalog service when the focus leaves it, and the errors the
//! service returns on save land next to their fields.

use crate::db::master::{Category, Unit};
use crate::service::catalog::{FieldError, ProductInput, ProductView};
use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::form::{Field, Form};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditorKind {
    Product,
    Category,
    Unit,
}

#[derive(Debug, Clone)]
pub struct Editor {
    pub kind: EditorKind,
    pub form: Form,
    /// The SKU of the product being edited (`None` for a new one).
    pub original: Option<String>,
    /// Fields the user has left at least once: only their errors show before a save.
    pub touched: Vec<&'static str>,
}

impl Editor {
    pub fn product(shell: &Shell, p: Option<&ProductView>) -> Editor {
        let v = |f: fn(&ProductView) -> String| p.map(f).unwrap_or_default();
        let title = match p {
            Some(p) => shell.tf(Msg::EditProduct, &[&p.sku]),
            None => shell.t(Msg::NewProduct).to_string(),
        };
        let form = Form::new(
            title,
            vec![
                Field::new("sku", Msg::ColSku).value(&v(|p| p.sku.clone())),
                Field::new("name", Msg::Name).value(&v(|p| p.name.clone())),
                Field::new("barcode", Msg::Barcode)
                    .value(&v(|p| p.barcode.clone().unwrap_or_default())),
                Field::new("category", Msg::Category)
                    .value(&v(|p| p.category.clone().unwrap_or_default())),
                Field::new("unit", Msg::Unit).value(&v(|p| p.unit.clone())),
                Field::new("price", Msg::Price).value(&v(|p| p.price.clone())),
                Field::new("min_qty", Msg::MinQty).value(&v(|p| p.min_qty.clone())),
            ],
        );
        Editor {
            kind: EditorKind::Product,
            form,
            original: p.map(|p| p.sku.clone()),
            touched: Vec::new(),
        }
    }

    pub fn category(shell: &Shell) -> Editor {
        let form = Form::new(
            shell.t(Msg::NewCategory).into(),
            vec![Field::new("name", Msg::Name)],
        );
        Editor {
            kind: EditorKind::Category,
            form,
            original: None,
            touched: Vec::new(),
        }
    }

    pub fn unit(shell: &Shell) -> Editor {
        let form = Form::new(
            shell.t(Msg::NewUnit).into(),
            vec![
                Field::new("code", Msg::UnitCode),
                Field::new("name", Msg::Name),
                Field::new("decimals", Msg::Decimals).value("0"),
            ],
        );
        Editor {
            kind: EditorKind::Unit,
            form,
            original: None,
            touched: Vec::new(),
        }
    }

    /// What the product form holds, as the catalog service takes it.
    pub fn product_input(&self) -> ProductInput {
        let f = &self.form;
        ProductInput {
            sku: f.value("sku").to_string(),
            name: f.value("name").to_string(),
            barcode: f.opt("barcode"),
            category: f.opt("category"),
            unit: f.opt("unit"),
            price: f.opt("price"),
            min_qty: f.opt("min_qty"),
            active: None,
        }
    }

    pub fn touch(&mut self, i: usize) {
        if let Some(k) = self.form.fields.get(i).map(|f| f.key)
            && !self.touched.contains(&k)
        {
            self.touched.push(k);
        }
    }

    /// Shows the service's verdict: errors of touched fields (all with `all`), and clears the
    /// touched fields it found fine.
    pub fn show_errors(&mut self, errs: &[FieldError], all: bool) {
        let touched = self.touched.clone();
        for f in &mut self.form.fields {
            if all || touched.contains(&f.key) {
                f.error = None;
            }
        }
        let shown: Vec<(String, String)> = errs
            .iter()
            .filter(|e| {
                all || touched.contains(&e.field)
                    || !self.form.fields.iter().any(|f| f.key == e.field)
            })
            .map(|e| (e.field.to_string(), e.message.clone()))
            .collect();
        self.form.set_errors(&shown, all);
    }

    /// Lists the known categories or units that match what is typed in the focused field.
    pub fn refresh_hint(&mut self, shell: &Shell, cats: &[Category], units: &[Unit]) {
        let key = self.form.focused_key();
        let typed = self.form.value(key).trim().to_lowercase();
        let names: Vec<String> = match key {
            "category" => cats.iter().map(|c| c.name.clone()).collect(),
            "unit" => units.iter().map(|u| u.code.clone()).collect(),
            _ => {
                for f in &mut self.form.fields {
                    f.hint = None;
                }
                return;
            }
        };
        let mut matching: Vec<&String> = names
            .iter()
            .filter(|n| n.to_lowercase().starts_with(&typed))
            .collect();
        if matching.is_empty() {
            matching = names.iter().collect();
        }
        let mut hint = matching
            .iter()
            .take(6)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        if matching.len() > 6 {
            hint.push_str(", …");
        }
        if hint.is_empty() {
            hint = shell.t(Msg::NoneYet).to_string();
        }
        let text = shell.tf(Msg::Known, &[&hint]);
        for f in &mut self.form.fields {
            f.hint = (f.key == key).then(|| text.clone());
        }
    }
}
