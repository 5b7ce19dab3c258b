//! The on-disk cache of compiled code, keyed by the SHA-256 of the component
//! and of the engine settings, where every file is authenticated: an HMAC
//! under the cache's secret key is checked before a byte of it is loaded,
//! and a file that fails the check is deleted and recompiled, never run.

use std::fs::{DirBuilder, OpenOptions};
use std::hash::Hasher;
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

use crate::compile::deserialize_own;
use crate::error::LoadError;

/// Length of the HMAC-SHA256 tag at the end of every cached artifact.
const TAG_BYTES: usize = 32;
/// The secret key's file in the cache directory (mode 0600).
const KEY_FILE: &str = "cache.key";

/// The compiled-code cache in one directory, for one engine configuration.
#[derive(Debug)]
pub(crate) struct CodeCache {
    dir: PathBuf,
    engine_hash: String,
    key: [u8; 32],
}

impl CodeCache {
    /// Opens (creating it, mode 0700) the cache directory and its secret key
    /// (created once, mode 0600, from the OS's random source).
    pub(crate) fn open(dir: PathBuf, engine: &Engine) -> Result<Self, LoadError> {
        let mut hasher = Sha256Hasher(Sha256::new());
        std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut hasher);
        let engine_hash = hex::encode(hasher.0.finalize());
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)
            .map_err(cache_err(&dir))?;
        let key = load_or_create_key(&dir.join(KEY_FILE))?;
        Ok(CodeCache {
            dir,
            engine_hash,
            key,
        })
    }

    fn path(&self, component_sha256: &str) -> PathBuf {
        let engine = self.engine_hash.get(..16).unwrap_or(&self.engine_hash);
        self.dir.join(format!("{component_sha256}-{engine}.cwasm"))
    }

    /// Loads the compiled code of `component_sha256` if its file is intact,
    /// or runs `compile` and stores the result.
    pub(crate) fn load_or_compile(
        &self,
        engine: &Engine,
        component_sha256: &str,
        compile: impl FnOnce() -> Result<Component, LoadError>,
    ) -> Result<Component, LoadError> {
        let path = self.path(component_sha256);
        if let Ok(contents) = std::fs::read(&path) {
            match self.verified(&contents) {
                Some(artifact) => {
                    // A stale artifact (another wasmtime build) is not fatal:
                    // compile afresh and overwrite it below.
                    if let Ok(component) = deserialize_own(engine, artifact) {
                        return Ok(component);
                    }
                }
                // Tampered or corrupt: never loaded, removed at once.
                None => {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
        let component = compile()?;
        let serialized = component.serialize().map_err(|err| LoadError::Compile {
            reason: format!(
                "could not serialize the compiled agent: {}",
                crate::error::chain(&err)
            ),
        })?;
        let tag = self.tag(&serialized);
        write_private(&path, &[&serialized, &tag])?;
        Ok(component)
    }

    /// The artifact in `contents` if its trailing tag is right.
    fn verified<'a>(&self, contents: &'a [u8]) -> Option<&'a [u8]> {
        let split = contents.len().checked_sub(TAG_BYTES)?;
        let (artifact, tag) = contents.split_at(split);
        let mut mac = self.mac();
        mac.update(artifact);
        mac.verify_slice(tag).ok().map(|()| artifact)
    }

    fn tag(&self, artifact: &[u8]) -> Vec<u8> {
        let mut mac = self.mac();
        mac.update(artifact);
        mac.finalize().into_bytes().to_vec()
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes keys of any length; 32 bytes cannot fail.
        Hmac::<Sha256>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!())
    }
}

fn cache_err(path: &Path) -> impl FnOnce(std::io::Error) -> LoadError {
    let path = path.to_owned();
    move |source| LoadError::Cache { path, source }
}

/// Reads the cache key, or makes one. Two processes racing to make it both
/// write to temporary files and rename; the loser's artifacts simply fail
/// verification once and are recompiled.
fn load_or_create_key(path: &Path) -> Result<[u8; 32], LoadError> {
    if let Ok(bytes) = std::fs::read(path)
        && let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice())
    {
        return Ok(key);
    }
    let mut key = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut key))
        .map_err(cache_err(path))?;
    write_private(path, &[&key])?;
    Ok(key)
}

/// Writes `parts` to `path` atomically (temporary file + rename), mode 0600.
/// The temporary name is unique per process and per write, so threads (and
/// processes) compiling the same agent at once never share one: each renames
/// a whole file into place, and the last rename wins.
fn write_private(path: &Path, parts: &[&[u8]]) -> Result<(), LoadError> {
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let write = WRITES.fetch_add(1, Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp{}-{write}", std::process::id()));
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(cache_err(&tmp))?;
    for part in parts {
        file.write_all(part).map_err(cache_err(&tmp))?;
    }
    drop(file);
    std::fs::rename(&tmp, path).map_err(cache_err(path))
}

/// Feeds `Hash` output into SHA-256 so the engine hash is stable across runs
/// (unlike `DefaultHasher`, whose algorithm may change).
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn finish(&self) -> u64 {
        let digest = self.0.clone().finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_le_bytes(first)
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}
