//! The reference agents in `scenarios/agents/`: a naive baseline and a
//! competent agent per scenario, a learned baseline for `appeals-triage`
//! (a bag-of-words model trained on the practice split), plus the test agents (see [`TEST_AGENTS`]),
//! and how to build them with cargo for `wasm32-wasip2`.
//!
//! They exist so the scoreboard has real entries and scoring is checked
//! against itself: on every scenario the competent agent must score clearly
//! higher than the naive one.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::scenario::ScenarioKind;

/// Which of a scenario's two reference agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// The baseline: the simplest thing that produces valid output.
    Naive,
    /// A careful agent that uses the case, the code lists and the adapters.
    Competent,
    /// A model trained on the practice split alone, no rules
    /// (`appeals-triage` only; see [`crate::learned`]).
    Learned,
}

impl Level {
    /// `naive` or `competent`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Naive => "naive",
            Level::Competent => "competent",
            Level::Learned => "learned",
        }
    }
}

/// One reference agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferenceAgent {
    /// The scenario it decides.
    pub scenario: ScenarioKind,
    /// Naive or competent.
    pub level: Level,
    /// The cargo package and `.wasm` file stem, e.g. `appeals_competent`.
    pub package: &'static str,
}

/// Every reference agent, by scenario then level.
pub const REFERENCE_AGENTS: [ReferenceAgent; 11] = [
    ReferenceAgent {
        scenario: ScenarioKind::AppealsTriage,
        level: Level::Naive,
        package: "appeals_naive",
    },
    ReferenceAgent {
        scenario: ScenarioKind::AppealsTriage,
        level: Level::Competent,
        package: "appeals_competent",
    },
    ReferenceAgent {
        scenario: ScenarioKind::AppealsTriage,
        level: Level::Learned,
        package: "appeals_learned",
    },
    ReferenceAgent {
        scenario: ScenarioKind::FamilySupport,
        level: Level::Naive,
        package: "family_naive",
    },
    ReferenceAgent {
        scenario: ScenarioKind::FamilySupport,
        level: Level::Competent,
        package: "family_competent",
    },
    ReferenceAgent {
        scenario: ScenarioKind::CrossBorderResidency,
        level: Level::Naive,
        package: "residency_naive",
    },
    ReferenceAgent {
        scenario: ScenarioKind::CrossBorderResidency,
        level: Level::Competent,
        package: "residency_competent",
    },
    ReferenceAgent {
        scenario: ScenarioKind::AirQualityAlerts,
        level: Level::Naive,
        package: "air_naive",
    },
    ReferenceAgent {
        scenario: ScenarioKind::AirQualityAlerts,
        level: Level::Competent,
        package: "air_competent",
    },
    ReferenceAgent {
        scenario: ScenarioKind::ServiceFinder,
        level: Level::Naive,
        package: "finder_naive",
    },
    ReferenceAgent {
        scenario: ScenarioKind::ServiceFinder,
        level: Level::Competent,
        package: "finder_competent",
    },
];

/// Test agents in the same workspace: `probe` returns everything it can
/// read, `trap` fails in every way the sandbox classifies, `spin` never
/// answers (fuel or deadline), `invalid` never gives schema-valid output,
/// `lazy` gives constant schema-valid answers (flags nothing), and
/// `name_biased` discriminates on purpose (appeals by surname, families by
/// the head's sex).
pub const TEST_AGENTS: [&str; 6] = ["probe", "trap", "spin", "invalid", "lazy", "name_biased"];

/// The reference workspace shipped with this crate.
pub fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("agents")
}

/// Building the reference agents failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// cargo could not be started.
    #[error("cannot run cargo (is the Rust toolchain installed and on PATH?)")]
    Spawn(#[source] std::io::Error),
    /// cargo failed.
    #[error(
        "building the reference agents failed (exit {status}); run `rustup target add wasm32-wasip2` if the target is missing:\n{stderr}"
    )]
    Cargo {
        /// Exit status.
        status: String,
        /// The end of cargo's standard error.
        stderr: String,
    },
    /// A built file is missing.
    #[error("cargo finished but {0} is missing")]
    Missing(PathBuf),
}

/// How to build the reference workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildConfig {
    /// The workspace (default: [`workspace_dir`]).
    pub workspace: PathBuf,
    /// The cargo binary (default: `$CARGO`, else `cargo`).
    pub cargo: PathBuf,
    /// Cargo's target directory (default: `<workspace>/target`).
    pub target_dir: Option<PathBuf>,
}

impl Default for BuildConfig {
    fn default() -> BuildConfig {
        BuildConfig {
            workspace: workspace_dir(),
            cargo: std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from),
            target_dir: None,
        }
    }
}

/// The built agents: `(package, path)` for every reference and test agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltAgents {
    /// Where the `.wasm` files are.
    pub dir: PathBuf,
}

impl BuiltAgents {
    /// The component file of a package.
    pub fn path(&self, package: &str) -> PathBuf {
        self.dir.join(format!("{package}.wasm"))
    }
}

/// Builds every agent of the reference workspace in release mode for
/// `wasm32-wasip2` and returns where the components are.
pub fn build_reference_agents(config: &BuildConfig) -> Result<BuiltAgents, BuildError> {
    let target_dir = config
        .target_dir
        .clone()
        .unwrap_or_else(|| config.workspace.join("target"));
    let output = Command::new(&config.cargo)
        .arg("build")
        .arg("--manifest-path")
        .arg(config.workspace.join("Cargo.toml"))
        .args([
            "--target",
            "wasm32-wasip2",
            "--release",
            "--workspace",
            "--quiet",
        ])
        .arg("--target-dir")
        .arg(&target_dir)
        .output()
        .map_err(BuildError::Spawn)?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(40).collect();
        return Err(BuildError::Cargo {
            status: output.status.to_string(),
            stderr: tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
        });
    }
    let built = BuiltAgents {
        dir: target_dir.join("wasm32-wasip2").join("release"),
    };
    let packages = REFERENCE_AGENTS
        .iter()
        .map(|agent| agent.package)
        .chain(TEST_AGENTS);
    for package in packages {
        let path = built.path(package);
        if !path.is_file() {
            return Err(BuildError::Missing(path));
        }
    }
    Ok(built)
}
