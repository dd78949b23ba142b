//! The tools beside the pipeline: `stance` (one question to the stance model), `export`, `bench`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use stancemap::bench::{bench_encoders, BenchOptions};
use stancemap::model::BaseEncoder;
use stancemap::ner::export::export_hf;
use stancemap::span::whole_word;
use stancemap::stance::evaluate::label_of;
use stancemap::stance::input::StanceQuery;
use stancemap::stance::model::StanceModel;

use super::{default_model, Globals};

/// `stance`'s arguments.
#[derive(Args)]
pub struct StanceArgs {
    text: String,
    /// Who holds the stance (default: the author).
    #[arg(long)]
    holder: Option<String>,
    #[arg(long)]
    target: String,
    /// The model folder (default: models/stance-fast, or stance-accurate on a GPU).
    #[arg(long)]
    model: Option<PathBuf>,
    /// One JSON object instead of a line: the label, the three probabilities in full, and the precision and
    /// device the model ran in.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// A merged Hugging Face folder (config.json, model.safetensors, tokenizer.json) that Python transformers
    /// loads: entity models with AutoModelForTokenClassification (token_type_ids carry word shapes, see its
    /// config.json), stance models with AutoModelForSequenceClassification (config.json says how the markers
    /// and the second segment are written, and the temperature). parity.json holds sample inputs with our
    /// logits (bench/check_hf_export.py compares them).
    Hf {
        /// The model folder, e.g. models/ner-fast.
        #[arg(long)]
        model: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum BenchCommand {
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
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum EncoderChoice {
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

/// `stancemap stance`.
pub fn stance(args: StanceArgs, g: &Globals) -> anyhow::Result<ExitCode> {
    let StanceArgs { text, holder, target, model, json } = args;
    let blank = [("the text", Some(&text)), ("--holder", holder.as_ref()), ("--target", Some(&target))]
        .into_iter()
        .find(|(_, value)| value.is_some_and(|v| v.trim().is_empty()));
    if let Some((what, _)) = blank {
        anyhow::bail!("{what} is empty: a stance needs a sentence, a target, and (if given) a holder");
    }
    tch::set_num_threads(g.threads);
    let dir = model.unwrap_or_else(|| default_model("stance", g.device));
    let mut loaded = StanceModel::load(&dir, g.device.device()?)?;
    loaded.encoder.use_precision(g.precision)?;
    // Marked where the name first occurs as a whole word ("Russia", not inside "Russian"), else where it
    // first occurs at all.
    let find = |name: &str| -> Option<[usize; 2]> {
        let start = whole_word(&text, name).map(|span| span.start).or_else(|| text.find(name))?;
        let chars = text[..start].chars().count();
        Some([chars, chars + name.chars().count()])
    };
    let query = StanceQuery {
        text: &text,
        holder: holder.as_deref(),
        holder_span: holder.as_deref().and_then(find),
        target: &target,
        target_span: find(&target),
    };
    let p = stancemap::stance::evaluate::predict(&loaded, &[query], 1)?[0];
    if json {
        let answer = serde_json::json!({
            "label": label_of(&p).as_str(),
            "p_favor": p[0],
            "p_against": p[1],
            "p_neutral": p[2],
            "precision": loaded.encoder.precision_name(),
            "device": format!("{:?}", loaded.encoder.vars.device()).to_lowercase(),
        });
        println!("{answer}");
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}\tp_favor {:.3}\tp_against {:.3}\tp_neutral {:.3}", label_of(&p).as_str(), p[0], p[1], p[2]);
    Ok(ExitCode::SUCCESS)
}

/// `stancemap export`.
pub fn export(command: ExportCommand) -> anyhow::Result<ExitCode> {
    let ExportCommand::Hf { model, out } = command;
    let card = stancemap::model::card::ModelCard::read(&model.join(stancemap::model::card::CARD_FILE))?;
    match card.task {
        stancemap::model::card::Task::Stance(_) => stancemap::stance::export::export_hf(&model, &out)?,
        stancemap::model::card::Task::Ner => export_hf(&model, &out)?,
    }
    println!("wrote {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// `stancemap bench`.
pub fn bench(command: BenchCommand, g: &Globals) -> anyhow::Result<ExitCode> {
    let BenchCommand::Encoders { encoder, batch, seq, iters, warmup, out } = command;
    let options = BenchOptions {
        encoders: encoder.encoders(),
        threads: g.threads_given.unwrap_or(2),
        batch,
        seq,
        iters,
        warmup,
        out,
    };
    let results = bench_encoders(&options)?;
    println!("{:<24} {:<20} {:>8} {:>12}", "implementation", "encoder", "seconds", "tokens/s");
    for r in &results {
        println!("{:<24} {:<20} {:>8.2} {:>12.0}", r.implementation, r.encoder.folder(), r.seconds, r.tokens_per_s);
    }
    println!("appended to {}", options.out.display());
    Ok(ExitCode::SUCCESS)
}
