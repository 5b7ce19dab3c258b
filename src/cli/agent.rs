//! `govlab agent`: scaffold an agent project (`new`), build it into a
//! WebAssembly component (`build`) and ask the sandbox whether it accepts a
//! component (`check`).

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context, bail};
use govlab_sandbox::{ComponentInfo, ImportVerdict, Sandbox, SandboxConfig};

/// The Rust target agents are built for.
const TARGET: &str = "wasm32-wasip2";

/// The SDK in this govlab checkout; scaffolds depend on it by path.
const SDK_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sdk");

/// Subcommands of `govlab agent`.
#[derive(clap::Subcommand)]
pub enum AgentCommand {
    /// Scaffold a new agent project (a Rust library using govlab-sdk)
    New(NewArgs),
    /// Build an agent project into a WebAssembly component (.wasm)
    Build(BuildArgs),
    /// Show what a component imports and exports and whether the sandbox accepts it
    Check(CheckArgs),
}

/// Arguments of `govlab agent new`.
#[derive(clap::Args)]
pub struct NewArgs {
    /// Name of the agent and its crate: lowercase letters, digits, `-` and `_`
    name: String,
    /// Directory to create the project in (default: the current directory)
    #[arg(long, value_name = "PARENT")]
    dir: Option<PathBuf>,
}

/// Arguments of `govlab agent build`.
#[derive(clap::Args)]
pub struct BuildArgs {
    /// The agent project (the directory holding its Cargo.toml)
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

/// Arguments of `govlab agent check`.
#[derive(clap::Args)]
pub struct CheckArgs {
    /// The component to check
    #[arg(value_name = "FILE.wasm")]
    file: PathBuf,
    /// Memory the compiler process may use, in MiB (the portal and `govlab
    /// run` use the default)
    #[arg(long, value_name = "MIB", default_value_t = crate::cli::run::COMPILE_MEMORY_LIMIT_BYTES >> 20,
          value_parser = clap::value_parser!(u64).range(16..=65536))]
    compile_memory_mib: u64,
    /// How long compiling may take, in seconds (the portal's default is the
    /// same; components that embed a Python or JavaScript runtime take
    /// 30–40 s on a quiet 2-core machine)
    #[arg(long, value_name = "SECS", default_value_t = govlab_sandbox::DEFAULT_COMPILE_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    compile_timeout_secs: u64,
}

/// Runs one `govlab agent` subcommand.
pub fn run(cmd: AgentCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        AgentCommand::New(args) => new(&args),
        AgentCommand::Build(args) => build(&args),
        AgentCommand::Check(args) => check(&args),
    }
}

fn new(args: &NewArgs) -> anyhow::Result<ExitCode> {
    validate_name(&args.name)?;
    let parent = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("could not create the parent directory {}", parent.display()))?;
    let root = parent.join(&args.name);
    if root.exists() {
        bail!(
            "{} already exists: choose another NAME or --dir, or remove it first",
            root.display()
        );
    }
    // `create_dir` (not `_all`) fails if someone created it meanwhile.
    std::fs::create_dir(&root).with_context(|| format!("could not create {}", root.display()))?;
    for (relative, contents) in scaffold(&args.name) {
        let path = root.join(relative);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("could not create {}", dir.display()))?;
        }
        std::fs::write(&path, contents)
            .with_context(|| format!("could not write {}", path.display()))?;
    }
    println!("created agent `{}` in {}", args.name, root.display());
    println!("next: govlab agent build {}", root.display());
    Ok(ExitCode::SUCCESS)
}

/// Names cargo accepts as a package and that make a tidy `.wasm` file name.
fn validate_name(name: &str) -> anyhow::Result<()> {
    const RESERVED: &[&str] = &[
        "test",
        "build",
        "std",
        "core",
        "alloc",
        "proc_macro",
        "proc-macro",
        "self",
        "crate",
        "super",
        "govlab",
        "govlab-sdk",
        "govlab_sdk",
    ];
    let hint =
        "use lowercase letters, digits, `-` and `_`, starting with a letter (e.g. `my-agent`)";
    let Some(first) = name.chars().next() else {
        bail!("the agent name is empty: {hint}");
    };
    if name.len() > 64 {
        bail!("the agent name `{name}` is longer than 64 characters: pick a shorter one");
    }
    if !first.is_ascii_lowercase() {
        bail!("the agent name `{name}` must start with a lowercase letter: {hint}");
    }
    if let Some(bad) = name
        .chars()
        .find(|ch| !(ch.is_ascii_lowercase() || ch.is_ascii_digit() || *ch == '-' || *ch == '_'))
    {
        bail!("the agent name `{name}` contains `{bad}`: {hint}");
    }
    if name.ends_with(['-', '_']) {
        bail!("the agent name `{name}` ends with `-` or `_`: {hint}");
    }
    if RESERVED.contains(&name) {
        bail!("`{name}` is reserved by cargo or govlab: pick another agent name");
    }
    Ok(())
}

/// The files of a new agent project, relative to its directory.
fn scaffold(name: &str) -> Vec<(&'static str, String)> {
    let type_name: String = name
        .split(['-', '_'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect();
    let crate_name = name.replace('-', "_");
    let sdk = SDK_DIR;
    let cargo_toml = format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

[lib]
# `cdylib` is the WebAssembly component; `rlib` lets native tests and
# benchmarks call your code directly.
crate-type = ["cdylib", "rlib"]

[dependencies]
# The govlab SDK from the govlab checkout that created this project.
govlab-sdk = {{ path = "{sdk}" }}

# Small, fast components.
[profile.release]
opt-level = 3
lto = true
codegen-units = 1
strip = true

# A project of its own, even when created inside another cargo workspace.
[workspace]
"#
    );
    let lib_rs = format!(
        r##"//! `{name}`: a govlab agent.
//!
//! Build it with `govlab agent build .` (or
//! `cargo build --target {TARGET} --release`), check it with
//! `govlab agent check target/{TARGET}/release/{crate_name}.wasm` and run it
//! with `govlab run --agent target/{TARGET}/release/{crate_name}.wasm --cases cases.jsonl`.

use govlab_sdk::host::{{self, Level}};
use govlab_sdk::serde_json::{{Value, json}};
use govlab_sdk::{{Agent, AgentError}};

/// The agent: govlab calls [`Agent::decide`] once per case.
pub struct {type_name};

impl Agent for {type_name} {{
    fn decide(scenario: &str, case: Value) -> Result<Value, AgentError> {{
        let Some(fields) = case.as_object() else {{
            return Err(AgentError::invalid_input("the case is not a JSON object"));
        }};
        host::log(Level::Info, &format!("{{scenario}}: a case with {{}} fields", fields.len()));
        // Replace this with your decision logic.
        Ok(json!({{ "scenario": scenario, "fields": fields.len() }}))
    }}
}}

govlab_sdk::export_agent!({type_name});

#[cfg(test)]
mod tests {{
    use govlab_sdk::{{ErrorKind, decide_json}};

    use super::*;

    #[test]
    fn decides_objects_and_refuses_the_rest() {{
        let decision = decide_json::<{type_name}>("demo", r#"{{"id":"A-1","text":"hola"}}"#);
        assert_eq!(decision, Ok(r#"{{"fields":2,"scenario":"demo"}}"#.to_owned()));
        let refused = decide_json::<{type_name}>("demo", "[1, 2]");
        assert_eq!(refused.map_err(|err| err.kind), Err(ErrorKind::InvalidInput));
    }}
}}
"##
    );
    let readme = format!(
        r#"# {name}

A govlab agent: a WebAssembly component that govlab runs in its sandbox,
once per case, in a fresh instance each time. The logic is in `src/lib.rs`
(implement `govlab_sdk::Agent`); the SDK's README explains the interface,
what the sandbox denies and the limits:
`{sdk}/README.md`.

## Build, check, run

```sh
govlab agent build .                 # or: cargo build --target {TARGET} --release
govlab agent check target/{TARGET}/release/{crate_name}.wasm
govlab run --agent target/{TARGET}/release/{crate_name}.wasm --cases cases.jsonl
cargo test                           # native unit tests of the logic
```

Building needs the Rust target: `rustup target add {TARGET}`.

`cases.jsonl` holds sample cases, one JSON document per line.

## The SDK dependency

`Cargo.toml` depends on `govlab-sdk` by **absolute path** to the govlab
checkout that created this project (`{sdk}`). If you move
that checkout or build on another machine, update the `path` there.
"#
    );
    let cases = concat!(
        r#"{"case_id":"demo-1","source":"madrid.requests","record":{"id":"MAD-2025-0000001","texto":"Hay un bache en la Calle de Toledo 12","cod_distrito":"01","unidad_destino":"AG-OEQ"}}"#,
        "\n",
        r#"{"case_id":"demo-2","source":"kz.appeals","record":{"id":"OT-2025-0000001","language":"ru","text":"Во дворе не вывозят мусор уже неделю","region_kato":"750000000","addressee_body":"akimat:750000000"}}"#,
        "\n",
        r#"{"case_id":"demo-3","source":"kz.appeals","record":{"id":"OT-2025-0000002","language":"kk","text":"Көшеде шам жанбайды","region_kato":"710000000","addressee_body":"akimat:710000000"}}"#,
        "\n",
    );
    vec![
        ("Cargo.toml", cargo_toml),
        ("src/lib.rs", lib_rs),
        ("README.md", readme),
        ("cases.jsonl", cases.to_owned()),
        (".gitignore", "/target\n".to_owned()),
    ]
}

fn build(args: &BuildArgs) -> anyhow::Result<ExitCode> {
    let dir = &args.dir;
    let manifest = dir.join("Cargo.toml");
    if !manifest.is_file() {
        bail!(
            "{} has no Cargo.toml: pass the agent project's directory (create one with `govlab agent new NAME`)",
            dir.display()
        );
    }
    ensure_target_installed(dir)?;

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut child = Command::new(&cargo)
        .args(["build", "--release", "--target", TARGET])
        .arg("--message-format=json-render-diagnostics")
        // Relative to `dir`, which cargo runs in: a relative `dir` joined
        // again would point nowhere.
        .args(["--manifest-path", "Cargo.toml"])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| {
            format!(
                "could not run `{}`: is cargo installed and on PATH?",
                cargo.to_string_lossy()
            )
        })?;
    let stdout = child
        .stdout
        .take()
        .context("cargo's output was not captured")?;
    let mut wasm_files = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.context("could not read cargo's output")?;
        wasm_files.extend(cdylib_wasm_files(&line));
    }
    let status = child.wait().context("could not wait for cargo")?;
    if !status.success() {
        bail!(
            "cargo build failed ({status}): fix the errors above and run `govlab agent build` again"
        );
    }
    if wasm_files.is_empty() {
        bail!(
            "the build produced no .wasm component: add `[lib] crate-type = [\"cdylib\", \"rlib\"]` to {}",
            manifest.display()
        );
    }
    wasm_files.sort();
    wasm_files.dedup();
    for file in &wasm_files {
        println!("{}", file.display());
    }
    eprintln!(
        "check it with: govlab agent check {}",
        wasm_files[0].display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The `.wasm` files of a cdylib in one line of cargo's JSON messages.
fn cdylib_wasm_files(line: &str) -> Vec<PathBuf> {
    let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
        return Vec::new();
    };
    if message["reason"] != "compiler-artifact" {
        return Vec::new();
    }
    let is_cdylib = message["target"]["kind"]
        .as_array()
        .is_some_and(|kinds| kinds.iter().any(|kind| kind == "cdylib"));
    if !is_cdylib {
        return Vec::new();
    }
    message["filenames"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .filter(|file| file.ends_with(".wasm"))
        .map(PathBuf::from)
        .collect()
}

/// Fails with the `rustup` command to run when the toolchain used in `dir`
/// has no standard library for [`TARGET`].
fn ensure_target_installed(dir: &Path) -> anyhow::Result<()> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| OsString::from("rustc"));
    let output = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .current_dir(dir)
        .output()
        .with_context(|| {
            format!(
                "could not run `{}`: is Rust installed and on PATH?",
                rustc.to_string_lossy()
            )
        })?;
    if !output.status.success() {
        bail!(
            "`{} --print sysroot` failed: {}",
            rustc.to_string_lossy(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let sysroot = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    let target_lib = sysroot.join("lib").join("rustlib").join(TARGET).join("lib");
    if !target_lib.is_dir() {
        bail!(
            "the Rust target {TARGET} is not installed: run `rustup target add {TARGET}` and try again"
        );
    }
    Ok(())
}

fn check(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let path = &args.file;
    let bytes =
        std::fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
    let info = govlab_sandbox::inspect(&bytes)
        .with_context(|| format!("{} is not an agent the sandbox accepts", path.display()))?;
    print_info(path, &info);

    if let Err(err) = info.verdict() {
        println!("verdict: rejected");
        eprintln!(
            "error: {} is not an agent the sandbox accepts: {err}",
            path.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    // The static checks passed; loading compiles the component and checks
    // `decide`'s type against the agent world, as `govlab run` would.
    let config = SandboxConfig {
        compiler: crate::cli::run::compiler_with(args.compile_memory_mib << 20),
        compile_timeout: std::time::Duration::from_secs(args.compile_timeout_secs),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::new(config).context("could not start the sandbox")?;
    match sandbox.load(&bytes) {
        Ok(agent) => {
            println!("sha256: {}", agent.sha256());
            println!("verdict: accepted");
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            println!("verdict: rejected");
            eprintln!(
                "error: {} is not an agent the sandbox accepts: {err}",
                path.display()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

fn print_info(path: &Path, info: &ComponentInfo) {
    println!("component: {} ({} bytes)", path.display(), info.size);
    println!("imports:");
    if info.imports.is_empty() {
        println!("  (none)");
    }
    for import in &info.imports {
        let note = match &import.verdict {
            ImportVerdict::Provided => "provided by govlab".to_owned(),
            ImportVerdict::TypeOnly => "a type of the agent world".to_owned(),
            ImportVerdict::LinkedDenied => "linked, locked down".to_owned(),
            ImportVerdict::Forbidden { reason } => format!("FORBIDDEN: {reason}"),
            // `ImportVerdict` is non-exhaustive; name anything new by its tag.
            other => other.as_str().to_owned(),
        };
        println!("  {:<44} {note}", import.name);
    }
    println!("exports:");
    if info.exports.is_empty() {
        println!("  (none)");
    }
    for export in &info.exports {
        println!("  {export}");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn agent_names() {
        for good in ["a", "my-agent", "triage_v2", "x9"] {
            assert!(validate_name(good).is_ok(), "{good}");
        }
        let bad: &[(&str, &str)] = &[
            ("", "empty"),
            ("My-Agent", "lowercase letter"),
            ("9lives", "lowercase letter"),
            ("my agent", "contains ` `"),
            ("../escape", "lowercase letter"),
            ("a/b", "contains `/`"),
            ("agent-", "ends with"),
            ("test", "reserved"),
            ("govlab-sdk", "reserved"),
        ];
        for (name, want) in bad {
            let err = validate_name(name).unwrap_err().to_string();
            assert!(err.contains(want), "{name}: {err}");
        }
        assert!(validate_name(&"a".repeat(65)).is_err());
    }

    #[test]
    fn scaffold_names_the_type_and_points_at_the_sdk() {
        let files = scaffold("my-first_agent");
        let get = |name: &str| &files.iter().find(|(path, _)| *path == name).unwrap().1;
        assert!(get("src/lib.rs").contains("pub struct MyFirstAgent;"));
        assert!(get("src/lib.rs").contains("export_agent!(MyFirstAgent)"));
        assert!(get("Cargo.toml").contains(&format!("path = \"{SDK_DIR}\"")));
        assert!(get("Cargo.toml").contains("crate-type = [\"cdylib\", \"rlib\"]"));
        assert!(get("README.md").contains(SDK_DIR));
        for line in get("cases.jsonl").lines() {
            serde_json::from_str::<serde_json::Value>(line).unwrap();
        }
    }

    #[test]
    fn finds_cdylib_wasm_artifacts_in_cargo_messages() {
        let cases: &[(&str, &[&str])] = &[
            (
                r#"{"reason":"compiler-artifact","target":{"kind":["cdylib","rlib"]},"filenames":["/t/release/a.wasm","/t/release/liba.rlib"]}"#,
                &["/t/release/a.wasm"],
            ),
            (
                r#"{"reason":"compiler-artifact","target":{"kind":["lib"]},"filenames":["/t/libserde.rlib"]}"#,
                &[],
            ),
            (r#"{"reason":"build-finished","success":true}"#, &[]),
            ("not json", &[]),
        ];
        for (line, want) in cases {
            let got = cdylib_wasm_files(line);
            let want: Vec<PathBuf> = want.iter().map(PathBuf::from).collect();
            assert_eq!(got, want, "{line}");
        }
    }
}
