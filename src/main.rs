//! The `stancemap` command line: a thin layer over the library. Each subcommand parses its flags, calls one
//! library function, and reports; errors print once, with their whole chain of context. The subcommands' flags and
//! handlers are in `cli/`, one file per group.

mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use cli::eval::EvalCommand;
use cli::import::ImportArgs;
use cli::run::{MergeArgs, NetworkArgs, ReportArgs, RunArgs, WorkbookArgs};
use cli::tools::{BenchCommand, ExportCommand, StanceArgs};
use cli::train::{CalibrateCommand, EncodeCommand, TrainCommand};
use cli::Globals;
use stancemap::model::{DeviceChoice, Precision};

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
    /// Where the models run: auto (a CUDA GPU when this build sees one, else the CPU), cpu or cuda.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    device: DeviceChoice,
    /// The models' number format: auto (bf16 on a GPU and on a CPU with AMX; fp32 on other CPUs, where bf16 is
    /// slower), fp32, bf16, or int8 (the encoders' linear layers on int8 weights; CPU only).
    #[arg(long, global = true, value_enum, default_value = "auto")]
    precision: Precision,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read a corpus and write the tables (articles, sentences, mentions, evidence, stances, matrix, actors; run.json)
    /// to --out.
    ///
    /// CORPUS is a folder (read recursively: .txt files are one article each, the first non-empty line the
    /// title; .jsonl has one JSON article per line; .csv/.tsv one per row with a header) or a single such file.
    /// Bad input is reported with its file and line and skipped; the run goes on and exits 0.
    Run(RunArgs),
    /// Put the folders of the N shards of a run (`run --shard I/N`) together: the tables one run over the whole
    /// corpus writes.
    Merge(MergeArgs),
    /// Write one self-contained HTML page of a finished run (no network needed to open it): the actor network,
    /// filters, a page per actor and per target with the evidence sentences, and a search box.
    Report(ReportArgs),
    /// Write a finished run's stances as a network file for Gephi, visone or a graph library: actors x targets
    /// (two-mode), or actors linked by the targets they agree (congruence) or disagree (conflict) on, as the
    /// Discourse Network Analyzer defines them.
    Network(NetworkArgs),
    /// Write a finished run's tables as one workbook (one sheet per table) for a spreadsheet; `run --format
    /// xlsx` does it at the end of a run.
    Workbook(WorkbookArgs),
    /// Train a model on labeled data.
    #[command(subcommand)]
    Train(TrainCommand),
    /// Encode training data for the Python GPU trainer, with the contract its model is written by.
    #[command(subcommand)]
    Encode(EncodeCommand),
    /// Score a trained model on labeled data.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Fit a trained model's probability calibration again on labeled data (your own domain's, or the dev sets of
    /// a model trained outside stancemap) and write it, with the scores, into the model's card.
    #[command(subcommand)]
    Calibrate(CalibrateCommand),
    /// Convert a public stance set, or a corrected evidence.csv, into canonical stance JSONL (one example per line),
    /// reporting rows read, converted and skipped. `cues` reads a news corpus instead and labels holder -> issue
    /// pairs by the cue that found them ("opposes": against), a silver training set.
    Import(ImportArgs),
    /// Classify one stance: is HOLDER for, against or neutral toward TARGET in TEXT? Prints the label and the
    /// three calibrated probabilities. Holder and target are marked where they first occur in the text as whole
    /// words (else anywhere).
    Stance(StanceArgs),
    /// Write a trained model in another format.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Measure throughput.
    #[command(subcommand)]
    Bench(BenchCommand),
}

/// Run by the dynamic loader before any library initialiser: libtorch's idle threads are to spin only briefly
/// before they sleep, which libgomp reads as it loads (see `stancemap::model::threads`).
#[used]
#[link_section = ".preinit_array"]
static SPIN_BRIEFLY: extern "C" fn(libc::c_int, *const *const libc::c_char, *const *const libc::c_char) = {
    extern "C" fn at_load(_: libc::c_int, argv: *const *const libc::c_char, envp: *const *const libc::c_char) {
        // SAFETY: the loader passes its NULL-terminated argv and envp, before any thread exists.
        unsafe { stancemap::model::threads::spin_briefly(argv, envp) }
    }
    at_load
};

fn main() -> ExitCode {
    // Output piped into a program that stops reading (`stancemap eval stance ... | head`) ends the process quietly,
    // as it does for other command-line tools, instead of a panic with a backtrace. Tables are written to files
    // through `.partial` names, so nothing written is lost.
    #[cfg(unix)]
    // SAFETY: restoring the default action of one signal at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    match try_main() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("stancemap: error: {}", error_chain(&err));
            ExitCode::FAILURE
        }
    }
}

/// An error and its causes on one line, each cause said once: an error whose message already ends with its
/// cause's text (`x.csv: cannot write: No space left on device`) is not followed by that text again.
fn error_chain(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.ends_with(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

fn try_main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let cores = std::thread::available_parallelism().map(|n| n.get() as i32).unwrap_or(1);
    let g = Globals {
        threads: cli.threads.unwrap_or(cores).max(1),
        threads_given: cli.threads,
        device: cli.device,
        precision: cli.precision,
    };
    match cli.command {
        Command::Run(args) => cli::run::run_corpus(args, &g),
        Command::Merge(args) => cli::run::merge_shards(args, &g),
        Command::Report(args) => cli::run::report(args),
        Command::Network(args) => cli::run::network(args),
        Command::Workbook(args) => cli::run::workbook(args),
        Command::Train(command) => cli::train::train(command, &g),
        Command::Encode(command) => cli::train::encode(command),
        Command::Eval(command) => cli::eval::eval(command, &g),
        Command::Calibrate(command) => cli::train::calibrate(command, &g),
        Command::Import(args) => cli::import::import_data(args),
        Command::Stance(args) => cli::tools::stance(args, &g),
        Command::Export(command) => cli::tools::export(command),
        Command::Bench(command) => cli::tools::bench(command, &g),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_chain_says_each_cause_once() {
        let io = std::io::Error::from_raw_os_error(28);
        let said = io.to_string();
        let write = stancemap::output::OutputError::Io { path: "out/articles.csv".into(), source: io };
        let err = anyhow::Error::new(write).context("the run could not finish");
        let line = error_chain(&err);
        assert_eq!(line, format!("the run could not finish: out/articles.csv: cannot write: {said}"));
        assert_eq!(line.matches(&said).count(), 1, "{line}");
    }
}
