//! What stances are about, besides the actors themselves: the user's topics (`--targets targets.csv`, matched
//! by keyword, see `topics.rs`) and the issues found without being listed (the phrase an actor supports,
//! opposes, urges…, see `issues.rs`). Other actors named in a sentence are targets too; the pair builder
//! ([`crate::pairs`]) takes those from the article's actors.

pub mod issues;
pub mod merge;
pub mod topics;

pub use issues::IssuePhrase;
pub use merge::IssueMerger;
pub use topics::{Topic, Topics};
