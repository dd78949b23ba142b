//! `import`: stance sets, annotated news and attribution data into the files `train` and `eval` read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use stancemap::import::{import, ImportFormat, ImportOptions};

/// `import`'s arguments.
#[derive(Args)]
pub struct ImportArgs {
    #[arg(value_enum)]
    format: ImportFormatName,
    /// The file or folder to read.
    input: PathBuf,
    /// The JSONL file to write.
    #[arg(long, required_unless_present_any = ["gold", "issues"])]
    out: Option<PathBuf>,
    /// The split to take where the input holds several (semeval: train by default; ibm-claims: all; basil:
    /// a year or years such as 2010-2015, all by default; seesaw: train or valid, required).
    #[arg(long)]
    split: Option<String>,
    /// seesaw only: write the split's articles to DIR/corpus/ and their article-level gold rows (the columns
    /// of ANNOTATION.md) to DIR/gold.csv, for `eval articles`.
    #[arg(long, value_name = "DIR", conflicts_with = "out")]
    gold: Option<PathBuf>,
    /// seesaw: write the split's sentences to FILE as CoNLL with their topics and events tagged ISSUE, to train
    /// an issue tagger (`train ner --train FILE`); articles: the annotated articles' sentences with the issues
    /// of their gold rows tagged.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["out", "gold"])]
    issues: Option<PathBuf>,
    /// --issues only: keep every sentence with a tagged issue but only N evenly spread sentences without one.
    /// SEESAW lists a few topics per article, so most of its sentences without a tag name an issue it did not
    /// list or name one in other words: a tagger trained on all of them tags too little.
    #[arg(long, value_name = "N", requires = "issues")]
    unlabelled_sentences: Option<usize>,
    /// articles only: the corpus (folder or file) that holds the articles the gold rows annotate.
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ImportFormatName {
    Newsmtsc,
    Pstance,
    Semeval,
    IbmClaims,
    Basil,
    Evidence,
    Cues,
    /// SEESAW's stories as annotated articles (with --gold DIR).
    Seesaw,
    /// Gold rows of your own articles (ANNOTATION.md's CSV) as training data: `import articles GOLD.csv --corpus DIR
    /// --issues FILE.conll` (issue spans, for `train ner`) or `--out FILE.jsonl` (stance examples from the run's
    /// own questions, for `train stance`).
    Articles,
    /// A PolNeAR split folder (polnear/train or polnear/dev) as CoNLL for the attribution tagger (`--out
    /// FILE.conll`, then `train ner --train FILE.conll`).
    Polnear,
}

impl ImportFormatName {
    fn format(self) -> ImportFormat {
        match self {
            ImportFormatName::Newsmtsc => ImportFormat::NewsMtsc,
            ImportFormatName::Pstance => ImportFormat::PStance,
            ImportFormatName::Semeval => ImportFormat::SemEval,
            ImportFormatName::IbmClaims => ImportFormat::IbmClaims,
            ImportFormatName::Basil => ImportFormat::Basil,
            ImportFormatName::Evidence => ImportFormat::Evidence,
            ImportFormatName::Cues => ImportFormat::Cues,
            ImportFormatName::Seesaw => unreachable!("seesaw is imported with --gold, before any format is read"),
            ImportFormatName::Articles => {
                unreachable!("articles are imported with --corpus, before any format is read")
            }
            ImportFormatName::Polnear => unreachable!("polnear is imported as CoNLL, before any format is read"),
        }
    }
}

/// `stancemap import`.
pub fn import_data(args: ImportArgs) -> anyhow::Result<ExitCode> {
    match args {
        ImportArgs {
            format: ImportFormatName::Seesaw, input, out, split, gold, issues, unlabelled_sentences, ..
        } => {
            let Some(split) = split.filter(|s| s == "train" || s == "valid") else {
                anyhow::bail!("import seesaw needs --split train or --split valid (the test stories are held out)");
            };
            if let Some(conll) = issues {
                let report =
                    stancemap::import::seesaw::write_issue_spans(&input, &split, &conll, unlabelled_sentences)?;
                for skipped in &report.skipped {
                    eprintln!("skipped: {skipped}");
                }
                println!(
                    "{}: {} sentences ({} with an issue) of {} {split} articles to {}; {} issue spans as written, {} \
                     nearly",
                    input.display(),
                    report.sentences,
                    report.tagged_sentences,
                    report.articles,
                    conll.display(),
                    report.exact,
                    report.near
                );
                return Ok(if report.articles == 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS });
            }
            let Some(dir) = gold else {
                let out = anyhow::Context::context(out, "--out FILE.jsonl: where to write the examples")?;
                return import_seesaw_examples(&input, &split, &out);
            };
            let report = stancemap::import::seesaw::write_gold(&input, &split, &dir)?;
            for skipped in &report.skipped {
                eprintln!("skipped: {skipped}");
            }
            if report.articles == 0 {
                eprintln!("stancemap: error: no {split} article in {}", input.display());
                return Ok(ExitCode::FAILURE);
            }
            println!(
                "{}: {} articles of {split} to {}; {} sentence triples, {} of them in the {} gold rows of {}",
                input.display(),
                report.articles,
                report.corpus.display(),
                report.triples,
                report.triples_used,
                report.rows,
                report.gold.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        ImportArgs { format: ImportFormatName::Articles, input, out, issues, unlabelled_sentences, corpus, .. } => {
            let Some(corpus) = corpus else {
                anyhow::bail!(
                    "import articles reads GOLD.csv with --corpus DIR (the articles it annotates) and writes --issues \
                     FILE.conll or --out FILE.jsonl"
                );
            };
            if let Some(conll) = issues {
                return import_article_issues(&input, &corpus, &conll, unlabelled_sentences);
            }
            let out = anyhow::Context::context(out, "--out FILE.jsonl or --issues FILE.conll: what to write")?;
            import_article_examples(&input, &corpus, &out)
        }
        ImportArgs { format: ImportFormatName::Polnear, input, out, split, gold, issues, .. } => {
            if split.is_some() || gold.is_some() || issues.is_some() {
                anyhow::bail!(
                    "import polnear reads one split folder (polnear/train or polnear/dev) into --out FILE.conll"
                );
            }
            let out = anyhow::Context::context(out, "--out FILE.conll: where to write the tagged words")?;
            let report = stancemap::attribution::polnear::write_conll(&input, &out)?;
            for skipped in &report.read.skipped {
                eprintln!("skipped: {skipped}");
            }
            let [sources, cues, contents] = report.spans;
            println!(
                "{}: {} articles ({} with several annotators, one used), {} attributions; {} units, {} words to {}; \
                 spans tagged: {sources} sources, {cues} cues, {contents} contents; {} lines, attributions or \
                 articles skipped",
                input.display(),
                report.read.articles,
                report.read.several_annotators,
                report.read.attributions,
                report.units,
                report.words,
                out.display(),
                report.read.skipped.len()
            );
            Ok(if report.read.articles == 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
        }
        ImportArgs { format, input, out, split, gold, issues, corpus, .. } => {
            if gold.is_some() || issues.is_some() || corpus.is_some() {
                anyhow::bail!(
                    "--gold, --issues and --corpus are for import seesaw and import articles; other formats write \
                     training examples to --out"
                );
            }
            let out = anyhow::Context::context(out, "--out FILE.jsonl: where to write the examples")?;
            let report = import(format.format(), &input, &ImportOptions { split }, &out)?;
            for skipped in &report.skipped {
                eprintln!("skipped: {}: {}", skipped.place, skipped.reason);
            }
            if report.converted == 0 {
                let why = match report.read {
                    0 => "it holds no records of this format".to_string(),
                    n => format!("all {n} records read were skipped (see above)"),
                };
                eprintln!(
                    "stancemap: error: nothing converted from {}: {why}; {} not written",
                    input.display(),
                    out.display()
                );
                return Ok(ExitCode::FAILURE);
            }
            println!(
                "{}: {} read, {} converted, {} skipped; written to {}",
                input.display(),
                report.read,
                report.converted,
                report.skipped.len(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `import seesaw --out FILE`: training examples from the run's own questions on a split's articles.
fn import_seesaw_examples(input: &Path, split: &str, out: &Path) -> anyhow::Result<ExitCode> {
    use stancemap::import::{seesaw, stages};
    let report = seesaw::read_examples(input, split, &stages::entity_model())?;
    let what = format!("the {split} articles of {}", input.display());
    let Some([favor, against, neutral]) = write_question_examples(&report.examples, &report.skipped, &what, out)?
    else {
        return Ok(ExitCode::FAILURE);
    };
    println!(
        "{}: {} articles of {split}; {} examples (favor {}, against {}, neutral {}; {} questions with triples of both signs left out) written to {}",
        input.display(),
        report.articles,
        report.examples.len(),
        favor,
        against,
        neutral,
        report.conflicting,
        out.display()
    );
    print_candidate_recall(report.triples.iter().map(|(kind, counts)| (*kind, *counts)), "sentence triples asked");
    Ok(ExitCode::SUCCESS)
}

/// `import articles --issues FILE.conll`: a user's gold rows as issue spans for the issue tagger.
fn import_article_issues(
    gold: &Path,
    corpus: &Path,
    conll: &Path,
    unlabelled: Option<usize>,
) -> anyhow::Result<ExitCode> {
    let report = stancemap::import::articles::write_issue_spans(gold, corpus, conll, unlabelled)?;
    for skipped in &report.skipped {
        eprintln!("skipped: {skipped}");
    }
    println!(
        "{}: {} annotated articles of {} ({} rows toward issues) to {}: {} sentences, {} with an issue; {} issue \
         spans; {} issue names written nowhere in their article",
        gold.display(),
        report.articles,
        corpus.display(),
        report.issue_rows,
        conll.display(),
        report.sentences,
        report.tagged_sentences,
        report.spans,
        report.names_unseen
    );
    Ok(if report.articles == 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// `import articles --out FILE.jsonl`: stance examples from the run's own questions, labelled by a user's gold rows.
fn import_article_examples(gold: &Path, corpus: &Path, out: &Path) -> anyhow::Result<ExitCode> {
    use stancemap::import::{articles, stages};
    let report = articles::read_examples(gold, corpus, &stages::entity_model())?;
    let what = format!("the annotated articles of {}", corpus.display());
    let Some([favor, against, neutral]) = write_question_examples(&report.examples, &report.skipped, &what, out)?
    else {
        return Ok(ExitCode::FAILURE);
    };
    println!(
        "{}: {} annotated articles of {}; {} examples (favor {}, against {}, neutral {}; {} questions left out: a row \
         names them but its evidence is another sentence, or rows of both signs do) written to {}; {} rows whose \
         evidence is not a sentence of their article",
        gold.display(),
        report.articles,
        corpus.display(),
        report.examples.len(),
        favor,
        against,
        neutral,
        report.left_out,
        out.display(),
        report.rows_without_evidence
    );
    print_candidate_recall(
        report.rows.iter().map(|(kind, counts)| (kind.as_str(), *counts)),
        "rows asked in their evidence sentence",
    );
    Ok(ExitCode::SUCCESS)
}

/// Names the items of the corpus that were skipped, then writes the examples of the run's own questions to `out`
/// and returns their counts (favor, against, neutral); None, with an error naming `what` was read, when no question
/// was asked.
fn write_question_examples(
    examples: &[stancemap::stance::example::StanceExample],
    skipped: &[String],
    what: &str,
    out: &Path,
) -> anyhow::Result<Option<[usize; 3]>> {
    use stancemap::vocab::StanceLabel;
    for skipped in skipped {
        eprintln!("skipped: {skipped}");
    }
    if examples.is_empty() {
        eprintln!("stancemap: error: no question asked in {what}; {} not written", out.display());
        return Ok(None);
    }
    stancemap::import::write_examples(out, examples)?;
    let count = |label: StanceLabel| examples.iter().filter(|e| e.label == label).count();
    Ok(Some([count(StanceLabel::Favor), count(StanceLabel::Against), count(StanceLabel::Neutral)]))
}

/// Prints the candidate recall by target kind (gold items, and those a question asked) and overall.
fn print_candidate_recall<'a>(by_kind: impl Iterator<Item = (&'a str, (usize, usize))>, what: &str) {
    let (mut all, mut asked) = (0, 0);
    for (kind, (items, found)) in by_kind {
        println!(
            "  candidate recall, {kind} targets: {found} of {items} {what} ({:.3})",
            found as f64 / items.max(1) as f64
        );
        all += items;
        asked += found;
    }
    println!("  candidate recall: {asked} of {all} ({:.3})", asked as f64 / all.max(1) as f64);
}
