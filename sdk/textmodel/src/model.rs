//! The linear model: multinomial logistic regression over binary token
//! features (each present token weighs `1/sqrt(distinct tokens)`), trained
//! by stochastic gradient descent in a seeded order — same examples, same
//! bytes — and stored with 16-bit weights.

use std::collections::BTreeMap;

/// How a model is trained.
#[derive(Debug, Clone, Copy)]
pub struct Training {
    /// Passes over the examples.
    pub epochs: u32,
    /// Step size of the first pass; pass `k` uses `learning_rate / (1 + k)`.
    pub learning_rate: f32,
    /// L2 penalty on the weights.
    pub l2: f32,
    /// Tokens seen in fewer examples are left out of the vocabulary.
    pub min_count: u32,
    /// Seed of the order examples are visited in.
    pub seed: u64,
}

impl Default for Training {
    fn default() -> Training {
        Training {
            epochs: 12,
            learning_rate: 0.5,
            l2: 1e-5,
            min_count: 2,
            seed: 1,
        }
    }
}

/// A model whose bytes cannot be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FormatError {
    /// The bytes do not start with the model format's magic.
    #[error("not a govlab text model (bad magic)")]
    Magic,
    /// The bytes end before the model does.
    #[error("the model is truncated")]
    Truncated,
    /// A class or token is not UTF-8.
    #[error("the model holds a name that is not UTF-8")]
    Utf8,
    /// Bytes are left after the model.
    #[error("{0} bytes follow the model")]
    Trailing(usize),
}

/// A trained classifier.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    classes: Vec<String>,
    /// Sorted, so a token is found by binary search.
    vocabulary: Vec<String>,
    /// `vocabulary.len() × classes.len()`, row per token.
    weights: Vec<f32>,
    bias: Vec<f32>,
}

const MAGIC: &[u8; 5] = b"GLTM\x01";
/// Longest token or class name the format stores (longer ones are skipped
/// when training).
const MAX_NAME_BYTES: usize = 255;

/// A small xorshift generator: the training order only needs to be
/// deterministic and well mixed.
struct Order(u64);

impl Order {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

impl Model {
    /// Trains on `(tokens, label)` examples.
    pub fn train(examples: &[(Vec<String>, String)], options: &Training) -> Model {
        let mut classes: Vec<String> = examples.iter().map(|(_, label)| label.clone()).collect();
        classes.sort();
        classes.dedup();
        let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
        for (tokens, _) in examples {
            let mut seen: Vec<&str> = tokens.iter().map(String::as_str).collect();
            seen.sort_unstable();
            seen.dedup();
            for token in seen
                .into_iter()
                .filter(|token| token.len() <= MAX_NAME_BYTES)
            {
                *counts.entry(token).or_default() += 1;
            }
        }
        let vocabulary: Vec<String> = counts
            .into_iter()
            .filter(|&(_, count)| count >= options.min_count)
            .map(|(token, _)| token.to_owned())
            .collect();
        let mut model = Model {
            weights: vec![0.0; vocabulary.len() * classes.len()],
            bias: vec![0.0; classes.len()],
            classes,
            vocabulary,
        };
        let docs: Vec<(Vec<usize>, usize)> = examples
            .iter()
            .map(|(tokens, label)| {
                let class = model.classes.binary_search(label).unwrap_or_default();
                (model.features(tokens), class)
            })
            .collect();
        let width = model.classes.len();
        let mut order: Vec<usize> = (0..docs.len()).collect();
        let mut rng = Order(options.seed | 1);
        let mut probabilities = vec![0.0f32; width];
        for epoch in 0..options.epochs {
            for at in (1..order.len()).rev() {
                order.swap(at, rng.below(at + 1));
            }
            let rate = options.learning_rate / (1.0 + epoch as f32);
            for &doc in &order {
                let (features, class) = &docs[doc];
                let value = feature_value(features.len());
                model.probabilities(features, value, &mut probabilities);
                for (index, probability) in probabilities.iter().enumerate() {
                    let gradient = probability - f32::from(u8::from(index == *class));
                    model.bias[index] -= rate * gradient;
                    for &feature in features {
                        let weight = &mut model.weights[feature * width + index];
                        *weight -= rate * (gradient * value + options.l2 * *weight);
                    }
                }
            }
        }
        model
    }

    /// The class names, sorted.
    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// How many tokens the model knows.
    pub fn vocabulary_len(&self) -> usize {
        self.vocabulary.len()
    }

    /// The most likely class of `tokens` (ties: the first class).
    pub fn predict(&self, tokens: &[String]) -> &str {
        let features = self.features(tokens);
        let mut probabilities = vec![0.0f32; self.classes.len()];
        self.probabilities(&features, feature_value(features.len()), &mut probabilities);
        let mut best = 0;
        for (index, probability) in probabilities.iter().enumerate() {
            if *probability > probabilities[best] {
                best = index;
            }
        }
        self.classes.get(best).map_or("", String::as_str)
    }

    /// The distinct vocabulary indices of `tokens`, sorted.
    fn features(&self, tokens: &[String]) -> Vec<usize> {
        let mut features: Vec<usize> = tokens
            .iter()
            .filter_map(|token| self.vocabulary.binary_search(token).ok())
            .collect();
        features.sort_unstable();
        features.dedup();
        features
    }

    /// Softmax of the class scores into `out`.
    fn probabilities(&self, features: &[usize], value: f32, out: &mut [f32]) {
        let width = self.classes.len();
        out.copy_from_slice(&self.bias);
        for &feature in features {
            let row = &self.weights[feature * width..(feature + 1) * width];
            for (score, weight) in out.iter_mut().zip(row) {
                *score += weight * value;
            }
        }
        let top = out.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0.0;
        for score in out.iter_mut() {
            *score = (*score - top).exp();
            sum += *score;
        }
        for score in out.iter_mut() {
            *score /= sum;
        }
    }

    /// The model in its byte format: magic, class names, vocabulary, a
    /// scale and 16-bit weights and biases (little-endian). A model read
    /// back predicts exactly what its bytes hold: compare
    /// `Model::from_bytes(&model.to_bytes())`, not the trained model.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(MAGIC.len() + 2 * self.weights.len() + 64);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.classes.len() as u16).to_le_bytes());
        for name in &self.classes {
            push_name(&mut out, name);
        }
        out.extend_from_slice(&(self.vocabulary.len() as u32).to_le_bytes());
        for token in &self.vocabulary {
            push_name(&mut out, token);
        }
        let top = self
            .weights
            .iter()
            .chain(&self.bias)
            .fold(0.0f32, |top, weight| top.max(weight.abs()));
        let scale = if top > 0.0 {
            top / f32::from(i16::MAX)
        } else {
            1.0
        };
        out.extend_from_slice(&scale.to_le_bytes());
        for weight in self.weights.iter().chain(&self.bias) {
            let quantised = (weight / scale).round() as i16;
            out.extend_from_slice(&quantised.to_le_bytes());
        }
        out
    }

    /// Reads a model written by [`Model::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, FormatError> {
        let mut reader = Reader(bytes);
        if reader.take(MAGIC.len())? != MAGIC {
            return Err(FormatError::Magic);
        }
        let class_count = usize::from(u16::from_le_bytes(reader.array()?));
        let classes = (0..class_count)
            .map(|_| reader.name())
            .collect::<Result<Vec<_>, _>>()?;
        let token_count = u32::from_le_bytes(reader.array()?) as usize;
        // Each token takes a byte at least: a count beyond the bytes left
        // is a truncated model, not an allocation to attempt.
        if token_count > reader.0.len() {
            return Err(FormatError::Truncated);
        }
        let vocabulary = (0..token_count)
            .map(|_| reader.name())
            .collect::<Result<Vec<_>, _>>()?;
        let scale = f32::from_le_bytes(reader.array()?);
        let cells = token_count
            .checked_mul(class_count)
            .and_then(|cells| cells.checked_add(class_count))
            .ok_or(FormatError::Truncated)?;
        if cells.checked_mul(2).is_none_or(|len| len > reader.0.len()) {
            return Err(FormatError::Truncated);
        }
        let mut values = Vec::with_capacity(cells);
        for _ in 0..cells {
            values.push(f32::from(i16::from_le_bytes(reader.array()?)) * scale);
        }
        if !reader.0.is_empty() {
            return Err(FormatError::Trailing(reader.0.len()));
        }
        let bias = values.split_off(token_count * class_count);
        Ok(Model {
            classes,
            vocabulary,
            weights: values,
            bias,
        })
    }
}

/// The value of each present feature of a text with `distinct` known tokens.
fn feature_value(distinct: usize) -> f32 {
    1.0 / (distinct.max(1) as f32).sqrt()
}

fn push_name(out: &mut Vec<u8>, name: &str) {
    let bytes = &name.as_bytes()[..name.len().min(MAX_NAME_BYTES)];
    out.push(bytes.len() as u8);
    out.extend_from_slice(bytes);
}

/// Reads the byte format front to back.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], FormatError> {
        if self.0.len() < len {
            return Err(FormatError::Truncated);
        }
        let (head, rest) = self.0.split_at(len);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], FormatError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn name(&mut self) -> Result<String, FormatError> {
        let [len] = self.array()?;
        let bytes = self.take(usize::from(len))?;
        String::from_utf8(bytes.to_vec()).map_err(|_| FormatError::Utf8)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn example(text: &str, label: &str) -> (Vec<String>, String) {
        (
            text.split(' ').map(str::to_owned).collect(),
            label.to_owned(),
        )
    }

    fn tokens(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn a_model_learns_separable_classes_and_survives_its_bytes() {
        let examples: Vec<_> = (0..40)
            .flat_map(|index| {
                let noise = format!("n{}", index % 5);
                [
                    example(&format!("bache acera {noise}"), "roads"),
                    example(&format!("farola luz {noise}"), "lighting"),
                    example(&format!("perro gato {noise}"), "animals"),
                ]
            })
            .collect();
        let model = Model::train(&examples, &Training::default());
        assert_eq!(model.classes(), ["animals", "lighting", "roads"]);
        let read = Model::from_bytes(&model.to_bytes()).unwrap();
        assert_eq!(read.to_bytes(), model.to_bytes());
        for (text, label) in [
            ("bache n1", "roads"),
            ("luz", "lighting"),
            ("gato n3", "animals"),
        ] {
            assert_eq!(model.predict(&tokens(text)), label, "{text}");
            assert_eq!(read.predict(&tokens(text)), label, "{text}");
        }
        // Same examples, same bytes.
        assert_eq!(
            Model::train(&examples, &Training::default()).to_bytes(),
            model.to_bytes()
        );
    }

    #[test]
    fn damaged_bytes_are_refused_not_trusted() {
        let model = Model::train(
            &[example("a b", "x"), example("a c", "y")],
            &Training::default(),
        );
        let bytes = model.to_bytes();
        assert_eq!(Model::from_bytes(b"nope!"), Err(FormatError::Magic));
        for len in 0..bytes.len() {
            assert!(Model::from_bytes(&bytes[..len]).is_err(), "{len}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Model::from_bytes(&longer), Err(FormatError::Trailing(1)));
        // A vocabulary count far beyond the bytes is refused before any
        // allocation.
        let mut huge = bytes[..MAGIC.len() + 2 + 2 * 2].to_vec();
        huge.extend_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(Model::from_bytes(&huge), Err(FormatError::Truncated));
    }
}
