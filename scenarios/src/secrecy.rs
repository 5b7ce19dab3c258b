//! The lab's evaluation secret: the key the evaluation split is drawn from
//! and the keyed commitment scorecards carry instead of a plain dataset hash.
//!
//! **Invariant: nothing public lets anyone test a guess offline.** The
//! evaluation generator seed is derived from a 256-bit [`EvalKey`] through
//! HMAC-SHA256 ([`EvalKey::seed`]) and is never printed or accepted from
//! users, and an evaluation scorecard's dataset commitment is an HMAC under
//! the same key ([`EvalKey::commit`]), so recomputing it needs the key. The
//! practice split stays public: its seed and plain SHA-256 digest are
//! published on purpose.
//!
//! The key's text form is `govlab-eval-key:` followed by 64 lowercase hex
//! digits. Lab staff make one with `govlab lab init --out FILE`; the CLI
//! reads it from `--eval-key-file FILE` or [`EVAL_KEY_ENV`], the portal from
//! `[scenarios] evaluation_key_file` or [`EVAL_KEY_ENV`].

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Environment variable holding the evaluation key's text form.
pub const EVAL_KEY_ENV: &str = "GOVLAB_EVAL_KEY";

/// The prefix of an evaluation key's text form.
pub const KEY_PREFIX: &str = "govlab-eval-key:";

/// How to make a key, said by every error about one.
const MAKE_ONE: &str = "make one with `govlab lab init --out FILE`";

/// Domain separation of the generator seed.
const SEED_LABEL: &[u8] = b"govlab-eval-seed/1";
/// Domain separation of the dataset commitment.
const COMMITMENT_LABEL: &[u8] = b"govlab-dataset-commitment/1";

/// An evaluation key could not be made, read or used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecrecyError {
    /// The text is not an evaluation key.
    #[error("not an evaluation key: {reason}; {MAKE_ONE}")]
    Format {
        /// What is wrong.
        reason: String,
    },
    /// The key is well formed but guessable.
    #[error("this evaluation key is too easy to guess ({reason}); {MAKE_ONE}")]
    Weak {
        /// Which pattern it follows.
        reason: &'static str,
    },
    /// The operating system's random number generator failed.
    #[error(
        "the operating system's random number generator failed ({0}); try again, and check the machine's entropy source if it persists"
    )]
    Random(String),
    /// The key file could not be read.
    #[error(
        "cannot read the evaluation key file {path}: check the path given to --eval-key-file or evaluation_key_file"
    )]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The key file is readable by every user of the machine.
    #[error(
        "the evaluation key file {path} is readable by every user of this machine: run `chmod 600 {path}`"
    )]
    WorldReadable {
        /// The file.
        path: PathBuf,
    },
    /// The key file does not hold a valid key.
    #[error("the evaluation key file {path} is not usable")]
    InFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: Box<SecrecyError>,
    },
    /// The environment variable does not hold a valid key.
    #[error("{EVAL_KEY_ENV} is not usable")]
    InEnv(#[source] Box<SecrecyError>),
    /// The key file could not be written.
    #[error(
        "cannot write the evaluation key to {path}: check that the directory exists and is writable, and that no file is there"
    )]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// The lab's evaluation secret: 32 random bytes.
///
/// `Debug` prints no key material.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct EvalKey([u8; 32]);

impl fmt::Debug for EvalKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EvalKey(<redacted>)")
    }
}

impl EvalKey {
    /// A fresh key from the operating system's random number generator.
    pub fn generate() -> Result<EvalKey, SecrecyError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|err| SecrecyError::Random(err.to_string()))?;
        // A working generator never trips this; a broken one (all zeros)
        // must not produce a key that `parse` would refuse later.
        weakness(&bytes).map_or(Ok(EvalKey(bytes)), |reason| {
            Err(SecrecyError::Random(format!(
                "it returned a guessable key ({reason})"
            )))
        })
    }

    /// Parses the text form `govlab-eval-key:<64 lowercase hex digits>`
    /// (surrounding whitespace ignored), refusing guessable keys.
    pub fn parse(text: &str) -> Result<EvalKey, SecrecyError> {
        let text = text.trim();
        let Some(digits) = text.strip_prefix(KEY_PREFIX) else {
            return Err(SecrecyError::Format {
                reason: format!("it does not start with `{KEY_PREFIX}`"),
            });
        };
        if digits.len() != 64 {
            return Err(SecrecyError::Format {
                reason: format!(
                    "it has {} characters after `{KEY_PREFIX}`, not 64 hex digits (256 bits)",
                    digits.chars().count()
                ),
            });
        }
        if !digits
            .bytes()
            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
        {
            return Err(SecrecyError::Format {
                reason: "it has characters other than lowercase hex digits 0-9a-f".to_owned(),
            });
        }
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(digits, &mut bytes).map_err(|err| SecrecyError::Format {
            reason: err.to_string(),
        })?;
        match weakness(&bytes) {
            Some(reason) => Err(SecrecyError::Weak { reason }),
            None => Ok(EvalKey(bytes)),
        }
    }

    /// Reads a key file (its only content is the text form). On Unix a file
    /// every user may read is refused.
    pub fn read_file(path: &Path) -> Result<EvalKey, SecrecyError> {
        let read = |source| SecrecyError::Read {
            path: path.to_owned(),
            source,
        };
        let metadata = std::fs::metadata(path).map_err(read)?;
        if world_readable(&metadata) {
            return Err(SecrecyError::WorldReadable {
                path: path.to_owned(),
            });
        }
        let text = std::fs::read_to_string(path).map_err(read)?;
        EvalKey::parse(&text).map_err(|source| SecrecyError::InFile {
            path: path.to_owned(),
            source: Box::new(source),
        })
    }

    /// Writes the key's text form to a new file that only its owner may
    /// read (mode 0600 on Unix); an existing file is never replaced.
    pub fn write_new_file(&self, path: &Path) -> Result<(), SecrecyError> {
        use std::io::Write;

        let write = |source| SecrecyError::Write {
            path: path.to_owned(),
            source,
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(write)?;
        file.write_all(format!("{}\n", self.to_text()).as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(write)
    }

    /// The text form. It is the secret itself: write it only to a file only
    /// lab staff can read.
    pub fn to_text(&self) -> String {
        format!("{KEY_PREFIX}{}", hex::encode(self.0))
    }

    /// The evaluation generator seed: the first 8 bytes of
    /// HMAC-SHA256(key, `govlab-eval-seed/1`), little-endian.
    pub fn seed(&self) -> u64 {
        let mac = hmac_sha256(&self.0, &[SEED_LABEL]);
        let mut word = [0u8; 8];
        word.copy_from_slice(&mac[..8]);
        u64::from_le_bytes(word)
    }

    /// The dataset commitment of an evaluation pilot:
    /// `hmac-sha256:<hex>` of HMAC-SHA256(key,
    /// `govlab-dataset-commitment/1` ‖ digest).
    pub fn commit(&self, digest: &[u8]) -> String {
        let mac = hmac_sha256(&self.0, &[COMMITMENT_LABEL, digest]);
        format!("hmac-sha256:{}", hex::encode(mac))
    }
}

/// The evaluation key in effect: the file `explicit_file` if given, else
/// the text in [`EVAL_KEY_ENV`] if set and not blank, else none.
pub fn resolve_key(explicit_file: Option<&Path>) -> Result<Option<EvalKey>, SecrecyError> {
    let env = std::env::var(EVAL_KEY_ENV).ok();
    resolve_key_from(explicit_file, env.as_deref())
}

/// [`resolve_key`] with the environment variable's value passed in.
fn resolve_key_from(
    explicit_file: Option<&Path>,
    env_value: Option<&str>,
) -> Result<Option<EvalKey>, SecrecyError> {
    if let Some(path) = explicit_file {
        return EvalKey::read_file(path).map(Some);
    }
    match env_value.filter(|value| !value.trim().is_empty()) {
        Some(text) => EvalKey::parse(text)
            .map(Some)
            .map_err(|err| SecrecyError::InEnv(Box::new(err))),
        None => Ok(None),
    }
}

/// Why 32 bytes are too guessable to be a key, if they are: one repeated
/// byte, fewer than 16 distinct byte values (a random key has about 30),
/// an arithmetic sequence, or a block of at most 16 bytes repeated.
fn weakness(bytes: &[u8; 32]) -> Option<&'static str> {
    let distinct = bytes.iter().collect::<BTreeSet<_>>().len();
    if distinct == 1 {
        return Some("every byte is the same");
    }
    let step = bytes[1].wrapping_sub(bytes[0]);
    if bytes
        .windows(2)
        .all(|pair| pair[1].wrapping_sub(pair[0]) == step)
    {
        return Some("its bytes count up or down in equal steps");
    }
    if (1..=16).any(|period| bytes[period..].iter().zip(bytes).all(|(a, b)| a == b)) {
        return Some("it repeats a short block");
    }
    if distinct < 16 {
        return Some("it has fewer than 16 distinct byte values");
    }
    None
}

#[cfg(unix)]
fn world_readable(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode() & 0o004 != 0
}

#[cfg(not(unix))]
fn world_readable(_metadata: &std::fs::Metadata) -> bool {
    false
}

/// HMAC-SHA256 of the concatenated `parts` under `key`.
fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// A fixed, random-looking key for tests.
    const TEST_KEY: &str =
        "govlab-eval-key:8f3a1c9e5b7d2f4061a8c3e9d7b5f1a2c4e6089b3d5f7a1c2e4b6d8f0a3c5e79";

    #[test]
    fn hmac_matches_rfc_4231_test_case_2() {
        let mac = hmac_sha256(b"Jefe", &[b"what do ya ", b"want for nothing?"]);
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_good_key_round_trips_and_derives_stable_values() {
        let key = EvalKey::parse(&format!("  {TEST_KEY}\n")).unwrap();
        assert_eq!(key.to_text(), TEST_KEY);
        assert_eq!(key.seed(), EvalKey::parse(TEST_KEY).unwrap().seed());
        let commitment = key.commit(&[7; 32]);
        assert!(commitment.starts_with("hmac-sha256:"), "{commitment}");
        assert_eq!(commitment.len(), "hmac-sha256:".len() + 64);
        assert_ne!(commitment, key.commit(&[8; 32]));

        let fresh = EvalKey::generate().unwrap();
        assert_eq!(EvalKey::parse(&fresh.to_text()).unwrap(), fresh);
        assert_ne!(fresh, EvalKey::generate().unwrap());
        assert_ne!(fresh.seed(), key.seed());
    }

    #[test]
    fn malformed_keys_are_refused_saying_how_to_make_one() {
        let digits = &TEST_KEY[KEY_PREFIX.len()..];
        for (text, expected) in [
            (digits.to_owned(), "does not start with"),
            (
                format!("{KEY_PREFIX}{}", &digits[..32]),
                "not 64 hex digits",
            ),
            (format!("{TEST_KEY}00"), "not 64 hex digits"),
            (format!("{KEY_PREFIX}{}", "zz".repeat(32)), "lowercase hex"),
            (
                format!("{KEY_PREFIX}{}", digits.to_uppercase()),
                "lowercase hex",
            ),
            ("1".to_owned(), "does not start with"),
        ] {
            let err = EvalKey::parse(&text).unwrap_err().to_string();
            assert!(err.contains(expected), "{text}: {err}");
            assert!(err.contains("govlab lab init --out FILE"), "{err}");
        }
    }

    #[test]
    fn guessable_keys_are_refused() {
        let key = |bytes: [u8; 32]| format!("{KEY_PREFIX}{}", hex::encode(bytes));
        let mut counting = [0u8; 32];
        for (i, byte) in counting.iter_mut().enumerate() {
            *byte = i as u8;
        }
        let mut block = [0u8; 32];
        for (i, byte) in block.iter_mut().enumerate() {
            *byte = [0xde, 0xad, 0xbe, 0xef, 0x01, 0x99][i % 6];
        }
        let mut few = [0u8; 32];
        hex::decode_to_slice(&TEST_KEY[KEY_PREFIX.len()..], &mut few).unwrap();
        for byte in &mut few {
            *byte &= 0x07;
        }
        for (bytes, expected) in [
            ([0u8; 32], "every byte is the same"),
            ([0xff; 32], "every byte is the same"),
            (counting, "equal steps"),
            (block, "repeats a short block"),
            (few, "fewer than 16 distinct"),
        ] {
            let err = EvalKey::parse(&key(bytes)).unwrap_err();
            assert!(matches!(err, SecrecyError::Weak { .. }), "{err}");
            let err = err.to_string();
            assert!(err.contains(expected), "{err}");
            assert!(err.contains("govlab lab init --out FILE"), "{err}");
        }
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = EvalKey::parse(TEST_KEY).unwrap();
        let shown = format!("{key:?} {:#?}", Some(key));
        assert!(shown.contains("redacted"), "{shown}");
        assert!(
            !shown.contains(&TEST_KEY[KEY_PREFIX.len()..][..8]),
            "{shown}"
        );
    }

    #[test]
    fn key_files_are_written_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("eval.key");
        let key = EvalKey::generate().unwrap();
        key.write_new_file(&path).unwrap();
        assert_eq!(EvalKey::read_file(&path).unwrap(), key);
        let err = EvalKey::generate().unwrap().write_new_file(&path);
        assert!(matches!(err, Err(SecrecyError::Write { .. })));
        assert_eq!(EvalKey::read_file(&path).unwrap(), key);

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let err = EvalKey::read_file(&path).unwrap_err().to_string();
            assert!(err.contains("chmod 600"), "{err}");
        }

        let weak = dir.path().join("weak.key");
        EvalKey([0x11; 32]).write_new_file(&weak).unwrap();
        let err = EvalKey::read_file(&weak).unwrap_err();
        let chain = format!("{err}: {}", std::error::Error::source(&err).unwrap());
        assert!(chain.contains("weak.key"), "{chain}");
        assert!(chain.contains("govlab lab init"), "{chain}");
    }

    #[test]
    fn the_key_file_wins_over_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("eval.key");
        let from_file = EvalKey::generate().unwrap();
        from_file.write_new_file(&path).unwrap();
        assert_eq!(resolve_key_from(None, None).unwrap(), None);
        assert_eq!(resolve_key_from(None, Some("  ")).unwrap(), None);
        assert_eq!(
            resolve_key_from(None, Some(TEST_KEY)).unwrap(),
            Some(EvalKey::parse(TEST_KEY).unwrap())
        );
        assert_eq!(
            resolve_key_from(Some(&path), Some(TEST_KEY)).unwrap(),
            Some(from_file)
        );
        let err = resolve_key_from(None, Some("1")).unwrap_err();
        assert!(err.to_string().contains(EVAL_KEY_ENV), "{err}");
        let missing = dir.path().join("missing.key");
        let err = resolve_key_from(Some(&missing), Some(TEST_KEY)).unwrap_err();
        assert!(err.to_string().contains("--eval-key-file"), "{err}");
    }
}

/// A scorecard no longer lets anyone recover the evaluation split: its
/// dataset commitment matches no recomputation without the key, not even
/// one from the right generator seed.
#[cfg(test)]
mod brute_force {
    #![allow(clippy::unwrap_used)]

    use sha2::{Digest, Sha256};

    use super::EvalKey;
    use crate::cases::{BuiltCase, SplitSeed, build_cases};
    use crate::datasets::Split;
    use crate::scenario::Scenario;

    /// The runner's dataset digest (`Scoring` in runner.rs): SHA-256 over
    /// `govlab-dataset-hash/1\n` and each case's length-prefixed id,
    /// payload and truth.
    fn digest(cases: &[BuiltCase]) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(b"govlab-dataset-hash/1\n");
        let mut truth = String::new();
        for case in cases {
            truth.clear();
            case.truth.write_debug(&mut truth);
            for part in [
                case.case_id.as_bytes(),
                case.payload.as_bytes(),
                truth.as_bytes(),
            ] {
                hasher.update((part.len() as u64).to_le_bytes());
                hasher.update(part);
            }
        }
        hasher.finalize().into()
    }

    #[test]
    fn a_scorecard_commitment_cannot_be_tested_without_the_key() {
        let scenario = Scenario::builtin("appeals-triage").unwrap();
        let key = EvalKey::generate().unwrap();
        let split = SplitSeed::evaluation(&key);
        let cases = build_cases(scenario, split, 0..4).unwrap();
        let commitment = split.dataset_commitment(digest(&cases));
        let (scheme, mac) = commitment.split_once(':').unwrap();
        assert_eq!(scheme, "hmac-sha256");

        // The attack: regenerate the split for each guessed seed
        // with the public algorithm and compare with the scorecard. The
        // right seed is among the guesses, as if it had leaked.
        let guesses = (0..1000).chain([key.seed()]);
        for seed in guesses {
            let guess = SplitSeed {
                split: Split::Evaluation,
                seed,
                key: None,
            };
            let guessed =
                guess.dataset_commitment(digest(&build_cases(scenario, guess, 0..4).unwrap()));
            assert_ne!(guessed, commitment, "seed {seed}");
            assert!(!guessed.ends_with(mac), "seed {seed}");
        }
        // The plain digest of the true cases does not match either.
        let plain = hex::encode(digest(&cases));
        assert_ne!(plain, mac);
        assert_ne!(format!("sha256:{plain}"), commitment);

        // Another key gives other cases and another commitment.
        let other = SplitSeed::evaluation(&EvalKey::generate().unwrap());
        let other_cases = build_cases(scenario, other, 0..4).unwrap();
        assert_ne!(other_cases[0].payload, cases[0].payload);
        assert_ne!(other.dataset_commitment(digest(&other_cases)), commitment);
        // And the same key always gives the same commitment (reruns).
        let again = build_cases(scenario, SplitSeed::evaluation(&key), 0..4).unwrap();
        assert_eq!(split.dataset_commitment(digest(&again)), commitment);
    }
}
