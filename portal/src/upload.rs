//! Receiving agent uploads: the body is streamed to a staging file (mode
//! 0600, in the agent store) while it is hashed, the byte cap is enforced
//! as bytes arrive, and every chunk must arrive within the server's idle
//! timeout. Handlers call this only after [`crate::actions::authorize_upload`]
//! said yes, so a refused upload's body is never read.

use std::io::Write as _;
use std::time::Duration;

use axum::body::Bytes;
use sha2::{Digest, Sha256};

use crate::error::PortalError;
use crate::state::AppState;
use crate::store::Staged;

/// An upload being received.
#[derive(Debug)]
pub struct Receiver {
    file: tempfile::NamedTempFile,
    hasher: Sha256,
    len: u64,
    cap: u64,
    stall: Duration,
}

impl Receiver {
    /// A new staging file for an upload of at most `limits.upload_max_bytes`.
    pub fn new(state: &AppState) -> Result<Receiver, PortalError> {
        let dir = state.blobs.staging_dir().map_err(PortalError::internal)?;
        let file = tempfile::NamedTempFile::new_in(&dir).map_err(PortalError::internal)?;
        Ok(Receiver {
            file,
            hasher: Sha256::new(),
            len: 0,
            cap: state.config.limits.upload_max_bytes,
            stall: Duration::from_millis(state.config.server.idle_timeout_ms.max(1)),
        })
    }

    /// Waits for the next chunk from `next`, giving up when the client
    /// sends nothing for the server's idle timeout.
    pub async fn next<T, E: std::error::Error + 'static>(
        &self,
        next: impl std::future::Future<Output = Result<Option<T>, E>>,
    ) -> Result<Option<T>, PortalError> {
        match tokio::time::timeout(self.stall, next).await {
            Ok(Ok(chunk)) => Ok(chunk),
            Ok(Err(err)) if is_length_limit(&err) => Err(PortalError::TooLarge(self.cap)),
            Ok(Err(err)) => Err(PortalError::bad_request(format!(
                "the upload was cut off: {err}"
            ))),
            Err(_) => Err(PortalError::bad_request(format!(
                "the upload stalled: no bytes for {} s",
                self.stall.as_secs()
            ))),
        }
    }

    /// Adds a chunk; refuses it (413) when it would take the upload over
    /// the cap, before writing it.
    pub fn push(&mut self, chunk: &Bytes) -> Result<(), PortalError> {
        let len = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
        if self.len.saturating_add(len) > self.cap {
            return Err(PortalError::TooLarge(self.cap));
        }
        // A chunk is small (tens of KiB) and goes to the page cache.
        self.file.write_all(chunk).map_err(PortalError::internal)?;
        self.hasher.update(chunk);
        self.len += len;
        Ok(())
    }

    /// The received upload.
    pub fn finish(mut self) -> Result<Staged, PortalError> {
        self.file.flush().map_err(PortalError::internal)?;
        Ok(Staged {
            file: self.file,
            sha256: hex::encode(self.hasher.finalize()),
            len: self.len,
        })
    }
}

/// Whether `err` (or a cause of it) is the security layer's body cap.
fn is_length_limit(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(err) = current {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        current = err.source();
    }
    false
}
