//! Pure generators for demo data: a seeded random source, the source lists of `assets/demo`,
//! EAN-13 barcodes and the product at a given catalog index. No IO, so the same seed always
//! gives the same data, and any slice of a million-product catalog can be built on its own.

use std::sync::OnceLock;

/// SplitMix64: tiny, fast and fully specified here, so a seed means the same data in every
/// build (library generators promise no such stability across versions).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// An independent stream for item `index` of a run seeded with `seed`.
    pub fn for_index(seed: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ index.wrapping_mul(0xD6E8_FEB8_6659_FD93));
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
        }
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo) as u64 + 1) as i64
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len() as u64) as usize)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitSrc {
    pub code: &'static str,
    pub name: &'static str,
    pub decimals: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ItemSrc {
    pub category: &'static str,
    pub unit: &'static str,
    pub name: &'static str,
    /// Whole rupiah.
    pub price_lo: i64,
    pub price_hi: i64,
    pub packs: Vec<&'static str>,
}

/// The parsed contents of `assets/demo`.
#[derive(Debug, Clone)]
pub struct Sources {
    pub units: Vec<UnitSrc>,
    /// (code, name)
    pub categories: Vec<(&'static str, &'static str)>,
    pub items: Vec<ItemSrc>,
    pub brands: Vec<&'static str>,
    pub variants: Vec<&'static str>,
    pub warehouses: Vec<(&'static str, &'static str)>,
    pub zones: Vec<(&'static str, &'static str)>,
    pub suppliers: Vec<&'static str>,
    pub customers: Vec<&'static str>,
}

fn lines(text: &'static str) -> impl Iterator<Item = (usize, Vec<&'static str>)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .map(|(i, l)| (i, l.split('|').map(str::trim).collect()))
}

fn pairs(file: &str, text: &'static str) -> Result<Vec<(&'static str, &'static str)>, String> {
    lines(text)
        .map(|(n, f)| match f.as_slice() {
            [a, b] if !a.is_empty() && !b.is_empty() => Ok((*a, *b)),
            _ => Err(format!("assets/demo/{file} line {n}: expected CODE|name")),
        })
        .collect()
}

impl Sources {
    /// Parses the lists compiled into the binary, checking that items name known categories
    /// and units.
    pub fn parse() -> Result<Sources, String> {
        let units = lines(include_str!("../../../assets/demo/units.txt"))
            .map(|(n, f)| match f.as_slice() {
                [code, name, d] => d
                    .parse::<i64>()
                    .ok()
                    .filter(|d| (0..=3).contains(d))
                    .map(|decimals| UnitSrc {
                        code,
                        name,
                        decimals,
                    })
                    .ok_or_else(|| {
                        format!("assets/demo/units.txt line {n}: decimals must be 0..=3")
                    }),
                _ => Err(format!(
                    "assets/demo/units.txt line {n}: expected CODE|name|decimals"
                )),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let categories = pairs(
            "categories.txt",
            include_str!("../../../assets/demo/categories.txt"),
        )?;
        let items = lines(include_str!("../../../assets/demo/items.txt"))
            .map(|(n, f)| {
                let bad = || format!("assets/demo/items.txt line {n}: expected CATEGORY|UNIT|name|lowest|highest|packs");
                let [category, unit, name, lo, hi, packs] = f.as_slice() else { return Err(bad()) };
                let (Ok(price_lo), Ok(price_hi)) = (lo.parse::<i64>(), hi.parse::<i64>()) else { return Err(bad()) };
                if !categories.iter().any(|(c, _)| c == category) || !units.iter().any(|u| u.code == *unit) || price_lo > price_hi {
                    return Err(format!("assets/demo/items.txt line {n}: unknown category or unit, or prices out of order"));
                }
                let packs = packs.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
                Ok(ItemSrc { category, unit, name, price_lo, price_hi, packs })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let single = |text: &'static str| {
            lines(text)
                .filter_map(|(_, f)| f.first().copied())
                .collect::<Vec<_>>()
        };
        let mut suppliers = Vec::new();
        let mut customers = Vec::new();
        for (n, f) in lines(include_str!("../../../assets/demo/partners.txt")) {
            match f.as_slice() {
                ["S", name] => suppliers.push(*name),
                ["C", name] => customers.push(*name),
                _ => {
                    return Err(format!(
                        "assets/demo/partners.txt line {n}: expected S|name or C|name"
                    ));
                }
            }
        }
        let s = Sources {
            units,
            categories,
            items,
            brands: single(include_str!("../../../assets/demo/brands.txt")),
            variants: single(include_str!("../../../assets/demo/variants.txt")),
            warehouses: pairs(
                "warehouses.txt",
                include_str!("../../../assets/demo/warehouses.txt"),
            )?,
            zones: pairs("zones.txt", include_str!("../../../assets/demo/zones.txt"))?,
            suppliers,
            customers,
        };
        if s.items.is_empty()
            || s.brands.is_empty()
            || s.warehouses.is_empty()
            || s.zones.is_empty()
            || s.suppliers.is_empty()
            || s.customers.is_empty()
        {
            return Err("assets/demo: every list needs at least one entry".into());
        }
        Ok(s)
    }

    /// The lists, parsed once per process.
    pub fn get() -> Result<&'static Sources, String> {
        static SOURCES: OnceLock<Result<Sources, String>> = OnceLock::new();
        SOURCES
            .get_or_init(Sources::parse)
            .as_ref()
            .map_err(Clone::clone)
    }

    pub fn unit(&self, code: &str) -> Option<&UnitSrc> {
        self.units.iter().find(|u| u.code == code)
    }
}

/// The EAN-13 check digit of the first twelve digits, or `None` if `first12` is not twelve
/// ASCII digits. Weights alternate 1, 3 from the left.
pub fn ean13_check_digit(first12: &str) -> Option<u8> {
    if first12.len() != 12 || !first12.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first12
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    Some(((10 - sum % 10) % 10) as u8)
}

/// Whether `code` is thirteen digits with a correct check digit.
pub fn is_valid_ean13(code: &str) -> bool {
    code.len() == 13
        && ean13_check_digit(&code[..12]).is_some_and(|d| code.as_bytes()[12] == b'0' + d)
}

/// An EAN-13 under Indonesia's GS1 prefix 899 whose nine middle digits are `body`
/// (modulo 10^9).
pub fn ean13(body: u64) -> String {
    let first12 = format!("899{:09}", body % 1_000_000_000);
    let check = ean13_check_digit(&first12).unwrap_or(0);
    format!("{first12}{check}")
}

/// One demo product, before ids are assigned.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoProduct {
    pub sku: String,
    pub barcode: String,
    pub name: String,
    pub category: &'static str,
    pub unit: &'static str,
    /// Cents (whole rupiah, so always a multiple of 100).
    pub price: i64,
    /// Milli-units.
    pub min_qty: i64,
}

/// The product at catalog position `index` (0-based) of a run seeded with `seed`. SKUs and
/// barcodes are distinct for distinct indexes: the barcode body is `index` scrambled by a
/// multiplier coprime with 10^9, a bijection on 0..10^9.
pub fn product(src: &Sources, seed: u64, index: u64) -> DemoProduct {
    let mut r = Rng::for_index(seed, index);
    let fallback = ItemSrc {
        category: "",
        unit: "PCS",
        name: "Barang",
        price_lo: 1000,
        price_hi: 1000,
        packs: Vec::new(),
    };
    let item = r.pick(&src.items).unwrap_or(&fallback);
    let brand = r.pick(&src.brands).copied().unwrap_or_default();
    let mut name = format!("{} {brand}", item.name);
    if let Some(pack) = r.pick(&item.packs) {
        name.push(' ');
        name.push_str(pack);
    }
    if r.chance(60)
        && let Some(v) = r.pick(&src.variants)
    {
        name.push(' ');
        name.push_str(v);
    }
    let rupiah = r.range(item.price_lo / 100, item.price_hi / 100) * 100;
    let decimals = src.unit(item.unit).map(|u| u.decimals).unwrap_or(0);
    // Weighed goods keep a few dozen kilos or litres in reserve; counted goods a few packs.
    let min_units = if decimals > 0 {
        r.range(10, 200)
    } else {
        r.range(2, 60)
    };
    let scrambled = (index % 1_000_000_000)
        .wrapping_mul(48_271)
        .wrapping_add(seed)
        % 1_000_000_000;
    DemoProduct {
        sku: format!("{}-{:06}", item.category, index + 1),
        barcode: ean13(scrambled),
        name,
        category: item.category,
        unit: item.unit,
        price: rupiah * 100,
        min_qty: min_units * 1000,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn check_digits_match_known_codes() {
        // 4006381333931 is the textbook GS1 example; 899100210141 sums to 62 by hand, so 8.
        assert_eq!(ean13_check_digit("400638133393"), Some(1));
        assert_eq!(ean13_check_digit("899100210141"), Some(8));
        assert!(is_valid_ean13("4006381333931"));
        assert!(!is_valid_ean13("4006381333932"));
        assert!(!is_valid_ean13("40063813339"));
        assert_eq!(ean13_check_digit("12345678901a"), None);
        for body in [0, 1, 7, 123_456_789, 999_999_999] {
            let code = ean13(body);
            assert!(code.starts_with("899") && is_valid_ean13(&code), "{code}");
        }
    }

    #[test]
    fn sources_parse() {
        let s = Sources::get().unwrap();
        assert!(s.units.iter().any(|u| u.code == "KG" && u.decimals == 3));
        assert!(s.units.iter().any(|u| u.code == "PCS" && u.decimals == 0));
        assert!(s.items.len() > 50 && s.brands.len() > 20);
    }

    #[test]
    fn same_seed_same_products_and_codes_are_distinct() {
        let s = Sources::get().unwrap();
        let a: Vec<_> = (0..2000).map(|i| product(s, 42, i)).collect();
        let b: Vec<_> = (0..2000).map(|i| product(s, 42, i)).collect();
        assert_eq!(a, b);
        let c: Vec<_> = (0..2000).map(|i| product(s, 43, i)).collect();
        assert_ne!(a, c, "another seed gives other data");
        let skus: HashSet<_> = a.iter().map(|p| p.sku.clone()).collect();
        let barcodes: HashSet<_> = a.iter().map(|p| p.barcode.clone()).collect();
        assert_eq!(skus.len(), a.len());
        assert_eq!(barcodes.len(), a.len());
        for p in &a {
            assert!(is_valid_ean13(&p.barcode), "{}", p.barcode);
            assert!(p.price > 0 && p.price % 100 == 0, "{p:?}");
            assert!(p.min_qty > 0 && p.min_qty % 1000 == 0, "{p:?}");
            assert!(p.sku.starts_with(p.category), "{p:?}");
            assert!(p.name.chars().count() <= 200);
        }
    }

    #[test]
    fn rng_is_deterministic_and_bounded() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..1000 {
            let x = a.range(-5, 5);
            assert_eq!(x, b.range(-5, 5));
            assert!((-5..=5).contains(&x));
            assert!(a.below(3) < 3 && b.below(3) < 3);
        }
        assert_eq!(Rng::new(1).below(0), 0);
    }
}
