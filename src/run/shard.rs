//! `stancemap run --shard i/N`: which articles a shard holds. The shards are put back together by
//! [`crate::merge`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The journal a shard keeps for `stancemap merge`.
pub const SHARD_JOURNAL: &str = "shard.jsonl";

/// Shard `index` (from 1) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Whether the article with this id is in this shard.
    pub fn holds(&self, article_id: &str) -> bool {
        (fnv1a(article_id.as_bytes()) % self.count as u64) as usize == self.index - 1
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `i/N` with 1 <= i <= N.
    fn from_str(spec: &str) -> Result<Shard, String> {
        let wrong = || format!("'{spec}': a shard is written i/N, with i from 1 to N (1/4, 2/4, 3/4, 4/4)");
        let (index, count) = spec.split_once('/').ok_or_else(wrong)?;
        let index: usize = index.trim().parse().map_err(|_| wrong())?;
        let count: usize = count.trim().parse().map_err(|_| wrong())?;
        if count == 0 || index == 0 || index > count {
            return Err(wrong());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// 64-bit FNV-1a: small, stable across platforms and versions (unlike the standard library's hasher).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_every_id_into_exactly_one_part_the_same_way_every_time() {
        let shards: Vec<Shard> = (1..=4).map(|i| format!("{i}/4").parse().unwrap()).collect();
        let mut sizes = [0; 4];
        for n in 0..2000 {
            let id = format!("article-{n}");
            let holders: Vec<usize> = shards.iter().filter(|s| s.holds(&id)).map(|s| s.index).collect();
            assert_eq!(holders.len(), 1, "{id} in {holders:?}");
            sizes[holders[0] - 1] += 1;
        }
        assert!(sizes.iter().all(|&n| (400..600).contains(&n)), "uneven split {sizes:?}");
        // Pinned: a change of hash would silently reshuffle users' job arrays.
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert!("0/4".parse::<Shard>().is_err());
        assert!("5/4".parse::<Shard>().is_err());
        assert!("2-4".parse::<Shard>().is_err());
        assert_eq!("2/4".parse::<Shard>().unwrap().to_string(), "2/4");
    }
}
