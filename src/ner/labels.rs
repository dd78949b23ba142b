//! Span labels: the four CoNLL-2003 entity types, the issue type and the three attribution roles, BIO tags over
//! them, and the fixed class orders of the three kinds of span model: the entity model's nine classes, the issue
//! tagger's three and the attribution tagger's seven.
//!
//! Labels are enums inside the code and strings only at the edges (CoNLL files, a saved model's label list,
//! reports). The class orders are fixed here, once, so that training, a saved model's head and decoding can
//! never disagree silently: a model's saved label list must be one of them ([`LabelSet::of_names`]).
//! Files in the older IOB1 scheme are converted to IOB2 with [`iob1_to_iob2`] as they are read.

use std::fmt;
use std::str::FromStr;

/// The kind of a named entity, as in CoNLL-2003.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityType {
    /// A person.
    Per,
    /// An organisation.
    Org,
    /// A location (countries, cities, regions, natural places).
    Loc,
    /// Any other name (nationalities, events, works, products).
    Misc,
    /// An issue or event actors take sides on: a policy, bill, decision, proposal or action ("the border wall",
    /// "the withdrawal of U.S. troops from Syria"). Found by the issue tagger, never by the entity model.
    Issue,
    /// Who an attribution is to: "Schumer", "a spokesman", "the report" (PolNeAR's Source).
    Source,
    /// The words that attribute: "said", "according to", "fears" (PolNeAR's Cue).
    Cue,
    /// What is attributed: the quote, the reported speech, belief or intention (PolNeAR's Content).
    Content,
}

impl EntityType {
    /// The CoNLL-2003 types, in the entity model's class order.
    pub const CONLL: [EntityType; 4] = [EntityType::Per, EntityType::Org, EntityType::Loc, EntityType::Misc];
    /// The attribution roles, in the attribution tagger's class order.
    pub const ATTRIBUTION: [EntityType; 3] = [EntityType::Source, EntityType::Cue, EntityType::Content];
    /// Every type.
    pub const ALL: [EntityType; 8] = [
        EntityType::Per,
        EntityType::Org,
        EntityType::Loc,
        EntityType::Misc,
        EntityType::Issue,
        EntityType::Source,
        EntityType::Cue,
        EntityType::Content,
    ];

    /// The name used in CoNLL files and reports: "PER", "ORG", "LOC", "MISC", "ISSUE", "SOURCE", "CUE",
    /// "CONTENT".
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Per => "PER",
            EntityType::Org => "ORG",
            EntityType::Loc => "LOC",
            EntityType::Misc => "MISC",
            EntityType::Issue => "ISSUE",
            EntityType::Source => "SOURCE",
            EntityType::Cue => "CUE",
            EntityType::Content => "CONTENT",
        }
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EntityType {
    type Err = LabelError;

    fn from_str(name: &str) -> Result<EntityType, LabelError> {
        EntityType::ALL
            .into_iter()
            .find(|entity_type| entity_type.as_str() == name)
            .ok_or_else(|| LabelError::UnknownEntityType { name: name.to_string() })
    }
}

/// One word's BIO tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tag {
    /// Not part of any entity ("O").
    Outside,
    /// The first word of an entity ("B-PER").
    Begin(EntityType),
    /// A later word of an entity ("I-PER").
    Inside(EntityType),
}

impl Tag {
    /// The entity type of a B- or I- tag.
    pub fn entity_type(self) -> Option<EntityType> {
        match self {
            Tag::Outside => None,
            Tag::Begin(entity_type) | Tag::Inside(entity_type) => Some(entity_type),
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tag::Outside => f.write_str("O"),
            Tag::Begin(entity_type) => write!(f, "B-{entity_type}"),
            Tag::Inside(entity_type) => write!(f, "I-{entity_type}"),
        }
    }
}

impl FromStr for Tag {
    type Err = LabelError;

    /// Parses "O", "B-PER", "I-MISC", ...; anything else (other schemes' "E-"/"S-", lower case) is an error.
    fn from_str(name: &str) -> Result<Tag, LabelError> {
        let unknown = || LabelError::UnknownTag { name: name.to_string() };
        if name == "O" {
            return Ok(Tag::Outside);
        }
        let (prefix, type_name) = name.split_once('-').ok_or_else(unknown)?;
        let entity_type: EntityType = type_name.parse().map_err(|_| unknown())?;
        match prefix {
            "B" => Ok(Tag::Begin(entity_type)),
            "I" => Ok(Tag::Inside(entity_type)),
            _ => Err(unknown()),
        }
    }
}

/// What can go wrong with labels.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    #[error("unknown entity type {name:?} (expected PER, ORG, LOC, MISC, ISSUE, SOURCE, CUE or CONTENT)")]
    UnknownEntityType { name: String },
    #[error(
        "unknown tag {name:?} (expected O, or B-/I- followed by PER, ORG, LOC, MISC, ISSUE, SOURCE, CUE or CONTENT)"
    )]
    UnknownTag { name: String },
    #[error("the model has {found} labels, stancemap expects {expected}: {expected_names:?}")]
    WrongLabelCount { found: usize, expected: usize, expected_names: Vec<String> },
    #[error("the model's label {index} is {found:?} where stancemap expects {expected:?}")]
    WrongLabel { index: usize, found: String, expected: String },
    #[error(
        "the labels {found:?} are none of the entity model's ({entities:?}), the issue tagger's ({issues:?}) or the \
         attribution tagger's ({attribution:?})"
    )]
    UnknownLabelSet { found: Vec<String>, entities: Vec<String>, issues: Vec<String>, attribution: Vec<String> },
    #[error("tag {tag} is not one of this model's labels {labels:?}")]
    NotInSet { tag: String, labels: Vec<String> },
}

/// A span model's output classes, in their fixed order: the entity model's
/// `O, B-PER, I-PER, B-ORG, I-ORG, B-LOC, I-LOC, B-MISC, I-MISC` ([`LabelSet::conll`]) or the issue tagger's
/// `O, B-ISSUE, I-ISSUE` ([`LabelSet::issues`]) or the attribution tagger's
/// `O, B-SOURCE, I-SOURCE, B-CUE, I-CUE, B-CONTENT, I-CONTENT` ([`LabelSet::attribution`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelSet {
    tags: Vec<Tag>,
}

impl Default for LabelSet {
    fn default() -> LabelSet {
        LabelSet::conll()
    }
}

impl LabelSet {
    /// The BIO tags over `types`, after O.
    fn over(types: &[EntityType]) -> LabelSet {
        let mut tags = vec![Tag::Outside];
        for &entity_type in types {
            tags.extend([Tag::Begin(entity_type), Tag::Inside(entity_type)]);
        }
        LabelSet { tags }
    }

    /// The CoNLL-2003 label set in the entity model's class order.
    pub fn conll() -> LabelSet {
        LabelSet::over(&EntityType::CONLL)
    }

    /// The issue tagger's label set.
    pub fn issues() -> LabelSet {
        LabelSet::over(&[EntityType::Issue])
    }

    /// The attribution tagger's label set.
    pub fn attribution() -> LabelSet {
        LabelSet::over(&EntityType::ATTRIBUTION)
    }

    /// The label set whose names (a saved model's `id2label`, in class order) are exactly `names`.
    pub fn of_names(names: &[String]) -> Result<LabelSet, LabelError> {
        let (conll, issues, attribution) = (LabelSet::conll(), LabelSet::issues(), LabelSet::attribution());
        for set in [&conll, &issues, &attribution] {
            if set.check(names).is_ok() {
                return Ok(set.clone());
            }
        }
        Err(LabelError::UnknownLabelSet {
            found: names.to_vec(),
            entities: conll.names(),
            issues: issues.names(),
            attribution: attribution.names(),
        })
    }

    /// Whether this set's types include `entity_type`.
    pub fn has(&self, entity_type: EntityType) -> bool {
        self.tags.contains(&Tag::Begin(entity_type))
    }

    /// The number of classes.
    pub fn len(&self) -> usize {
        self.tags.len()
    }

    /// Always false; here because clippy expects it beside `len`.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
    }

    /// The tags in class order.
    pub fn tags(&self) -> &[Tag] {
        &self.tags
    }

    /// The class index of a tag; an error for a tag of a type this set does not have.
    pub fn try_index(&self, tag: Tag) -> Result<usize, LabelError> {
        self.tags
            .iter()
            .position(|&t| t == tag)
            .ok_or_else(|| LabelError::NotInSet { tag: tag.to_string(), labels: self.names() })
    }

    /// The class index of a tag of this set (O for a tag of another type).
    pub fn index(&self, tag: Tag) -> usize {
        self.try_index(tag).unwrap_or(0)
    }

    /// The tag of a class index, `None` past the last class.
    pub fn tag(&self, index: usize) -> Option<Tag> {
        self.tags.get(index).copied()
    }

    /// The class index of a tag written as a string ("B-PER").
    pub fn index_of_name(&self, name: &str) -> Result<usize, LabelError> {
        self.try_index(name.parse()?)
    }

    /// The label names in class order, as saved with a model ("O", "B-PER", ...).
    pub fn names(&self) -> Vec<String> {
        self.tags.iter().map(Tag::to_string).collect()
    }

    /// Checks that a saved model's label list (its `id2label`, in class order) is exactly this one.
    pub fn check(&self, names: &[String]) -> Result<(), LabelError> {
        let expected = self.names();
        if names.len() != expected.len() {
            return Err(LabelError::WrongLabelCount {
                found: names.len(),
                expected: expected.len(),
                expected_names: expected,
            });
        }
        match names.iter().zip(&expected).position(|(found, expected)| found != expected) {
            None => Ok(()),
            Some(index) => {
                Err(LabelError::WrongLabel { index, found: names[index].clone(), expected: expected[index].clone() })
            }
        }
    }
}

/// Converts a sentence's tags from IOB1 to IOB2.
///
/// In IOB1 an entity usually starts with I-X; B-X appears only to separate two adjacent entities of the same
/// type. In IOB2 every entity starts with B-X. So an I-X that does not continue an X entity (it follows O, the
/// sentence start or another type) becomes B-X, and everything else is kept. The conversion leaves IOB2 input
/// unchanged, so files can be converted without knowing their scheme.
pub fn iob1_to_iob2(tags: &[Tag]) -> Vec<Tag> {
    let mut previous = Tag::Outside;
    tags.iter()
        .map(|&tag| {
            let converted = match tag {
                Tag::Inside(entity_type) if previous.entity_type() != Some(entity_type) => Tag::Begin(entity_type),
                other => other,
            };
            previous = converted;
            converted
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(names: &str) -> Vec<Tag> {
        names.split_whitespace().map(|name| name.parse().unwrap()).collect()
    }

    #[test]
    fn class_order_is_the_saved_models_order() {
        let labels = LabelSet::conll();
        let names = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"];
        assert_eq!(labels.names(), names);
        for (index, name) in names.iter().enumerate() {
            let tag: Tag = name.parse().unwrap();
            assert_eq!(labels.index(tag), index);
            assert_eq!(labels.tag(index), Some(tag));
            assert_eq!(labels.index_of_name(name), Ok(index));
            assert_eq!(tag.to_string(), *name);
        }
        assert_eq!(labels.tag(9), None);
    }

    #[test]
    fn entity_types_round_trip_through_their_names() {
        for entity_type in EntityType::ALL {
            assert_eq!(entity_type.to_string().parse::<EntityType>(), Ok(entity_type));
        }
        assert!("per".parse::<EntityType>().is_err());
        assert_eq!("ISSUE".parse::<EntityType>(), Ok(EntityType::Issue));
        assert!("GPE".parse::<EntityType>().is_err());
    }

    #[test]
    fn tags_from_other_schemes_are_refused() {
        for name in ["", "o", "B-", "B-GPE", "E-PER", "S-LOC", "B_PER", "b-per", "BPER", "B-PER-X"] {
            assert!(name.parse::<Tag>().is_err(), "{name:?} parsed");
        }
    }

    #[test]
    fn check_accepts_the_same_list_and_names_the_first_difference() {
        let labels = LabelSet::conll();
        assert_eq!(labels.check(&labels.names()), Ok(()));
        let mut swapped = labels.names();
        swapped.swap(3, 5);
        assert_eq!(
            labels.check(&swapped),
            Err(LabelError::WrongLabel { index: 3, found: "B-LOC".into(), expected: "B-ORG".into() })
        );
        let short = labels.names()[..7].to_vec();
        let message = labels.check(&short).unwrap_err().to_string();
        assert!(message.contains("has 7 labels"), "{message}");
    }

    #[test]
    fn a_saved_label_list_is_the_entity_the_issue_or_the_attribution_set_and_nothing_else() {
        assert_eq!(LabelSet::of_names(&LabelSet::conll().names()), Ok(LabelSet::conll()));
        let issues = LabelSet::issues();
        assert_eq!(issues.names(), ["O", "B-ISSUE", "I-ISSUE"]);
        assert_eq!(LabelSet::of_names(&issues.names()), Ok(issues.clone()));
        assert_eq!(issues.index_of_name("I-ISSUE"), Ok(2));
        assert!(issues.index_of_name("B-PER").is_err(), "an entity tag is no issue class");
        assert!(LabelSet::conll().try_index(Tag::Begin(EntityType::Issue)).is_err());
        let mixed: Vec<String> = ["O", "B-ISSUE", "I-PER"].iter().map(|s| s.to_string()).collect();
        assert!(LabelSet::of_names(&mixed).unwrap_err().to_string().contains("none of"));
        let attribution = LabelSet::attribution();
        assert_eq!(attribution.names(), ["O", "B-SOURCE", "I-SOURCE", "B-CUE", "I-CUE", "B-CONTENT", "I-CONTENT"]);
        assert_eq!(LabelSet::of_names(&attribution.names()), Ok(attribution.clone()));
        assert!(attribution.has(EntityType::Cue) && !attribution.has(EntityType::Per));
    }

    #[test]
    fn iob1_entities_start_with_b_in_iob2() {
        // "Peter Blackburn" then "EU" "Commission" adjacent to another ORG separated by B in IOB1.
        let iob1 = tags("I-PER I-PER O I-ORG I-ORG B-ORG O I-LOC I-MISC I-MISC");
        let iob2 = tags("B-PER I-PER O B-ORG I-ORG B-ORG O B-LOC B-MISC I-MISC");
        assert_eq!(iob1_to_iob2(&iob1), iob2);
    }

    #[test]
    fn iob2_is_left_unchanged() {
        let iob2 = tags("B-PER I-PER B-PER O B-ORG I-ORG I-ORG B-LOC B-MISC I-MISC");
        assert_eq!(iob1_to_iob2(&iob2), iob2);
        assert_eq!(iob1_to_iob2(&iob1_to_iob2(&tags("I-LOC O I-PER I-LOC"))), tags("B-LOC O B-PER B-LOC"));
        assert_eq!(iob1_to_iob2(&[]), vec![]);
    }
}
