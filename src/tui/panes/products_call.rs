//! The service calls of the products pane, run on tasks of their own. Replies echo the view
//! they answer so the pane can tell a reply for what is on screen from one that is out of date.

use super::paged::Place;
use crate::Actor;
use crate::db::keyset::Seek;
use crate::db::master::{Category, ProductCursor, ProductFilter, ProductSort, Unit};
use crate::service::Services;
use crate::service::catalog::{FieldError, ProductInput, ProductQuery, ProductView};
use crate::tui::event::need_actor;

/// What the table shows: search text (empty = browse), filters and order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewKey {
    pub text: String,
    pub category: Option<String>,
    pub active: Option<bool>,
    pub sort: ProductSort,
    pub desc: bool,
}

impl Default for ViewKey {
    fn default() -> Self {
        ViewKey {
            text: String::new(),
            category: None,
            active: Some(true),
            sort: ProductSort::Sku,
            desc: false,
        }
    }
}

impl ViewKey {
    pub fn searching(&self) -> bool {
        !self.text.trim().is_empty()
    }

    fn filter(&self) -> ProductFilter {
        ProductFilter {
            category_id: self.category.clone(),
            active: self.active,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Call {
    Page {
        key: ViewKey,
        place: Place,
        seek: Seek<ProductCursor>,
        limit: i64,
    },
    Count {
        key: ViewKey,
    },
    Lookups,
    Validate {
        original: Option<String>,
        input: ProductInput,
    },
    Save {
        original: Option<String>,
        input: ProductInput,
    },
    SetActive {
        sku: String,
        active: bool,
    },
    AddCategory {
        name: String,
    },
    AddUnit {
        code: String,
        name: String,
        decimals: i64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum SaveError {
    Fields(Vec<FieldError>),
    Other(String),
}

#[derive(Debug)]
pub enum Reply {
    Page {
        key: ViewKey,
        place: Place,
        /// The rows asked for.
        limit: i64,
        rows: Result<Vec<ProductView>, String>,
    },
    Count {
        key: ViewKey,
        total: Result<i64, String>,
    },
    Lookups(Result<(Vec<Category>, Vec<Unit>), String>),
    Validated(Vec<FieldError>),
    Saved(Result<ProductView, SaveError>),
    ActiveSet(Result<ProductView, String>),
    CategoryAdded(Result<Category, String>),
    UnitAdded(Result<Unit, String>),
}

fn text(e: impl ToString) -> String {
    e.to_string()
}

async fn views(s: &Services, p: crate::db::master::Product) -> Result<ProductView, String> {
    s.product_views(&[p])
        .await
        .map_err(text)?
        .pop()
        .ok_or_else(|| "the product vanished".to_string())
}

impl Call {
    pub async fn run(self, s: &Services, actor: Option<Actor>) -> Reply {
        match self {
            Call::Page {
                key,
                place,
                seek,
                limit,
            } => {
                let q = ProductQuery {
                    text: key.searching().then(|| key.text.clone()),
                    filter: key.filter(),
                    sort: key.sort,
                    desc: key.desc,
                    limit,
                    seek,
                };
                let rows = match s.search_products(&q).await {
                    Ok(ps) => s.product_views(&ps).await.map_err(text),
                    Err(e) => Err(text(e)),
                };
                Reply::Page {
                    key,
                    place,
                    limit,
                    rows,
                }
            }
            Call::Count { key } => {
                let total = s.count_products(&key.filter()).await.map_err(text);
                Reply::Count { key, total }
            }
            Call::Lookups => Reply::Lookups(
                async { Ok((s.list_categories().await?, s.list_units().await?)) }
                    .await
                    .map_err(|e: crate::Error| text(e)),
            ),
            Call::Validate { original, input } => {
                let existing = match original {
                    Some(code) => s.product_by_code(&code).await.ok().flatten(),
                    None => None,
                };
                Reply::Validated(
                    s.validate_product(&input, existing.as_ref())
                        .await
                        .err()
                        .unwrap_or_default(),
                )
            }
            Call::Save { original, input } => Reply::Saved(save(s, actor, original, input).await),
            Call::SetActive { sku, active } => Reply::ActiveSet(
                async {
                    let actor = need_actor(actor)?;
                    let p = s
                        .set_product_active(&actor, &sku, active)
                        .await
                        .map_err(text)?;
                    views(s, p).await
                }
                .await,
            ),
            Call::AddCategory { name } => Reply::CategoryAdded(
                async {
                    s.add_category(&need_actor(actor)?, &name)
                        .await
                        .map_err(text)
                }
                .await,
            ),
            Call::AddUnit {
                code,
                name,
                decimals,
            } => Reply::UnitAdded(
                async {
                    s.add_unit(&need_actor(actor)?, &code, &name, decimals)
                        .await
                        .map_err(text)
                }
                .await,
            ),
        }
    }
}

/// Validates field by field first (so each error can sit by its field), then saves.
async fn save(
    s: &Services,
    actor: Option<Actor>,
    original: Option<String>,
    input: ProductInput,
) -> Result<ProductView, SaveError> {
    let actor = need_actor(actor).map_err(SaveError::Other)?;
    let existing = match &original {
        Some(code) => Some(
            s.product_by_code(code)
                .await
                .map_err(|e| SaveError::Other(text(e)))?
                .ok_or_else(|| SaveError::Other(format!("product '{code}' not found")))?,
        ),
        None => None,
    };
    s.validate_product(&input, existing.as_ref())
        .await
        .map_err(SaveError::Fields)?;
    let p = match original {
        Some(code) => s.update_product(&actor, &code, &input).await,
        None => s.add_product(&actor, &input).await,
    }
    .map_err(|e| SaveError::Other(text(e)))?;
    views(s, p).await.map_err(SaveError::Other)
}
