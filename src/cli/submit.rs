//! `govlab submit`: uploads an agent's component to a running portal as a
//! new version, authenticated by a lab API token or by the identity
//! provider's client-credentials grant.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use govlab_portal::auth::client::{PortalClient, client_credentials_token};

/// Arguments of `govlab submit`.
#[derive(clap::Args)]
pub struct SubmitArgs {
    /// The agent's WebAssembly component
    #[arg(value_name = "FILE.wasm")]
    file: PathBuf,
    /// The portal's URL, e.g. https://lab.example
    #[arg(long, value_name = "URL")]
    portal: String,
    /// The agent's name in your team
    #[arg(long, value_name = "NAME", required_unless_present = "agent_renamed")]
    name: Option<String>,
    /// Renamed to --name: in `run` and `verify`, --agent is the .wasm file
    #[arg(
        long = "agent",
        value_name = "NAME",
        hide = true,
        conflicts_with = "name"
    )]
    agent_renamed: Option<String>,
    /// A lab API token (glt_…)
    #[arg(long, value_name = "T")]
    token: Option<String>,
    /// OAuth2 client id for the client-credentials grant
    #[arg(long, value_name = "ID", requires_all = ["client_secret", "issuer"], conflicts_with = "token")]
    client_id: Option<String>,
    /// OAuth2 client secret
    #[arg(long, value_name = "S")]
    client_secret: Option<String>,
    /// The identity provider's issuer URL
    #[arg(long, value_name = "URL")]
    issuer: Option<String>,
    /// Resource indicator to ask the identity provider for (RFC 8707)
    #[arg(long, value_name = "URI")]
    resource: Option<String>,
    /// Notes for this version
    #[arg(long, value_name = "TEXT")]
    notes: Option<String>,
    /// Create the agent for this scenario if it does not exist yet
    #[arg(long, value_name = "ID")]
    scenario: Option<String>,
    /// Also submit the new version for the lab's review (otherwise it waits
    /// as `uploaded` until you submit it on the agent's page)
    #[arg(long)]
    for_review: bool,
}

/// Runs `govlab submit`.
pub fn run(args: SubmitArgs) -> anyhow::Result<ExitCode> {
    let name = match (&args.name, &args.agent_renamed) {
        (Some(name), _) => name.clone(),
        (None, Some(old)) => anyhow::bail!(
            "`govlab submit` names the agent with --name now (--agent is the .wasm file in `run` and `verify`): use --name {old}"
        ),
        (None, None) => anyhow::bail!("give the agent's name with --name NAME"),
    };
    let wasm = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    // The sandbox's static checks first, so a file the portal would refuse
    // creates nothing there (not even the agent).
    govlab_sandbox::inspect(&wasm)
        .and_then(|info| info.verdict())
        .with_context(|| {
            format!(
                "{} was not uploaded (nothing was created on the portal); `govlab agent check {}` says more",
                args.file.display(),
                args.file.display()
            )
        })?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let token = match (&args.token, &args.client_id) {
            (Some(token), None) => token.clone(),
            (_, Some(client_id)) => {
                let (Some(secret), Some(issuer)) = (&args.client_secret, &args.issuer) else {
                    anyhow::bail!("--client-id needs --client-secret and --issuer");
                };
                client_credentials_token(issuer, client_id, secret, args.resource.as_deref(), &[])
                    .await?
            }
            (None, None) => anyhow::bail!(
                "give --token T (a lab API token) or --client-id ID --client-secret S --issuer URL"
            ),
        };
        let portal = PortalClient::new(&args.portal, &token)?;
        let agents = portal.list_agents().await?;
        let agent = match agents.into_iter().find(|agent| agent.name == name) {
            Some(agent) => agent,
            None => match &args.scenario {
                Some(scenario) => {
                    let agent = portal.create_agent(&name, scenario).await?;
                    eprintln!("created agent {} ({}) for {scenario}", agent.name, agent.id);
                    agent
                }
                None => anyhow::bail!(
                    "no agent named {:?} in your team; add --scenario ID to create it",
                    name
                ),
            },
        };
        let size = wasm.len();
        let version = portal
            .upload_version(&agent.id, wasm, args.notes.as_deref())
            .await?;
        let version = version
            .get("version")
            .filter(|v| v.is_object())
            .unwrap_or(&version);
        let number = version
            .get("version")
            .map(|v| v.to_string())
            .unwrap_or_else(|| "?".to_owned());
        let id = version.get("id").and_then(|v| v.as_str()).unwrap_or("?");
        println!(
            "uploaded {} ({size} bytes) as version {number} of {} (version id {id})",
            args.file.display(),
            agent.name
        );
        if args.for_review {
            portal.submit_version(id).await?;
            println!("submitted version {number} for the lab's review");
        } else {
            println!(
                "next: it waits as `uploaded` until you submit it for review (again with --for-review, or \"Submit for evaluation\" on the agent's page)"
            );
        }
        println!("see it at {}/agents/{}", portal.base(), agent.id);
        Ok(ExitCode::SUCCESS)
    })
}
