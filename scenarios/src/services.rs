//! The lab's services for agents: the adapters' code lists and record
//! conversion behind the sandbox's [`HostServices`] hook. This is the glue
//! between `govlab-sandbox` and `govlab-adapters`, which know nothing of
//! each other.

use std::sync::Arc;

use govlab_adapters::Adapters;
use govlab_adapters::codelists::CodeLists;
use govlab_sandbox::{CodeEntry, HostServices};

/// The built-in adapters or code lists could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServicesError {
    /// The mapping specs or schemas did not load.
    #[error("cannot load the built-in adapters")]
    Adapters(#[source] govlab_adapters::AdapterError),
    /// The code lists did not load.
    #[error("cannot load the built-in code lists")]
    CodeLists(#[source] govlab_adapters::codelists::CodeListError),
}

/// Code lists and conversions from `govlab-adapters`, shared by every case.
pub struct LabServices {
    adapters: Arc<Adapters>,
    code_lists: &'static CodeLists,
}

impl std::fmt::Debug for LabServices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LabServices").finish_non_exhaustive()
    }
}

impl LabServices {
    /// Loads the built-in mapping specs and code lists.
    pub fn load() -> Result<LabServices, ServicesError> {
        Ok(LabServices {
            adapters: Adapters::shared().map_err(ServicesError::Adapters)?,
            code_lists: CodeLists::builtin().map_err(ServicesError::CodeLists)?,
        })
    }

    /// The adapters behind `convert`.
    pub fn adapters(&self) -> &Adapters {
        &self.adapters
    }
}

impl HostServices for LabServices {
    fn lookup_code(&self, list: &str, code: &str) -> Option<CodeEntry> {
        let entry = self.code_lists.get(list)?.get(code)?;
        Some(CodeEntry {
            code: entry.code,
            labels: entry.labels,
        })
    }

    fn convert(&self, from: &str, to: &str, record: &str) -> Result<String, String> {
        let record: serde_json::Value =
            serde_json::from_str(record).map_err(|err| format!("the record is not JSON: {err}"))?;
        let converted = self
            .adapters
            .convert(from, to, &record)
            .map_err(|err| err.to_string())?;
        Ok(converted.to_string())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn code_lists_and_conversion_answer() {
        let services = LabServices::load().unwrap();
        let entry = services.lookup_code("appeal_categories", "roads").unwrap();
        assert_eq!(entry.code, "roads");
        assert!(entry.labels.iter().any(|(lang, _)| lang == "es"));
        assert!(
            services
                .lookup_code("appeal_categories", "no-such-code")
                .is_none()
        );
        let err = services
            .convert("kz.citizen", "madrid.resident", "{not json")
            .unwrap_err();
        assert!(err.contains("not JSON"), "{err}");
    }
}
