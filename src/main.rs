//! The `iot-warden` command: a thin front over [`iot_warden::server`] and [`iot_warden::cli`].

use clap::{Parser, Subcommand};
use iot_warden::cli::{lint::LintArgs, onboard::OnboardArgs, simulate::SimulateArgs};
use iot_warden::server::config::ServeArgs;
use iot_warden::server::run::{build_state, serve};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "iot-warden",
    version,
    about = "Security console for AWS IoT fleets"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web console.
    Serve(ServeArgs),
    /// Lint AWS IoT policy files for least privilege; findings on stdout, one per line.
    Lint(LintArgs),
    /// Decide JSON Lines cases (policies + request) and print one decision per line.
    Simulate(SimulateArgs),
    /// Onboard devices from a CSV: things, groups, certificates from CSRs, policies; paced,
    /// resumable (run the same command again), with a per-row result CSV.
    Onboard(OnboardArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    // Logs go to stderr, so `lint` and `simulate` keep stdout for their results alone.
    iot_warden::server::logging::init();
    match Cli::parse().command {
        Command::Serve(args) => run_serve(args).await,
        Command::Lint(args) => iot_warden::cli::lint::run(&args),
        Command::Simulate(args) => iot_warden::cli::simulate::run(&args),
        Command::Onboard(args) => iot_warden::cli::onboard::run(args).await,
    }
}

async fn run_serve(args: ServeArgs) -> ExitCode {
    let config = match args.validate() {
        Ok(c) => c,
        Err(e) => return fail(&e.to_string()),
    };
    let leptos_options = match leptos::config::get_configuration(None) {
        Ok(c) => c.leptos_options,
        Err(e) => {
            return fail(&format!(
                "The site settings (LEPTOS_OUTPUT_NAME, LEPTOS_SITE_ROOT, …) are missing or wrong: {e}."
            ))
        }
    };
    let listen = config.listen;
    let (state, sessions) = match build_state(config, leptos_options).await {
        Ok(s) => s,
        Err(e) => return fail(&e.to_string()),
    };
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(l) => l,
        Err(e) => return fail(&format!("Cannot listen on {listen} (WARDEN_LISTEN): {e}.")),
    };
    tracing::info!("IoT Warden listening on http://{listen}");
    match serve(listener, state, sessions).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("The server stopped: {e}.")),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("iot-warden: {message}");
    ExitCode::from(2)
}
