//! The `stancemap` command line: a thin layer over the library. Each subcommand parses its flags, calls one
//! library function, and reports; errors print once, with their whole chain of context.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use stancemap::bench::{bench_encoders, BenchOptions};
use stancemap::model::BaseEncoder;
use stancemap::output::FormulaGuard;
use stancemap::pipeline::{run, RunOptions};

#[derive(Parser)]
#[command(
    name = "stancemap",
    version,
    about = "From raw news to who is for or against what, as spreadsheet-ready tables."
)]
struct Cli {
    /// CPU threads for model inference (default: all cores).
    #[arg(long, global = true)]
    threads: Option<i32>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read a corpus and write the tables (articles.csv, sentences.csv, run.json) to --out.
    ///
    /// CORPUS is a folder (read recursively: .txt files are one article each, the first non-empty line the
    /// title; .jsonl has one JSON article per line; .csv/.tsv one per row with a header) or a single such file.
    /// Bad input is reported with its file and line and skipped; the run goes on and exits 0.
    Run {
        /// The corpus: a folder or a .txt, .jsonl, .csv or .tsv file.
        corpus: PathBuf,
        /// The folder for the output tables (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Articles longer than this many bytes are skipped with a message.
        #[arg(long, default_value_t = 1_000_000)]
        max_article_bytes: usize,
        /// Write text cells exactly as they are, even those a spreadsheet would run as formulas.
        #[arg(long)]
        no_formula_guard: bool,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Measure throughput.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Tokens per second of the base encoders on a fixed batch (default 32 x 128), appended to a CSV.
    Encoders {
        /// Which encoders.
        #[arg(long, value_enum, default_value_t = EncoderChoice::All)]
        encoder: EncoderChoice,
        #[arg(long, default_value_t = 32)]
        batch: usize,
        #[arg(long, default_value_t = 128)]
        seq: usize,
        #[arg(long, default_value_t = 10)]
        iters: usize,
        #[arg(long, default_value_t = 2)]
        warmup: usize,
        /// The CSV the results are appended to.
        #[arg(long, default_value = "bench/results/encoders.csv")]
        out: PathBuf,
        /// Skip timing rust-bert's own BertModel beside ours.
        #[arg(long)]
        no_rust_bert: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum EncoderChoice {
    Minilm,
    Mpnet,
    All,
}

impl EncoderChoice {
    fn encoders(self) -> Vec<BaseEncoder> {
        match self {
            EncoderChoice::Minilm => vec![BaseEncoder::MiniLm],
            EncoderChoice::Mpnet => vec![BaseEncoder::Mpnet],
            EncoderChoice::All => BaseEncoder::ALL.to_vec(),
        }
    }
}

fn main() -> ExitCode {
    match try_main() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("stancemap: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn try_main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let cores = std::thread::available_parallelism().map(|n| n.get() as i32).unwrap_or(1);
    let threads = cli.threads.unwrap_or(cores).max(1);
    match cli.command {
        Command::Run { corpus, out, max_article_bytes, no_formula_guard, quiet } => {
            tch::set_num_threads(threads);
            let options = RunOptions {
                corpus,
                out,
                max_article_bytes,
                formula_guard: if no_formula_guard { FormulaGuard::Off } else { FormulaGuard::On },
                progress: !quiet,
            };
            let summary = run(&options)?;
            eprintln!(
                "stancemap: {} articles, {} sentences in {:.1}s; {} skipped, {} warnings; tables in {}",
                summary.articles,
                summary.sentences,
                summary.elapsed.as_secs_f64(),
                summary.skipped,
                summary.warnings,
                summary.out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Encoders { encoder, batch, seq, iters, warmup, out, no_rust_bert }) => {
            let options = BenchOptions {
                encoders: encoder.encoders(),
                threads: cli.threads.unwrap_or(2),
                batch,
                seq,
                iters,
                warmup,
                out,
                with_rust_bert: !no_rust_bert,
            };
            let results = bench_encoders(&options)?;
            println!("{:<24} {:<20} {:>8} {:>12}", "implementation", "encoder", "seconds", "tokens/s");
            for r in &results {
                println!(
                    "{:<24} {:<20} {:>8.2} {:>12.0}",
                    r.implementation,
                    r.encoder.folder(),
                    r.seconds,
                    r.tokens_per_s
                );
            }
            println!("appended to {}", options.out.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}
