//! Content-addressed storage of agent binaries: each component is stored
//! once under its SHA-256, written atomically and checked on every read.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// A blob could not be stored or read.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// File system trouble.
    #[error("agent store at {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The name is not a SHA-256.
    #[error("{0:?} is not a SHA-256")]
    BadName(String),
    /// The stored bytes no longer hash to their name.
    #[error("stored agent {0} is corrupt (its bytes no longer match its SHA-256)")]
    Corrupt(String),
}

/// An upload received into the store's staging directory: a temporary
/// file (mode 0600, removed when dropped) with its SHA-256 and length.
#[derive(Debug)]
pub struct Staged {
    /// The file.
    pub file: tempfile::NamedTempFile,
    /// SHA-256 of its bytes, lower-case hex.
    pub sha256: String,
    /// Its length in bytes.
    pub len: u64,
}

impl Staged {
    /// The received bytes.
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.file.path())
    }
}

/// Agent binaries under `<data_dir>/agents/<aa>/<sha256>.wasm`.
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn is_sha256(name: &str) -> bool {
    name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl BlobStore {
    /// A store rooted at `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> BlobStore {
        BlobStore { root: root.into() }
    }

    fn path_of(&self, sha256: &str) -> PathBuf {
        self.root.join(&sha256[..2]).join(format!("{sha256}.wasm"))
    }

    /// Stores `bytes` (no-op if already there); returns their SHA-256.
    pub fn put(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let sha = sha256_hex(bytes);
        let path = self.path_of(&sha);
        if path.exists() {
            return Ok(sha);
        }
        let dir = path.parent().unwrap_or(&self.root).to_owned();
        let io = |source, path: &Path| StoreError::Io {
            path: path.to_owned(),
            source,
        };
        crate::fsmode::create_private_dir(&dir).map_err(|e| io(e, &dir))?;
        let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(|e| io(e, &dir))?;
        tmp.write_all(bytes).map_err(|e| io(e, &path))?;
        tmp.as_file().sync_all().map_err(|e| io(e, &path))?;
        tmp.persist(&path).map_err(|e| io(e.error, &path))?;
        Ok(sha)
    }

    /// Where uploads are received before they are checked: inside the
    /// store, so a checked upload is moved in without a copy. Created
    /// (mode 0700) on demand.
    pub fn staging_dir(&self) -> Result<PathBuf, StoreError> {
        let dir = self.root.join("incoming");
        crate::fsmode::create_private_dir(&dir).map_err(|source| StoreError::Io {
            path: dir.clone(),
            source,
        })?;
        Ok(dir)
    }

    /// Moves a received upload in under its SHA-256 (computed as it was
    /// received; every read checks it again). No-op if already there.
    pub fn put_staged(&self, staged: Staged) -> Result<String, StoreError> {
        let Staged { file, sha256, .. } = staged;
        let path = self.path_of(&sha256);
        if path.exists() {
            return Ok(sha256);
        }
        let dir = path.parent().unwrap_or(&self.root).to_owned();
        crate::fsmode::create_private_dir(&dir).map_err(|source| StoreError::Io {
            path: dir.clone(),
            source,
        })?;
        file.as_file().sync_all().map_err(|source| StoreError::Io {
            path: path.clone(),
            source,
        })?;
        file.persist(&path).map_err(|e| StoreError::Io {
            path: path.clone(),
            source: e.error,
        })?;
        Ok(sha256)
    }

    /// The bytes stored under `sha256`, checked against it.
    pub fn get(&self, sha256: &str) -> Result<Vec<u8>, StoreError> {
        if !is_sha256(sha256) {
            return Err(StoreError::BadName(sha256.to_owned()));
        }
        let path = self.path_of(sha256);
        let bytes = std::fs::read(&path).map_err(|source| StoreError::Io { path, source })?;
        if sha256_hex(&bytes) != sha256 {
            return Err(StoreError::Corrupt(sha256.to_owned()));
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_then_get_round_trips_and_dedups() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = BlobStore::new(dir.path());
        let a = store.put(b"component bytes").expect("put");
        let b = store.put(b"component bytes").expect("put again");
        assert_eq!(a, b);
        assert_eq!(store.get(&a).expect("get"), b"component bytes");
    }

    #[test]
    fn tampered_blob_is_reported_corrupt() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = BlobStore::new(dir.path());
        let sha = store.put(b"original").expect("put");
        std::fs::write(store.path_of(&sha), b"tampered").expect("overwrite");
        assert!(matches!(store.get(&sha), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn names_that_are_not_hashes_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = BlobStore::new(dir.path());
        assert!(matches!(
            store.get("../../etc/passwd"),
            Err(StoreError::BadName(_))
        ));
    }
}
