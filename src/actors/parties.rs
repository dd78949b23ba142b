//! Political parties, by the names news gives them and their members.
//!
//! CoNLL-style annotation marks a party's members ("Republicans", "Democrats", "Tories") and its adjective
//! ("Republican", "Tory") as MISC, so the entity model does too, and a MISC name is neither an organisation nor
//! a holder: "Democrats criticised the Republicans" would say nothing. The parties below are organisations
//! under one name whichever way an article writes them, so that the party holds stances and is one actor across
//! articles ("Republicans", "Republican", "GOP" and "the Republican Party" are the Republican Party). Names
//! are [`name_key`](super::name_key)s; the list covers the main parties of the United States and the United
//! Kingdom. Other parties are organisations when the model marks them ORG and keep the names they were written
//! with; a user's alias table (`--actors`) can still merge their variants across articles.

/// Each party's name in the tables, and the keys that name it.
const PARTIES: &[(&str, &[&str])] = &[
    ("Republican Party", &["republican party", "republicans", "republican", "gop"]),
    ("Democratic Party", &["democratic party", "democrats", "democrat", "democratic"]),
    ("Conservative Party", &["conservative party", "conservatives", "conservative", "tories", "tory", "tory party"]),
    ("Labour Party", &["labour party", "labour"]),
    ("Liberal Democrats", &["liberal democrats", "liberal democrat", "lib dems", "lib dem", "libdems"]),
    ("Green Party", &["green party", "greens"]),
    ("UK Independence Party", &["uk independence party", "ukip"]),
    ("Scottish National Party", &["scottish national party", "snp"]),
    ("Democratic Unionist Party", &["democratic unionist party", "dup"]),
    ("Sinn Féin", &["sinn féin", "sinn fein"]),
    ("Plaid Cymru", &["plaid cymru"]),
];

/// The party `key` names, by its name in the tables.
pub fn party(key: &str) -> Option<&'static str> {
    PARTIES.iter().find(|(_, keys)| keys.contains(&key)).map(|(name, _)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::name_key;

    #[test]
    fn members_adjectives_and_short_forms_name_their_party() {
        for (written, expected) in [
            ("Republicans", Some("Republican Party")),
            ("GOP", Some("Republican Party")),
            ("Tories", Some("Conservative Party")),
            ("Lib Dems", Some("Liberal Democrats")),
            ("Sinn Fein", Some("Sinn Féin")),
            ("Social Democrats", None),
            ("Republic", None),
        ] {
            assert_eq!(party(&name_key(written)), expected, "{written}");
        }
    }
}
