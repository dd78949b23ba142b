use super::lists::inflections;
use super::*;

#[test]
fn the_shipped_lexicon_reads_every_list_and_table() {
    let lexicon = Lexicon::english();
    for &(list, name, ..) in LISTS {
        assert!(!lexicon.words(list).is_empty(), "{name} is empty");
    }
    assert!(lexicon.has(Words::SpeechVerbs, "said"));
    assert!(!lexicon.has(Words::SpeechVerbs, "banana"));
    let president = lexicon.title("president").unwrap();
    assert_eq!((president.role.as_str(), president.head.as_str(), president.gender), ("president", "president", None));
    assert_eq!(lexicon.title("congresswoman").unwrap().gender, Some(Gender::Female));
    assert!(lexicon.honorifics.contains(&("mrs".to_string(), Some(Gender::Female))));
    assert!(lexicon.person_roles.contains(&("premier".to_string(), "prime minister".to_string())));
}

#[test]
fn a_users_folder_adds_and_takes_out_words_and_puts_its_titles_first() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("speech_verbs.tsv"), "# mine\nquipped\n-said\n").unwrap();
    std::fs::write(dir.path().join("titles.tsv"), "written\trole\thead\tgender\nprésident\tpresident\tpresident\t\n")
        .unwrap();
    let lexicon = Lexicon::load(&[dir.path().to_path_buf()], &[]).unwrap();
    assert!(lexicon.has(Words::SpeechVerbs, "quipped"));
    assert!(!lexicon.has(Words::SpeechVerbs, "said"));
    assert!(lexicon.has(Words::SpeechVerbs, "says"), "only what the file names goes");
    let position = |written: &str| lexicon.titles.iter().position(|t| t.written == written).unwrap();
    assert!(position("président") < position("president"), "a user's title before the shipped ones of as many words");
    assert!(lexicon.title("president").is_some(), "the shipped titles stay");
}

#[test]
fn a_users_folder_with_an_unknown_list_or_a_broken_table_is_refused_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("speach_verbs.tsv"), "quipped\n").unwrap();
    let message = Lexicon::load(&[dir.path().to_path_buf()], &[]).unwrap_err().to_string();
    assert!(message.contains("speach_verbs.tsv") && message.contains("speech_verbs"), "{message}");

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("honorifics.tsv"), "written\tgender\nsir\tman\n").unwrap();
    let message = Lexicon::load(&[dir.path().to_path_buf()], &[]).unwrap_err().to_string();
    assert!(message.contains("honorifics.tsv") && message.contains("male, female or empty"), "{message}");

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("titles.tsv"), "written\trole\nmayor\tmayor\n").unwrap();
    let message = Lexicon::load(&[dir.path().to_path_buf()], &[]).unwrap_err().to_string();
    assert!(message.contains("titles.tsv") && message.contains("header"), "{message}");
}

#[test]
fn a_verb_gives_its_regular_forms() {
    let forms = |verb: &str| inflections(verb);
    assert_eq!(forms("vow"), ["vow", "vows", "vowed", "vowing"]);
    assert_eq!(forms("urge"), ["urge", "urges", "urged", "urging"]);
    assert_eq!(forms("reply"), ["reply", "replies", "replied", "replying"]);
    assert_eq!(forms("push"), ["push", "pushes", "pushed", "pushing"]);
    assert!(forms("admit").contains(&"admitted".to_string()) && forms("admit").contains(&"admits".to_string()));
    assert!(forms("slam").contains(&"slams".to_string()) && forms("slam").contains(&"slammed".to_string()));
    assert_eq!(forms("agree"), ["agree", "agrees", "agreed", "agreeing"]);
    assert_eq!(forms("lie"), ["lie", "lies", "lied", "lying"]);
    let verbs = WordList::parse("# verbs\nsay said\ntell told\n=backs backed\n", true);
    assert!(verbs.contains("backs") && verbs.contains("backed") && !verbs.contains("back"), "= forms as they are");
    for form in ["say", "says", "saying", "said", "tell", "tells", "telling", "told"] {
        assert!(verbs.contains(form), "{form}");
    }
    assert!(!verbs.contains("saids"), "an irregular form is not inflected again");
}

#[test]
fn every_list_sits_at_its_words_place_so_lookups_read_the_right_file() {
    for (index, &(list, name, ..)) in LISTS.iter().enumerate() {
        assert_eq!(list as usize, index, "{name}");
    }
    let lexicon = Lexicon::english();
    assert!(lexicon.has(Words::Prepositions, "about") && !lexicon.has(Words::Prepositions, "said"));
    assert!(lexicon.has(Words::UrgeVerbs, "urging") && lexicon.has(Words::AgainstVerbs, "slams"));
    assert!(fixed(Fixed::WordAbbreviations, "Mr") && fixed(Fixed::SentenceTitles, "Gen"));
    assert!(fixed(Fixed::SentenceBeforeNumber, "No") && fixed(Fixed::SentenceAmbiguous, "Inc"));
    assert!(!fixed(Fixed::SentenceTitles, "Inc"));
}

#[test]
fn a_users_table_keeps_longer_titles_first_takes_rows_out_and_refuses_short_rows() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("titles.tsv"),
        "written\trole\thead\tgender\nMinister\tminister\tminister\n-mayor\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("Speech_verbs.tsv"), "\u{feff}Quipped\n").unwrap();
    let message = Lexicon::load(&[dir.path().to_path_buf()], &[]).unwrap_err().to_string();
    assert!(message.contains("Speech_verbs"), "file names are lists' names as written: {message}");
    std::fs::rename(dir.path().join("Speech_verbs.tsv"), dir.path().join("speech_verbs.tsv")).unwrap();
    let lexicon = Lexicon::load(&[dir.path().to_path_buf()], &[]).unwrap();
    assert!(lexicon.has(Words::SpeechVerbs, "quipped"), "read in lowercase, a byte-order mark dropped");
    assert!(lexicon.title("mayor").is_none(), "-mayor takes the shipped title out");
    let position = |written: &str| lexicon.titles.iter().position(|t| t.written == written).unwrap();
    assert!(position("prime minister") < position("minister"), "the longer title is still tried first");
    assert_eq!(lexicon.titles.iter().filter(|t| t.written == "minister").count(), 2, "the user's and the shipped");
    assert!(position("minister") < lexicon.titles.iter().rposition(|t| t.written == "minister").unwrap());

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("titles.tsv"), "written\trole\thead\tgender\nombudsman ombudsman ombudsman\n")
        .unwrap();
    let message = Lexicon::load(&[dir.path().to_path_buf()], &[]).unwrap_err().to_string();
    assert!(message.contains("titles.tsv:2") && message.contains("tab-separated"), "{message}");

    for (file, says) in [("word_abbreviations.tsv", "fixed"), ("favor_verbs.txt", "NAME.tsv only")] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(file), "x\n").unwrap();
        let message = Lexicon::load(&[dir.path().to_path_buf()], &[]).unwrap_err().to_string();
        assert!(message.contains(file) && message.contains(says), "{message}");
    }
}

#[test]
fn a_verb_and_its_preposition_say_what_follows_in_every_form_of_the_verb() {
    let lexicon = Lexicon::english();
    for form in ["call", "calls", "called", "calling"] {
        assert_eq!(lexicon.verb_preposition(form, "for"), Some(VerbPreposition::Favor), "{form} for");
        assert_eq!(lexicon.verb_preposition(form, "on"), Some(VerbPreposition::Urged), "{form} on");
    }
    assert_eq!(lexicon.verb_preposition("objected", "to"), Some(VerbPreposition::Against));
    assert_eq!(lexicon.verb_preposition("favour", "of"), Some(VerbPreposition::Favor), "\"in favour of\" is for");
    assert_eq!(lexicon.verb_preposition("warning", "against"), None, "\"a warning against\" is a noun");
    assert_eq!(lexicon.verb_preposition("called", "off"), None);

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("verb_prepositions.tsv"), "verb\tpreposition\tsays\nrally\tbehind\tfavor\n-call\n")
        .unwrap();
    let lexicon = Lexicon::load(&[dir.path().to_path_buf()], &[]).unwrap();
    assert_eq!(lexicon.verb_preposition("rallied", "behind"), Some(VerbPreposition::Favor));
    assert_eq!(lexicon.verb_preposition("calls", "for"), None, "-call takes out every row of that verb");
    assert_eq!(lexicon.verb_preposition("pushing", "for"), Some(VerbPreposition::Favor), "the other rows stay");

    std::fs::write(dir.path().join("verb_prepositions.tsv"), "verb\tpreposition\tsays\nrally\tbehind\tyes\n").unwrap();
    let message = Lexicon::load(&[dir.path().to_path_buf()], &[]).unwrap_err().to_string();
    assert!(message.contains("verb_prepositions.tsv") && message.contains("favor, against or urged"), "{message}");
}
