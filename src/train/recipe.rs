//! A trained model's recipe (`train ner|stance --recipe MODEL`, `scripts/gpu/train_stance.py --recipe MODEL`):
//! what its card says it was made with, so that a model is trained again, on a user's data or the same data, the
//! way the shipped one was. Both trainers read the same fields of the card, and both write them:
//! - the card's `base.name`, `adaptation` (full, or LoRA with its rank) and, for stance models, `pooling`;
//! - from `training.options`: `epochs`, `batch_size`, `lr`, `warmup`, `weight_decay`, `seed`, and `word_shape`
//!   for span taggers (absent: on).
//!
//! A soup (a weight average of several runs, `scripts/gpu/soup.py`) has no single recipe: its card lists each
//! ingredient's command under `training.soup`; asking for its recipe says so.

use std::path::Path;

use anyhow::{bail, Context};
use serde_json::Value;

use crate::model::card::{ModelCard, Pooling, Task};
use crate::model::delta::Adaptation;
use crate::model::BaseEncoder;

/// What a model's card says it was trained with. The schedule's fields are `None` where the card does not record
/// them (the trainer's defaults then apply).
#[derive(Debug, Clone, PartialEq)]
pub struct Recipe {
    /// `ner` (any span tagger) or `stance`.
    pub task: &'static str,
    pub encoder: BaseEncoder,
    pub adaptation: Adaptation,
    /// Stance models only.
    pub pooling: Option<Pooling>,
    pub epochs: Option<usize>,
    pub batch_size: Option<usize>,
    pub lr: Option<f64>,
    pub warmup: Option<f64>,
    pub weight_decay: Option<f64>,
    pub seed: Option<u64>,
    /// Span taggers only.
    pub word_shape: Option<bool>,
}

impl Recipe {
    /// The recipe in `model`'s card.json.
    pub fn of_model(model: &Path) -> anyhow::Result<Recipe> {
        let card = ModelCard::read(&model.join("card.json"))?;
        let options = &card.training.options;
        if let Some(runs) = options.get("soup_of").and_then(Value::as_array) {
            bail!(
                "{}: this model is a soup, the weight average of {} runs, and has no single recipe; train one of \
                 its runs again (their commands are in the card's training.soup) or follow training.reproduce",
                model.display(),
                runs.len()
            );
        }
        let encoder = BaseEncoder::from_name(&card.base.name).with_context(|| {
            format!("{}: its base {:?} is not one stancemap knows", model.display(), card.base.name)
        })?;
        let number = |key: &str| -> anyhow::Result<Option<f64>> {
            match options.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(value) => value
                    .as_f64()
                    .map(Some)
                    .with_context(|| format!("{}: training.options.{key} is not a number: {value}", model.display())),
            }
        };
        let count = |key: &str| -> anyhow::Result<Option<u64>> {
            match number(key)? {
                Some(n) if n < 0.0 || n.fract() != 0.0 => {
                    bail!("{}: training.options.{key} is not a whole number: {n}", model.display())
                }
                n => Ok(n.map(|n| n as u64)),
            }
        };
        let (task, pooling) = match &card.task {
            Task::Ner => ("ner", None),
            Task::Stance(stance) => ("stance", Some(stance.pooling.unwrap_or_default())),
        };
        Ok(Recipe {
            task,
            encoder,
            adaptation: card.adaptation.unwrap_or(Adaptation::Full),
            pooling,
            epochs: count("epochs")?.map(|n| n as usize),
            batch_size: count("batch_size")?.map(|n| n as usize),
            lr: number("lr")?,
            warmup: number("warmup")?,
            weight_decay: number("weight_decay")?,
            seed: count("seed")?,
            word_shape: options.get("word_shape").and_then(Value::as_bool),
        })
    }

    /// The recipe of `model` for a `task` trainer, refusing a model of another task.
    pub fn for_task(model: &Path, task: &str) -> anyhow::Result<Recipe> {
        let recipe = Recipe::of_model(model)?;
        if recipe.task != task {
            bail!(
                "{}: a {} model's recipe cannot train a {task} model (use `train {}`)",
                model.display(),
                recipe.task,
                recipe.task
            );
        }
        Ok(recipe)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("models").join(name)
    }

    #[test]
    fn a_shipped_cards_recipe_is_what_it_was_trained_with_by_either_trainer() {
        // Written by stancemap's trainer (CPU).
        let attribution = Recipe::of_model(&shipped("attribution-accurate")).unwrap();
        assert_eq!(attribution.task, "ner");
        assert_eq!(attribution.encoder, BaseEncoder::Mpnet);
        assert_eq!(attribution.adaptation, Adaptation::from_rank(16));
        assert_eq!((attribution.epochs, attribution.lr, attribution.word_shape), (Some(2), Some(3e-4), Some(true)));
        assert_eq!(attribution.pooling, None);
        // Written by scripts/gpu/train_stance.py.
        let stance = Recipe::of_model(&shipped("stance-accurate")).unwrap();
        assert_eq!(stance.task, "stance");
        assert_eq!(stance.encoder, BaseEncoder::Mpnet);
        assert_eq!(stance.adaptation, Adaptation::from_rank(16));
        assert_eq!(stance.pooling, Some(Pooling::First));
        assert_eq!(
            (stance.epochs, stance.batch_size, stance.lr, stance.seed),
            (Some(3), Some(32), Some(5e-4), Some(13))
        );
        // An old card without word_shape: the trainer's default.
        assert_eq!(Recipe::of_model(&shipped("ner-fast")).unwrap().word_shape, None);
    }

    #[test]
    fn a_soup_or_a_model_of_another_task_has_no_recipe_to_give() {
        let soup = Recipe::of_model(&shipped("stance-fast")).unwrap_err().to_string();
        assert!(soup.contains("soup") && soup.contains("training.soup"), "{soup}");
        let other = Recipe::for_task(&shipped("ner-fast"), "stance").unwrap_err().to_string();
        assert!(other.contains("a ner model's recipe cannot train a stance model"), "{other}");
        let missing = Recipe::of_model(Path::new("/nonexistent-model")).unwrap_err().to_string();
        assert!(missing.contains("/nonexistent-model/card.json"), "{missing}");
    }
}
