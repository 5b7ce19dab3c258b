//! `govlab`: the command line of the govlab cross-border GovTech sandbox.
//!
//! The binary is thin glue: every subcommand lives in its own module under
//! `cli/` and calls into the library crates (`govlab-sandbox`,
//! `govlab-adapters`, `govlab-scenarios`).

mod cli;

use clap::{Parser, Subcommand};

/// Run AI agents (WebAssembly components) against synthetic Madrid and
/// Kazakh government data, translate records between both countries' data
/// models, and score each pilot.
#[derive(Parser)]
#[command(name = "govlab", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scaffold, build and check agents
    #[command(subcommand)]
    Agent(cli::agent::AgentCommand),
    /// Run an agent over a scenario's split (a pilot) or over a file of cases
    Run(cli::run::RunArgs),
    /// List the scenarios and show their definitions
    #[command(subcommand)]
    Scenarios(cli::scenarios::ScenariosCommand),
    /// Check a signed scorecard, and optionally re-run its pilot
    Verify(cli::verify::VerifyArgs),
    /// Build the reference agents, run every scenario's practice split, print
    /// the scoreboard and write the HTML report
    Demo(cli::demo::DemoArgs),
    /// List and generate the synthetic datasets
    #[command(subcommand)]
    Data(cli::data::DataCommand),
    /// Lab staff: make the evaluation key
    #[command(subcommand)]
    Lab(cli::lab::LabCommand),
    /// Map records between data models and report what survives the trip
    #[command(subcommand)]
    Adapters(cli::adapters::AdaptersCommand),
    /// Serve the web portal (accounts, uploads, pilot runs, scoreboard)
    Serve(cli::serve::ServeArgs),
    /// Create and revoke the portal's API tokens
    #[command(subcommand)]
    Tokens(cli::tokens::TokensCommand),
    /// Upload an agent's component to a running portal as a new version
    Submit(cli::submit::SubmitArgs),
}

fn main() -> std::process::ExitCode {
    // A compiler child process of the sandbox (see `cli::run::compiler`):
    // not a user command, so it stays out of `--help`.
    let mut args = std::env::args_os();
    if args.nth(1).as_deref() == Some(std::ffi::OsStr::new(cli::run::SANDBOX_COMPILE)) {
        return govlab_sandbox::compile_child_main(args);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Agent(cmd) => cli::agent::run(cmd),
        Command::Run(args) => cli::run::run(args),
        Command::Scenarios(cmd) => cli::scenarios::run(cmd),
        Command::Verify(args) => cli::verify::run(args),
        Command::Demo(args) => cli::demo::run(args),
        Command::Data(cmd) => cli::data::run(cmd),
        Command::Lab(cmd) => cli::lab::run(cmd),
        Command::Adapters(cmd) => cli::adapters::run(cmd),
        Command::Serve(args) => cli::serve::run(args),
        Command::Tokens(cmd) => cli::tokens::run(cmd),
        Command::Submit(args) => cli::submit::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {}", error_text(&err));
            std::process::ExitCode::FAILURE
        }
    }
}

/// The error and its causes joined by ": ", leaving out a cause whose text
/// is already in what was written (library errors often repeat their
/// source in their own message), so each fact is said once.
fn error_text(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let cause = cause.to_string();
        if text.contains(&cause) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&cause);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::error_text;

    #[test]
    fn a_cause_already_in_the_message_is_said_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file");
        let err = anyhow::Error::new(io)
            .context("cannot read key.pub: No such file")
            .context("cannot load the key");
        assert_eq!(
            error_text(&err),
            "cannot load the key: cannot read key.pub: No such file"
        );
        let err = anyhow::anyhow!("plain").context("outer");
        assert_eq!(error_text(&err), "outer: plain");
    }
}
