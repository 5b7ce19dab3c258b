//! The lab's Ed25519 key and scorecard certificates: signing, and verifying that a
//! scorecard file was not edited.
//!
//! A signed scorecard is the scorecard plus a [`Certificate`]: the SHA-256 of
//! [`Scorecard::canonical_json`] (everything but wall time) and an Ed25519
//! signature over `"govlab-scorecard-signature/1\n" ‖ canonical bytes`. The
//! agent's SHA-256, scenario version and dataset hash are part of the
//! scorecard, so they are signed too. Verification re-derives the canonical
//! bytes from the parsed file, so any edit to a signed value is caught while
//! the wall-time block may change freely.
//!
//! The lab key lives in one directory: `lab-ed25519.key` (hex secret key,
//! mode 0600, created on first use) and `lab-ed25519.pub` (hex public key,
//! for the portal to publish).

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::scorecard::{
    FORMAT_V1, NotCertifiable, SCORECARD_FORMAT, Scorecard, ScorecardError, ScorecardV1,
};

/// File name of the secret key inside the key directory.
pub const SECRET_KEY_FILE: &str = "lab-ed25519.key";
/// File name of the public key inside the key directory.
pub const PUBLIC_KEY_FILE: &str = "lab-ed25519.pub";
/// The only signature algorithm.
const ALGORITHM: &str = "ed25519";
/// Domain separation prefix of signed messages.
const SIGNING_CONTEXT: &[u8] = b"govlab-scorecard-signature/1\n";

/// The lab key could not be loaded or created.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Reading or writing a key file failed.
    #[error("cannot {action} lab key file {}: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The key file does not hold a key.
    #[error("lab key file {} is corrupt ({reason}); restore it from a backup, or move it away to create a new key (scorecards signed with the old key will no longer verify)", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The secret key is readable by other users.
    #[error("lab key file {} is readable by other users (mode {mode:o}); run `chmod 600 {}`", path.display(), path.display())]
    Permissions {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The operating system has no randomness to offer.
    #[error("cannot generate a lab key: no system randomness ({0})")]
    Random(String),
    /// A public key given as text could not be read.
    #[error(
        "not an Ed25519 public key ({0}); give the lab's public key as 64 hex digits or base64"
    )]
    PublicKey(String),
}

/// The lab's signing key.
pub struct LabKey {
    signing: SigningKey,
}

impl std::fmt::Debug for LabKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LabKey")
            .field("key_id", &self.public_key().key_id())
            .finish_non_exhaustive()
    }
}

impl LabKey {
    /// Loads the lab key from `dir`, creating the directory and a new key on
    /// first use.
    pub fn load_or_create(dir: &Path) -> Result<LabKey, KeyError> {
        let path = dir.join(SECRET_KEY_FILE);
        match fs::read_to_string(&path) {
            Ok(text) => LabKey::from_file_text(&path, &text),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => LabKey::create(dir, &path),
            Err(source) => Err(KeyError::Io {
                action: "read",
                path,
                source,
            }),
        }
    }

    fn from_file_text(path: &Path, text: &str) -> Result<LabKey, KeyError> {
        check_private(path)?;
        let corrupt = |reason: String| KeyError::Corrupt {
            path: path.to_owned(),
            reason,
        };
        let bytes = hex::decode(text.trim()).map_err(|err| corrupt(format!("not hex: {err}")))?;
        let secret: [u8; 32] = bytes
            .try_into()
            .map_err(|bytes: Vec<u8>| corrupt(format!("{} bytes instead of 32", bytes.len())))?;
        let key = LabKey {
            signing: SigningKey::from_bytes(&secret),
        };
        key.write_public_key(path.parent().unwrap_or(Path::new(".")))?;
        Ok(key)
    }

    fn create(dir: &Path, path: &Path) -> Result<LabKey, KeyError> {
        // Directories created here are private to the owner as well.
        let mut dir_builder = fs::DirBuilder::new();
        dir_builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut dir_builder, 0o700);
        dir_builder.create(dir).map_err(|source| KeyError::Io {
            action: "create the directory of",
            path: path.to_owned(),
            source,
        })?;
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|err| KeyError::Random(err.to_string()))?;
        let key = LabKey {
            signing: SigningKey::from_bytes(&secret),
        };

        // Write a private temporary file, then link it into place: the key
        // file appears complete or not at all, and a concurrent creator wins
        // cleanly (we then load its key).
        let tmp = dir.join(format!("{SECRET_KEY_FILE}.{}.tmp", std::process::id()));
        let io = |action, source| KeyError::Io {
            action,
            path: tmp.clone(),
            source,
        };
        {
            let mut options = fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&tmp).map_err(|source| io("create", source))?;
            writeln!(file, "{}", hex::encode(secret)).map_err(|source| io("write", source))?;
            file.sync_all().map_err(|source| io("write", source))?;
        }
        let linked = fs::hard_link(&tmp, path);
        let _ = fs::remove_file(&tmp);
        match linked {
            Ok(()) => {
                key.write_public_key(dir)?;
                Ok(key)
            }
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                let text = fs::read_to_string(path).map_err(|source| KeyError::Io {
                    action: "read",
                    path: path.to_owned(),
                    source,
                })?;
                LabKey::from_file_text(path, &text)
            }
            Err(source) => Err(KeyError::Io {
                action: "create",
                path: path.to_owned(),
                source,
            }),
        }
    }

    fn write_public_key(&self, dir: &Path) -> Result<(), KeyError> {
        let path = dir.join(PUBLIC_KEY_FILE);
        let text = format!("{}\n", self.public_key().to_hex());
        if fs::read_to_string(&path).is_ok_and(|existing| existing == text) {
            return Ok(());
        }
        fs::write(&path, text).map_err(|source| KeyError::Io {
            action: "write",
            path,
            source,
        })
    }

    /// The public half, to publish and to verify with.
    pub fn public_key(&self) -> LabPublicKey {
        LabPublicKey {
            key: self.signing.verifying_key(),
        }
    }

    /// Signs a scorecard's canonical bytes; a scorecard that is not
    /// certifiable (too few cases, no composite) is refused.
    pub fn sign(&self, scorecard: &Scorecard) -> Result<SignedScorecard, NotCertifiable> {
        scorecard.certifiable()?;
        let canonical = scorecard.canonical_json();
        let signature = self.signing.sign(&signing_message(&canonical));
        Ok(SignedScorecard {
            scorecard: scorecard.clone(),
            certificate: Certificate {
                algorithm: ALGORITHM.to_owned(),
                key_id: self.public_key().key_id(),
                payload_sha256: hex::encode(Sha256::digest(&canonical)),
                signature: hex::encode(signature.to_bytes()),
            },
        })
    }
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), KeyError> {
    use std::os::unix::fs::PermissionsExt as _;
    let metadata = fs::metadata(path).map_err(|source| KeyError::Io {
        action: "inspect",
        path: path.to_owned(),
        source,
    })?;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyError::Permissions {
            path: path.to_owned(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<(), KeyError> {
    Ok(())
}

fn signing_message(canonical: &[u8]) -> Vec<u8> {
    [SIGNING_CONTEXT, canonical].concat()
}

/// The lab's public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabPublicKey {
    key: VerifyingKey,
}

impl LabPublicKey {
    /// 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.key.as_bytes())
    }

    /// Standard base64 with padding.
    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.key.as_bytes())
    }

    /// Short id: the first 16 hex digits of the SHA-256 of the key bytes.
    pub fn key_id(&self) -> String {
        hex::encode(&Sha256::digest(self.key.as_bytes())[..8])
    }

    /// Reads a public key given as hex or base64 (surrounding whitespace allowed).
    pub fn parse(text: &str) -> Result<LabPublicKey, KeyError> {
        let text = text.trim();
        let bytes = hex::decode(text)
            .or_else(|_| base64::engine::general_purpose::STANDARD.decode(text))
            .map_err(|_| KeyError::PublicKey("neither hex nor base64".into()))?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|bytes: Vec<u8>| {
            KeyError::PublicKey(format!("{} bytes instead of 32", bytes.len()))
        })?;
        let key =
            VerifyingKey::from_bytes(&bytes).map_err(|err| KeyError::PublicKey(err.to_string()))?;
        Ok(LabPublicKey { key })
    }

    /// Reads the public key file in a lab key directory.
    pub fn load(dir: &Path) -> Result<LabPublicKey, KeyError> {
        let path = dir.join(PUBLIC_KEY_FILE);
        let text = fs::read_to_string(&path).map_err(|source| KeyError::Io {
            action: "read",
            path,
            source,
        })?;
        LabPublicKey::parse(&text)
    }
}

/// Who signed a scorecard and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// Always `ed25519`.
    pub algorithm: String,
    /// [`LabPublicKey::key_id`] of the signing key.
    pub key_id: String,
    /// Hex SHA-256 of the canonical scorecard bytes.
    pub payload_sha256: String,
    /// Hex Ed25519 signature.
    pub signature: String,
}

/// A scorecard with its certificate: the file `govlab verify` checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedScorecard {
    /// The results.
    pub scorecard: Scorecard,
    /// The lab's signature over them.
    pub certificate: Certificate,
}

impl SignedScorecard {
    /// Reads a signed scorecard of any supported format for display; a
    /// format-1 card's scorecard is converted (see
    /// [`ScorecardV1::into_current`]). This does not check the signature:
    /// [`verify`] does.
    pub fn from_json(text: &str) -> Result<SignedScorecard, ScorecardError> {
        #[derive(Deserialize)]
        struct Raw {
            scorecard: serde_json::Value,
            certificate: Certificate,
        }
        let raw: Raw = serde_json::from_str(text)?;
        Ok(SignedScorecard {
            scorecard: Scorecard::from_value(raw.scorecard)?,
            certificate: raw.certificate,
        })
    }

    /// Pretty JSON; the same scorecard always gives the same text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// A scorecard whose certificate checked out.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedScorecard {
    /// The verified results (wall time is not covered by the signature).
    pub scorecard: Scorecard,
    /// Id of the key that signed it.
    pub key_id: String,
}

/// Why a signed scorecard was rejected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The text is not a signed scorecard.
    #[error("not a signed govlab scorecard: {0}")]
    Malformed(#[from] ScorecardError),
    /// The certificate uses another algorithm.
    #[error("certificate uses unsupported algorithm '{0}' (expected ed25519)")]
    Algorithm(String),
    /// Signed by another key.
    #[error(
        "scorecard was signed by key {found}, not by the lab key {expected}; verify it with the public key the portal publishes"
    )]
    WrongKey {
        /// Id of the key that was expected.
        expected: String,
        /// Id named in the certificate.
        found: String,
    },
    /// The scorecard's contents do not match the certificate.
    #[error(
        "scorecard contents do not match their certificate: it was edited after signing; re-run the pilot (`govlab verify CARD --rerun --agent FILE.wasm`) to get a genuine scorecard"
    )]
    Edited,
    /// The scorecard should never have been signed.
    #[error("the scorecard cannot be certified: {0}")]
    NotCertifiable(#[from] NotCertifiable),
    /// The signature does not verify.
    #[error(
        "scorecard signature is invalid: the certificate was forged or damaged; re-run the pilot to get a genuine scorecard"
    )]
    BadSignature,
}

/// Checks a signed scorecard file against the lab's public key, rejecting
/// any edit of the signed contents.
pub fn verify(
    signed_json: &str,
    public_key: &LabPublicKey,
) -> Result<VerifiedScorecard, VerifyError> {
    #[derive(Deserialize)]
    struct Tagged {
        scorecard: Tag,
    }
    #[derive(Deserialize)]
    struct Tag {
        format: String,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct SignedV1 {
        scorecard: ScorecardV1,
        certificate: Certificate,
    }
    let tagged: Tagged = serde_json::from_str(signed_json).map_err(ScorecardError::from)?;
    let (scorecard, certificate, canonical) = match tagged.scorecard.format.as_str() {
        SCORECARD_FORMAT => {
            let signed: SignedScorecard =
                serde_json::from_str(signed_json).map_err(ScorecardError::from)?;
            signed.scorecard.certifiable()?;
            let canonical = signed.scorecard.canonical_json();
            (signed.scorecard, signed.certificate, canonical)
        }
        FORMAT_V1 => {
            let signed: SignedV1 =
                serde_json::from_str(signed_json).map_err(ScorecardError::from)?;
            let canonical = signed.scorecard.canonical_json();
            (
                signed.scorecard.into_current(),
                signed.certificate,
                canonical,
            )
        }
        other => return Err(ScorecardError::Format(other.to_owned()).into()),
    };
    let certificate = &certificate;
    if certificate.algorithm != ALGORITHM {
        return Err(VerifyError::Algorithm(certificate.algorithm.clone()));
    }
    let expected = public_key.key_id();
    if certificate.key_id != expected {
        return Err(VerifyError::WrongKey {
            expected,
            found: certificate.key_id.clone(),
        });
    }
    if hex::encode(Sha256::digest(&canonical)) != certificate.payload_sha256 {
        return Err(VerifyError::Edited);
    }
    let signature_bytes: [u8; 64] = hex::decode(&certificate.signature)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(VerifyError::BadSignature)?;
    let signature = Signature::from_bytes(&signature_bytes);
    public_key
        .key
        .verify_strict(&signing_message(&canonical), &signature)
        .map_err(|_| VerifyError::BadSignature)?;
    Ok(VerifiedScorecard {
        scorecard,
        key_id: expected,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::scorecard::tests::scorecard;

    fn signed_json(key: &LabKey) -> String {
        key.sign(&scorecard(1_234)).unwrap().to_json()
    }

    #[test]
    fn key_is_created_once_private_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        let first = LabKey::load_or_create(&keys).unwrap();
        let second = LabKey::load_or_create(&keys).unwrap();
        assert_eq!(first.public_key(), second.public_key());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = fs::metadata(keys.join(SECRET_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
            let dir_mode = fs::metadata(&keys).unwrap().permissions().mode();
            assert_eq!(dir_mode & 0o777, 0o700);
        }
        let published = LabPublicKey::load(&keys).unwrap();
        assert_eq!(published, first.public_key());
        assert_eq!(
            LabPublicKey::parse(&first.public_key().to_base64()).unwrap(),
            published
        );
        assert_eq!(
            LabPublicKey::parse(&first.public_key().to_hex()).unwrap(),
            published
        );
        assert_eq!(published.key_id().len(), 16);
        assert!(LabPublicKey::parse("zz").is_err());
        // No temporary files left behind.
        let names: Vec<String> = fs::read_dir(&keys)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[cfg(unix)]
    #[test]
    fn world_readable_key_is_refused_with_a_fix() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        LabKey::load_or_create(dir.path()).unwrap();
        let path = dir.path().join(SECRET_KEY_FILE);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let err = LabKey::load_or_create(dir.path()).unwrap_err();
        assert!(err.to_string().contains("chmod 600"), "{err}");
    }

    #[test]
    fn corrupt_key_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        LabKey::load_or_create(dir.path()).unwrap();
        let path = dir.path().join(SECRET_KEY_FILE);
        fs::write(&path, "not a key\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        }
        let err = LabKey::load_or_create(dir.path()).unwrap_err();
        assert!(err.to_string().contains("is corrupt"), "{err}");
    }

    #[test]
    fn genuine_scorecard_verifies_and_signing_is_deterministic() {
        let dir = tempfile::tempdir().unwrap();
        let key = LabKey::load_or_create(dir.path()).unwrap();
        let json = signed_json(&key);
        let verified = verify(&json, &key.public_key()).unwrap();
        assert_eq!(verified.scorecard, scorecard(1_234));
        assert_eq!(verified.key_id, key.public_key().key_id());
        assert_eq!(signed_json(&key), json);
    }

    #[test]
    fn changing_wall_time_keeps_it_valid() {
        let dir = tempfile::tempdir().unwrap();
        let key = LabKey::load_or_create(dir.path()).unwrap();
        let mut signed = key.sign(&scorecard(1_234)).unwrap();
        signed.scorecard.wall_time.total_ms = 98_765.5;
        signed.scorecard.wall_time.case_p95_us += 17;
        assert!(verify(&signed.to_json(), &key.public_key()).is_ok());
    }

    #[test]
    fn flipping_any_signed_digit_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let key = LabKey::load_or_create(dir.path()).unwrap();
        let json = signed_json(&key);
        let wall_start = json.find("\"wall_time\"").unwrap();
        let wall_end = wall_start + json[wall_start..].find('}').unwrap();
        let mut flipped = 0;
        for (idx, byte) in json.bytes().enumerate() {
            if !byte.is_ascii_digit() || (wall_start..wall_end).contains(&idx) {
                continue;
            }
            let mut edited = json.clone().into_bytes();
            edited[idx] = b'0' + (byte - b'0' + 1) % 10;
            let edited = String::from_utf8(edited).unwrap();
            assert!(
                verify(&edited, &key.public_key()).is_err(),
                "edit at byte {idx} was accepted"
            );
            flipped += 1;
        }
        assert!(flipped > 100, "only {flipped} digits tried");
    }

    #[test]
    fn edits_are_rejected_with_clear_messages() {
        let dir = tempfile::tempdir().unwrap();
        let key = LabKey::load_or_create(dir.path()).unwrap();
        let json = signed_json(&key);
        let edited = json.replacen("\"cases\": 100", "\"cases\": 101", 1);
        assert_ne!(edited, json);
        let err = verify(&edited, &key.public_key()).unwrap_err();
        assert!(matches!(err, VerifyError::Edited), "{err:?}");
        assert!(err.to_string().contains("edited after signing"), "{err}");

        // Editing the digest along with the contents still fails on the signature.
        let mut signed: SignedScorecard = serde_json::from_str(&json).unwrap();
        signed.scorecard.composite = Some(100.0);
        signed.certificate.payload_sha256 =
            hex::encode(Sha256::digest(signed.scorecard.canonical_json()));
        let err = verify(&signed.to_json(), &key.public_key()).unwrap_err();
        assert!(matches!(err, VerifyError::BadSignature), "{err:?}");

        let err = verify("{\"scorecard\": 1}", &key.public_key()).unwrap_err();
        assert!(
            err.to_string().starts_with("not a signed govlab scorecard"),
            "{err}"
        );
    }

    #[test]
    fn a_version_1_certificate_still_verifies() {
        // Signed by format 1 with a fixed key; Ed25519 is deterministic, so
        // this signature was pinned when format 1 was current.
        let key = LabKey {
            signing: SigningKey::from_bytes(&[7; 32]),
        };
        let card: ScorecardV1 =
            serde_json::from_str(include_str!("../tests/data/scorecard-v1.json")).unwrap();
        let certificate = Certificate {
            algorithm: ALGORITHM.to_owned(),
            key_id: "fe812c12f3ab4ce6".to_owned(),
            payload_sha256: hex::encode(Sha256::digest(card.canonical_json())),
            signature: "601297b63dbb028149dba63f210915f54e6688bad767af57af0c5c04763f85c3bbf9a8a527f6770c63409dcb86fc9a38a8304e765deda9e32cddb5153df3860a".to_owned(),
        };
        let json = serde_json::json!({"scorecard": card, "certificate": certificate}).to_string();
        let verified = verify(&json, &key.public_key()).unwrap();
        assert_eq!(verified.scorecard.composite, Some(75.2083));
        assert_eq!(verified.scorecard.format, FORMAT_V1);
        // Shown as it was signed, converted to the current layout.
        let shown = SignedScorecard::from_json(&json).unwrap();
        assert_eq!(shown.scorecard, verified.scorecard);
        let edited = json.replacen("75.2083", "76.2083", 1);
        assert!(matches!(
            verify(&edited, &key.public_key()),
            Err(VerifyError::Edited)
        ));
    }

    #[test]
    fn scorecards_below_the_minimum_are_neither_signed_nor_verified() {
        let dir = tempfile::tempdir().unwrap();
        let key = LabKey::load_or_create(dir.path()).unwrap();
        let mut small = scorecard(1);
        small.cases = 10;
        assert!(matches!(
            key.sign(&small),
            Err(NotCertifiable::TooFewCases { .. })
        ));
        // A card signed before being cut down does not verify either.
        let mut signed = key.sign(&scorecard(1)).unwrap();
        signed.scorecard.cases = 10;
        signed.scorecard.composite = None;
        assert!(verify(&signed.to_json(), &key.public_key()).is_err());
    }

    #[test]
    fn wrong_key_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let other_dir = tempfile::tempdir().unwrap();
        let key = LabKey::load_or_create(dir.path()).unwrap();
        let other = LabKey::load_or_create(other_dir.path()).unwrap();
        let json = signed_json(&key);
        let err = verify(&json, &other.public_key()).unwrap_err();
        assert!(matches!(err, VerifyError::WrongKey { .. }), "{err:?}");
        assert!(
            err.to_string().contains("public key the portal publishes"),
            "{err}"
        );

        // A forger who also rewrites the key id is caught by the signature.
        let forged = json.replace(&key.public_key().key_id(), &other.public_key().key_id());
        let err = verify(&forged, &other.public_key()).unwrap_err();
        assert!(matches!(err, VerifyError::BadSignature), "{err:?}");
    }
}
