//! Static checks on an agent before anything is compiled: is it a component,
//! is it small enough, does it export `decide`, and is every import one the
//! sandbox links. Backs `govlab agent check` through [`inspect`].

use wasmparser::{ComponentExternalKind, ComponentTypeRef, Parser, Payload, TypeBounds};

use crate::error::{ForbiddenImport, LoadError};

/// Largest component [`inspect`] accepts: the same default as
/// [`SandboxConfig::max_component_bytes`](crate::SandboxConfig::max_component_bytes).
pub const DEFAULT_MAX_COMPONENT_BYTES: usize = 32 << 20;

/// The agent world's package and version.
const AGENT_PACKAGE: &str = "govlab:pilot";
const AGENT_VERSION: &str = "0.1.0";
/// WASI 0.2 packages the sandbox links (and mostly denies at run time).
const LINKED_WASI_PACKAGES: &[&str] = &["cli", "io", "clocks", "random", "filesystem", "sockets"];

/// What a component imports and exports, and whether the sandbox accepts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentInfo {
    /// Size of the component in bytes.
    pub size: usize,
    /// Every top-level import, in order.
    pub imports: Vec<ImportInfo>,
    /// Every top-level export name, in order.
    pub exports: Vec<String>,
    /// Whether `decide` is exported as a function. Its exact type is checked
    /// by [`Sandbox::load`](crate::Sandbox::load).
    pub exports_decide: bool,
}

/// One import of a component and the sandbox's verdict on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportInfo {
    /// The import name, e.g. `wasi:cli/environment@0.2.6`.
    pub name: String,
    /// How the sandbox treats it.
    pub verdict: ImportVerdict,
}

/// How the sandbox treats one import.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImportVerdict {
    /// A govlab host interface: provided.
    Provided,
    /// A type equal to one defined elsewhere (e.g. the world's
    /// `use types.{agent-error}`): nothing to provide.
    TypeOnly,
    /// A WASI interface that is linked but locked down (no files, no network,
    /// no environment, virtual clocks, seeded randomness).
    LinkedDenied,
    /// Not available to agents; the component is refused.
    Forbidden {
        /// Why, phrased for the agent's author.
        reason: String,
    },
}

impl ImportVerdict {
    /// A stable name: `provided`, `linked_denied` or `forbidden`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ImportVerdict::Provided => "provided",
            ImportVerdict::TypeOnly => "type_only",
            ImportVerdict::LinkedDenied => "linked_denied",
            ImportVerdict::Forbidden { .. } => "forbidden",
        }
    }
}

impl ComponentInfo {
    /// The imports the sandbox refuses.
    pub fn forbidden_imports(&self) -> Vec<ForbiddenImport> {
        self.imports
            .iter()
            .filter_map(|import| match &import.verdict {
                ImportVerdict::Forbidden { reason } => Some(ForbiddenImport {
                    name: import.name.clone(),
                    reason: reason.clone(),
                }),
                _ => None,
            })
            .collect()
    }

    /// The static verdict: `Ok` when the component exports `decide` and
    /// imports only what the sandbox links. Types are checked at load.
    pub fn verdict(&self) -> Result<(), LoadError> {
        let forbidden = self.forbidden_imports();
        if !forbidden.is_empty() {
            return Err(LoadError::ForbiddenImports { imports: forbidden });
        }
        if !self.exports_decide {
            return Err(LoadError::MissingDecide);
        }
        Ok(())
    }
}

/// Lists a component's imports and exports with the sandbox's verdict on
/// each, without compiling it. Errors only when the bytes are not a
/// component at all (empty, over [`DEFAULT_MAX_COMPONENT_BYTES`], not wasm,
/// a core module, or unparsable); policy problems are in the returned
/// [`ComponentInfo`] (see [`ComponentInfo::verdict`]).
pub fn inspect(bytes: &[u8]) -> Result<ComponentInfo, LoadError> {
    inspect_with_cap(bytes, DEFAULT_MAX_COMPONENT_BYTES)
}

pub(crate) fn inspect_with_cap(bytes: &[u8], max_bytes: usize) -> Result<ComponentInfo, LoadError> {
    if bytes.is_empty() {
        return Err(LoadError::Empty);
    }
    if bytes.len() > max_bytes {
        return Err(LoadError::TooLarge {
            size: bytes.len(),
            limit: max_bytes,
        });
    }
    if !bytes.starts_with(b"\0asm") {
        return Err(LoadError::NotWasm);
    }
    if Parser::is_core_wasm(bytes) {
        return Err(LoadError::CoreModule);
    }
    if !Parser::is_component(bytes) {
        return Err(LoadError::Malformed {
            reason: "unknown WebAssembly version or layer in the header".to_owned(),
        });
    }

    let mut imports = Vec::new();
    let mut exports = Vec::new();
    let mut exports_decide = false;
    // Nested modules and components carry their own sections; only the
    // outermost component's imports and exports matter.
    let mut depth = 0usize;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(|err| LoadError::Malformed {
            reason: err.to_string(),
        })?;
        match payload {
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ComponentImportSection(reader) if depth == 0 => {
                for import in reader {
                    let import = import.map_err(|err| LoadError::Malformed {
                        reason: err.to_string(),
                    })?;
                    let name = import.name.name.to_owned();
                    let verdict = match import.ty {
                        ComponentTypeRef::Type(TypeBounds::Eq(_)) => ImportVerdict::TypeOnly,
                        _ => import_verdict(&name),
                    };
                    imports.push(ImportInfo { name, verdict });
                }
            }
            Payload::ComponentExportSection(reader) if depth == 0 => {
                for export in reader {
                    let export = export.map_err(|err| LoadError::Malformed {
                        reason: err.to_string(),
                    })?;
                    if export.name.name == "decide" && export.kind == ComponentExternalKind::Func {
                        exports_decide = true;
                    }
                    exports.push(export.name.name.to_owned());
                }
            }
            _ => {}
        }
    }
    Ok(ComponentInfo {
        size: bytes.len(),
        imports,
        exports,
        exports_decide,
    })
}

/// The policy: govlab host interfaces at our version, WASI 0.2 packages the
/// sandbox links, nothing else.
fn import_verdict(name: &str) -> ImportVerdict {
    let forbidden = |reason: String| ImportVerdict::Forbidden { reason };
    let Some((package, rest)) = name.split_once('/') else {
        return forbidden(
            "a bare import; agents may only import govlab:pilot/host@0.1.0 and WASI 0.2 interfaces"
                .to_owned(),
        );
    };
    let (interface, version) = match rest.split_once('@') {
        Some((interface, version)) => (interface, Some(version)),
        None => (rest, None),
    };
    if package == AGENT_PACKAGE {
        if version != Some(AGENT_VERSION) {
            return forbidden(format!(
                "this lab speaks {AGENT_PACKAGE}@{AGENT_VERSION}, not version {}; rebuild the agent against SDK {AGENT_VERSION}",
                version.unwrap_or("(none)")
            ));
        }
        return match interface {
            "host" | "types" => ImportVerdict::Provided,
            _ => forbidden(format!(
                "{AGENT_PACKAGE}@{AGENT_VERSION} has no interface `{interface}`; use `host` or `types`"
            )),
        };
    }
    if let Some(wasi_package) = package.strip_prefix("wasi:") {
        if !LINKED_WASI_PACKAGES.contains(&wasi_package) {
            let what = if wasi_package == "http" {
                "network access through wasi:http is not available to agents".to_owned()
            } else {
                format!("wasi:{wasi_package} is not available to agents")
            };
            return forbidden(what);
        }
        return match version {
            Some(version) if version.starts_with("0.2.") => ImportVerdict::LinkedDenied,
            _ => forbidden(format!(
                "only WASI 0.2.x is linked, not version {}; build with --target wasm32-wasip2",
                version.unwrap_or("(none)")
            )),
        };
    }
    forbidden(format!(
        "unknown package `{package}`; agents may only import govlab:pilot/host@0.1.0 and WASI 0.2 interfaces"
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn import_policy() {
        let cases: &[(&str, &str)] = &[
            ("govlab:pilot/host@0.1.0", "provided"),
            ("govlab:pilot/types@0.1.0", "provided"),
            ("govlab:pilot/host@0.2.0", "forbidden"),
            ("govlab:pilot/other@0.1.0", "forbidden"),
            ("wasi:cli/environment@0.2.6", "linked_denied"),
            ("wasi:io/streams@0.2.0", "linked_denied"),
            ("wasi:sockets/tcp@0.2.3", "linked_denied"),
            ("wasi:filesystem/preopens@0.2.12", "linked_denied"),
            ("wasi:cli/environment@0.3.0", "forbidden"),
            ("wasi:http/outgoing-handler@0.2.0", "forbidden"),
            ("wasi:keyvalue/store@0.2.0", "forbidden"),
            ("acme:evil/thing@1.0.0", "forbidden"),
            ("log", "forbidden"),
        ];
        for (name, want) in cases {
            assert_eq!(import_verdict(name).as_str(), *want, "{name}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_component() {
        let module = wat::parse_str("(module)").unwrap();
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("empty", Vec::new(), "empty"),
            ("text", b"hello, world".to_vec(), "not WebAssembly"),
            ("core module", module, "core WebAssembly module"),
            (
                "truncated",
                b"\0asm\x0d\x00\x01\x00\x07\x05".to_vec(),
                "malformed",
            ),
            (
                "bad version",
                b"\0asm\x09\x00\x00\x00".to_vec(),
                "malformed",
            ),
        ];
        for (label, bytes, want) in cases {
            let err = inspect(&bytes).unwrap_err().to_string();
            assert!(err.contains(want), "{label}: {err}");
        }
    }

    #[test]
    fn rejects_oversized_files_before_parsing() {
        let err = inspect_with_cap(&[0u8; 100], 99).unwrap_err().to_string();
        assert!(err.contains("100 bytes, over the 99-byte limit"), "{err}");
    }

    #[test]
    fn lists_imports_and_exports_of_a_component() {
        let bytes = wat::parse_str(
            r#"(component
                (import "wasi:http/outgoing-handler@0.2.0" (instance))
                (import "govlab:pilot/host@0.1.0" (instance))
                (type $t (record (field "message" string)))
                (import "agent-error" (type (eq $t)))
                (core module $m (func (export "f")))
                (core instance $i (instantiate $m))
                (func $f (canon lift (core func $i "f")))
                (export "decide" (func $f))
            )"#,
        )
        .unwrap();
        let info = inspect(&bytes).unwrap();
        let names: Vec<_> = info.imports.iter().map(|it| it.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "wasi:http/outgoing-handler@0.2.0",
                "govlab:pilot/host@0.1.0",
                "agent-error"
            ]
        );
        assert_eq!(info.imports[2].verdict, ImportVerdict::TypeOnly);
        assert_eq!(info.exports, ["decide"]);
        assert!(info.exports_decide);
        let err = info.verdict().unwrap_err().to_string();
        assert!(err.contains("`wasi:http/outgoing-handler@0.2.0`"), "{err}");
        assert!(!err.contains("govlab:pilot/host"), "{err}");
    }
}
