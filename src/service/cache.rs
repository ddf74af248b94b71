//! The master and location data every posting looks up (the product behind a scanned code,
//! units, locations by code), kept in process so a posting reads no shard before it writes.
//!
//! Product and unit entries are stamped with the master shard's write generation: any write
//! this process commits on master (a product edit, an import, a new unit) makes them stale at
//! once. Location entries are dropped by the location services on every change. Changes made
//! by *other* processes are seen after at most [`TTL`]. Only hits are kept: a code that was
//! unknown is asked again next time, so a product added elsewhere is usable at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Services;
use crate::db::location::{self, Location};
use crate::db::master::{Product, Unit};
use crate::domain::text;
use crate::error::Result;

/// How long an entry may serve changes made by another process.
pub const TTL: Duration = Duration::from_secs(10);
/// Entries per map before it is simply emptied (a clerk's working set is far smaller).
const MAX_ENTRIES: usize = 50_000;

struct Entry<T> {
    value: T,
    /// Master write generation when the value was read (unused for locations).
    generation: u64,
    at: Instant,
}

impl<T: Clone> Entry<T> {
    fn fresh(&self, generation: u64) -> Option<T> {
        (self.generation == generation && self.at.elapsed() < TTL).then(|| self.value.clone())
    }
}

#[derive(Default)]
struct Maps {
    /// By the code as typed (trimmed): SKU in any case, or barcode.
    products: HashMap<String, Entry<Product>>,
    units: Option<Entry<Arc<HashMap<String, Unit>>>>,
    /// By normalised code.
    locations: HashMap<String, Entry<Location>>,
}

/// Shared by all clones of [`super::Services`].
#[derive(Clone, Default)]
pub struct LookupCache {
    maps: Arc<Mutex<Maps>>,
}

fn put<T>(map: &mut HashMap<String, Entry<T>>, key: String, value: T, generation: u64) {
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
    map.insert(
        key,
        Entry {
            value,
            generation,
            at: Instant::now(),
        },
    );
}

impl LookupCache {
    fn with<R>(&self, f: impl FnOnce(&mut Maps) -> R) -> R {
        let mut m = self.maps.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut m)
    }

    pub fn product(&self, code: &str, generation: u64) -> Option<Product> {
        self.with(|m| m.products.get(code).and_then(|e| e.fresh(generation)))
    }

    /// Keeps `p`, found by `code` when the master generation was `generation`.
    pub fn put_product(&self, code: &str, p: &Product, generation: u64) {
        self.with(|m| put(&mut m.products, code.to_string(), p.clone(), generation));
    }

    pub fn units(&self, generation: u64) -> Option<Arc<HashMap<String, Unit>>> {
        self.with(|m| m.units.as_ref().and_then(|e| e.fresh(generation)))
    }

    pub fn put_units(&self, units: Arc<HashMap<String, Unit>>, generation: u64) {
        self.with(|m| {
            m.units = Some(Entry {
                value: units,
                generation,
                at: Instant::now(),
            })
        });
    }

    pub fn location(&self, code_norm: &str) -> Option<Location> {
        self.with(|m| m.locations.get(code_norm).and_then(|e| e.fresh(0)))
    }

    pub fn put_location(&self, code_norm: &str, l: &Location) {
        self.with(|m| put(&mut m.locations, code_norm.to_string(), l.clone(), 0));
    }

    /// Forgets everything (the shards now point at other nodes).
    pub fn forget_all(&self) {
        self.with(|m| *m = Maps::default());
    }

    /// Forgets every location (called on any location change).
    pub fn forget_locations(&self) {
        self.with(|m| m.locations.clear());
    }
}

impl Services {
    /// A product by SKU or barcode for posting, from the cache when it is current.
    pub(crate) async fn product_for_posting(&self, code: &str) -> Result<Option<Product>> {
        let generation = self.shards.master.generation();
        if let Some(p) = self.cache.product(code, generation) {
            return Ok(Some(p));
        }
        let found = self.product_by_code(code).await?;
        if let Some(p) = &found {
            self.cache.put_product(code, p, generation);
        }
        Ok(found)
    }

    /// Every unit by id, from the cache when it is current.
    pub(crate) async fn units_for_posting(&self) -> Result<Arc<HashMap<String, Unit>>> {
        let generation = self.shards.master.generation();
        if let Some(u) = self.cache.units(generation) {
            return Ok(u);
        }
        let units = Arc::new(self.units_by_id().await?);
        self.cache.put_units(units.clone(), generation);
        Ok(units)
    }

    /// A location by code for posting, from the cache when it is current.
    pub(crate) async fn location_for_posting(&self, code: &str) -> Result<Option<Location>> {
        let key = text::norm(code);
        if let Some(l) = self.cache.location(&key) {
            return Ok(Some(l));
        }
        let b = self.shards.location.backend();
        let k = key.clone();
        let found = self
            .shards
            .location
            .read(move |p| Box::pin(async move { location::location_by_code(&p, b, &k).await }))
            .await?;
        if let Some(l) = &found {
            self.cache.put_location(&key, l);
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: &str) -> Product {
        Product {
            id: id.into(),
            sku: "A".into(),
            barcode: None,
            name: "A".into(),
            category_id: None,
            unit_id: "u".into(),
            price: 0,
            min_qty: 0,
            active: 1,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn a_newer_generation_makes_entries_stale() {
        let c = LookupCache::default();
        c.put_product("A", &product("1"), 7);
        assert_eq!(c.product("A", 7).map(|p| p.id), Some("1".to_string()));
        assert!(
            c.product("A", 8).is_none(),
            "a master write since makes it stale"
        );
        assert!(c.product("B", 7).is_none());
    }

    #[test]
    fn locations_are_forgotten_on_change() {
        let c = LookupCache::default();
        let l = Location {
            id: "1".into(),
            code: "A".into(),
            name: "A".into(),
            parent_id: None,
            active: 1,
            created_at: 0,
            updated_at: 0,
        };
        c.put_location("a", &l);
        assert!(c.location("a").is_some());
        c.forget_locations();
        assert!(c.location("a").is_none());
    }

    #[test]
    fn maps_stay_bounded() {
        let c = LookupCache::default();
        for i in 0..MAX_ENTRIES + 10 {
            c.put_product(&i.to_string(), &product("x"), 0);
        }
        assert!(c.with(|m| m.products.len()) <= MAX_ENTRIES);
    }
}
