//! Commands on master and location data: init, users, categories, units, products,
//! locations and stock.

use clap::{Args, Subcommand};
use gudang::db::master::ProductFilter;
use gudang::domain::Role;
use gudang::domain::ids::display_time;
use gudang::service::catalog::{ProductInput, ProductQuery};
use gudang::{Config, Services};

use super::out::{self, Failure};
use super::{Global, actor};

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Add a user
    Add {
        email: String,
        #[arg(long)]
        name: String,
        /// viewer, clerk, supervisor or admin
        #[arg(long)]
        role: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users
    List {
        #[arg(long)]
        json: bool,
    },
    /// Set a user's password (also unlocks the account)
    Passwd {
        email: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a user
    Disable { email: String },
    /// Enable a disabled user
    Enable { email: String },
    /// Change a user's role
    Role { email: String, role: String },
}

#[derive(Subcommand, Debug)]
pub enum CategoryCmd {
    /// Add a category
    Add { name: String },
    /// List categories
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum UnitCmd {
    /// Add a unit of measure
    Add {
        code: String,
        #[arg(long)]
        name: String,
        /// Decimal places a quantity in this unit may have (0..3)
        #[arg(long, default_value_t = 0)]
        decimals: i64,
    },
    /// List units
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug, Clone, Default)]
pub struct ProductFields {
    #[arg(long)]
    pub barcode: Option<String>,
    #[arg(long)]
    pub category: Option<String>,
    #[arg(long)]
    pub unit: Option<String>,
    /// Unit price, e.g. 12.50
    #[arg(long)]
    pub price: Option<String>,
    /// Default minimum quantity (low-stock threshold)
    #[arg(long)]
    pub min_qty: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum ProductCmd {
    /// Add a product
    Add {
        #[arg(long)]
        sku: String,
        #[arg(long)]
        name: String,
        #[command(flatten)]
        fields: ProductFields,
    },
    /// Edit a product (found by SKU or barcode); only the given fields change
    Edit {
        code: String,
        #[arg(long)]
        sku: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        fields: ProductFields,
    },
    /// Deactivate a product (kept in history; no new postings)
    Deactivate { code: String },
    /// Reactivate a product
    Activate { code: String },
    /// Import products from CSV (columns sku,name,barcode,category,unit,price,min_qty,active);
    /// every row is checked first and any bad row imports nothing. `-` reads standard input
    Import {
        #[arg(value_name = "FILE.csv")]
        file: std::path::PathBuf,
    },
    /// Export every product as CSV, to FILE or to standard output
    Export {
        #[arg(value_name = "FILE.csv")]
        file: Option<std::path::PathBuf>,
    },
    /// List or search products
    List {
        /// SKU, barcode or part of the name
        #[arg(long)]
        search: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum LocationCmd {
    /// Add a location
    Add {
        code: String,
        #[arg(long)]
        name: String,
        /// Code of the enclosing location
        #[arg(long)]
        parent: Option<String>,
    },
    /// List locations
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct StockArgs {
    #[command(subcommand)]
    cmd: Option<StockCmd>,
    #[arg(long)]
    location: Option<String>,
    #[arg(long)]
    sku: Option<String>,
    /// Only rows below their minimum
    #[arg(long)]
    low: bool,
    #[arg(long, default_value_t = 1000)]
    limit: i64,
    #[arg(long)]
    json: bool,
}

/// A location as `location list --json` prints it: the parent by code, active as a boolean.
#[derive(serde::Serialize)]
struct LocationView<'a> {
    id: &'a str,
    code: &'a str,
    name: &'a str,
    parent: Option<&'a str>,
    active: bool,
    created_at: i64,
}

pub async fn init(
    config: Config,
    email: Option<String>,
    name: Option<String>,
    stdin: bool,
) -> Result<(), Failure> {
    let s = Services::open(config.clone()).await?;
    if s.has_users().await? {
        println!(
            "gudang is already initialised in {} (users exist); nothing changed",
            config.data_dir().display()
        );
        return Ok(());
    }
    let email = email.ok_or_else(|| {
        Failure::Error("--admin-email is required to create the first admin".into())
    })?;
    let name = name.unwrap_or_else(|| "Administrator".into());
    let pw = out::password("Password for the first admin: ", stdin, true)?;
    let a = s.create_first_admin(&email, &name, &pw).await?;
    println!(
        "created admin {} in {}",
        a.email,
        config.data_dir().display()
    );
    Ok(())
}

pub async fn user(s: &Services, g: &Global, c: UserCmd) -> Result<(), Failure> {
    let a = actor(s, g).await?;
    match c {
        UserCmd::Add {
            email,
            name,
            role,
            password_stdin,
        } => {
            let role: Role = role.parse()?;
            let pw = out::password(&format!("Password for {email}: "), password_stdin, true)?;
            let u = s.add_user(&a, &email, &name, role, &pw).await?;
            println!("added {} ({})", u.email, u.role);
        }
        UserCmd::List { json } => {
            let users = s.list_users(&a).await?;
            if json {
                return out::json(&users);
            }
            let rows = users
                .iter()
                .map(|u| {
                    let state = if !u.active {
                        "disabled"
                    } else if u.locked {
                        "locked"
                    } else {
                        "active"
                    };
                    vec![
                        u.email.clone(),
                        u.name.clone(),
                        u.role.clone(),
                        state.into(),
                    ]
                })
                .collect::<Vec<_>>();
            out::table(&["EMAIL", "NAME", "ROLE", "STATE"], &rows);
        }
        UserCmd::Passwd {
            email,
            password_stdin,
        } => {
            let pw = out::password(&format!("New password for {email}: "), password_stdin, true)?;
            s.set_password(&a, &email, &pw).await?;
            println!("password changed for {}", email.trim().to_lowercase());
        }
        UserCmd::Disable { email } => {
            s.set_user_active(&a, &email, false).await?;
            println!("disabled {}", email.trim().to_lowercase());
        }
        UserCmd::Enable { email } => {
            s.set_user_active(&a, &email, true).await?;
            println!("enabled {}", email.trim().to_lowercase());
        }
        UserCmd::Role { email, role } => {
            let role: Role = role.parse()?;
            s.set_user_role(&a, &email, role).await?;
            println!("{} is now {role}", email.trim().to_lowercase());
        }
    }
    Ok(())
}

pub async fn category(s: &Services, g: &Global, c: CategoryCmd) -> Result<(), Failure> {
    match c {
        CategoryCmd::Add { name } => {
            let a = actor(s, g).await?;
            let c = s.add_category(&a, &name).await?;
            println!("added category {}", c.name);
        }
        CategoryCmd::List { json } => {
            let cats = s.list_categories().await?;
            if json {
                return out::json(&cats);
            }
            out::table(
                &["NAME"],
                &cats
                    .iter()
                    .map(|c| vec![c.name.clone()])
                    .collect::<Vec<_>>(),
            );
        }
    }
    Ok(())
}

pub async fn unit(s: &Services, g: &Global, c: UnitCmd) -> Result<(), Failure> {
    match c {
        UnitCmd::Add {
            code,
            name,
            decimals,
        } => {
            let a = actor(s, g).await?;
            let u = s.add_unit(&a, &code, &name, decimals).await?;
            println!("added unit {} ({} decimals)", u.code, u.decimals);
        }
        UnitCmd::List { json } => {
            let units = s.list_units().await?;
            if json {
                return out::json(&units);
            }
            let rows = units
                .iter()
                .map(|u| vec![u.code.clone(), u.name.clone(), u.decimals.to_string()])
                .collect::<Vec<_>>();
            out::table(&["CODE", "NAME", "DECIMALS"], &rows);
        }
    }
    Ok(())
}

pub async fn product(s: &Services, g: &Global, c: ProductCmd) -> Result<(), Failure> {
    match c {
        ProductCmd::Add { sku, name, fields } => {
            let a = actor(s, g).await?;
            let p = s
                .add_product(
                    &a,
                    &ProductInput {
                        sku,
                        name,
                        barcode: fields.barcode,
                        category: fields.category,
                        unit: fields.unit,
                        price: fields.price,
                        min_qty: fields.min_qty,
                        active: None,
                    },
                )
                .await?;
            println!("added product {} ({})", p.sku, p.name);
        }
        ProductCmd::Edit {
            code,
            sku,
            name,
            fields,
        } => {
            let a = actor(s, g).await?;
            let before = s
                .product_by_code(&code)
                .await?
                .ok_or_else(|| Failure::Error(format!("product '{code}' not found")))?;
            let view = s
                .product_views(std::slice::from_ref(&before))
                .await?
                .remove(0);
            let p = s
                .update_product(
                    &a,
                    &code,
                    &ProductInput {
                        sku: sku.unwrap_or(before.sku.clone()),
                        name: name.unwrap_or(before.name.clone()),
                        barcode: fields.barcode.or(before.barcode.clone()),
                        category: fields.category.or(view.category),
                        unit: fields.unit,
                        price: fields.price,
                        min_qty: fields.min_qty,
                        active: None,
                    },
                )
                .await?;
            println!("updated product {} ({})", p.sku, p.name);
        }
        ProductCmd::Deactivate { code } => {
            let a = actor(s, g).await?;
            let p = s.set_product_active(&a, &code, false).await?;
            println!("deactivated product {}", p.sku);
        }
        ProductCmd::Activate { code } => {
            let a = actor(s, g).await?;
            let p = s.set_product_active(&a, &code, true).await?;
            println!("activated product {}", p.sku);
        }
        ProductCmd::Import { file } => return super::csv::import(s, g, &file).await,
        ProductCmd::Export { file } => return super::csv::export(s, g, file.as_deref()).await,
        ProductCmd::List {
            search,
            limit,
            json,
        } => {
            let q = ProductQuery {
                text: search,
                filter: ProductFilter::default(),
                limit,
                ..Default::default()
            };
            let products = s.search_products(&q).await?;
            let views = s.product_views(&products).await?;
            if json {
                return out::json(&views);
            }
            let rows = views
                .iter()
                .map(|p| {
                    vec![
                        p.sku.clone(),
                        p.barcode.clone().unwrap_or_default(),
                        p.name.clone(),
                        p.category.clone().unwrap_or_default(),
                        p.unit.clone(),
                        p.price.clone(),
                        p.min_qty.clone(),
                        if p.active { "yes".into() } else { "no".into() },
                    ]
                })
                .collect::<Vec<_>>();
            out::table(
                &[
                    "SKU", "BARCODE", "NAME", "CATEGORY", "UNIT", "PRICE", "MIN", "ACTIVE",
                ],
                &rows,
            );
        }
    }
    Ok(())
}

pub async fn location(s: &Services, g: &Global, c: LocationCmd) -> Result<(), Failure> {
    match c {
        LocationCmd::Add { code, name, parent } => {
            let a = actor(s, g).await?;
            let l = s.add_location(&a, &code, &name, parent.as_deref()).await?;
            println!("added location {} ({})", l.code, l.name);
        }
        LocationCmd::List { json } => {
            let locs = s.list_locations().await?;
            if json {
                let views = locs
                    .iter()
                    .map(|l| LocationView {
                        id: &l.id,
                        code: &l.code,
                        name: &l.name,
                        parent: l
                            .parent_id
                            .as_ref()
                            .and_then(|p| locs.iter().find(|x| &x.id == p))
                            .map(|p| p.code.as_str()),
                        active: l.active != 0,
                        created_at: l.created_at,
                    })
                    .collect::<Vec<_>>();
                return out::json(&views);
            }
            let rows = locs
                .iter()
                .map(|l| {
                    let parent = l
                        .parent_id
                        .as_ref()
                        .and_then(|p| locs.iter().find(|x| &x.id == p))
                        .map(|p| p.code.clone());
                    vec![
                        l.code.clone(),
                        l.name.clone(),
                        parent.unwrap_or_default(),
                        if l.active != 0 {
                            "yes".into()
                        } else {
                            "no".into()
                        },
                        display_time(l.created_at),
                    ]
                })
                .collect::<Vec<_>>();
            out::table(&["CODE", "NAME", "PARENT", "ACTIVE", "CREATED"], &rows);
        }
    }
    Ok(())
}

/// `gudang stock card ...`, `gudang stock limits ...` (see `super::report`).
#[derive(Subcommand, Debug)]
pub enum StockCmd {
    /// Stock card (kartu stok): opening balance, every movement with its running balance,
    /// closing balance
    Card(super::report::CardArgs),
    /// Set a product's minimum and maximum at a location
    Limits(super::report::LimitsArgs),
}

pub async fn stock(s: &Services, g: &Global, a: StockArgs) -> Result<(), Failure> {
    match a.cmd {
        Some(StockCmd::Card(c)) => return super::report::card(s, c).await,
        Some(StockCmd::Limits(l)) => return super::report::limits(s, g, l).await,
        None => {}
    }
    let rows = s
        .stock(a.location.as_deref(), a.sku.as_deref(), a.low, a.limit)
        .await?;
    if a.json {
        return out::json(&rows);
    }
    let table = rows
        .iter()
        .map(|r| {
            vec![
                r.location.clone(),
                r.sku.clone(),
                r.name.clone(),
                r.quantity.clone(),
                r.min.clone(),
                if r.low { "LOW".into() } else { String::new() },
            ]
        })
        .collect::<Vec<_>>();
    out::table(&["LOCATION", "SKU", "NAME", "QTY", "MIN", ""], &table);
    Ok(())
}
