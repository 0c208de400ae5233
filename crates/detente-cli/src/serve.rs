//! `detente serve`: the web workbench (crate detente-web) on a local port.

use crate::Failure;
use clap::Args;
use detente_app::{Limits, SERVICE_TIME};
use miette::miette;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

const SERVE_AFTER_HELP: &str = "\
Examples:
  detente serve                          open http://127.0.0.1:8080 in a browser
  detente serve --port 9000              another port
  detente serve --bind 0.0.0.0           reachable from other machines (no login: trusted networks only)

The page loads the built-in examples, .toml and .gmcr files or a blank model;
its JSON API is described at /api/openapi.json. Stop the server with Ctrl-C.

Each request is bounded by --timeout and --max-states, its body and its answer by
size, and a connection that stalls while sending or receiving is closed
(docs/WORKBENCH.md, \"The server's limits\").";

#[derive(Debug, Args)]
#[command(after_help = SERVE_AFTER_HELP)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1", value_name = "IP")]
    pub bind: IpAddr,
    /// Port to listen on.
    #[arg(long, short = 'p', default_value_t = 8080)]
    pub port: u16,
    /// Refuse models with more feasible states than this.
    #[arg(long, value_name = "N", default_value_t = Limits::service().max_states, value_parser = crate::args::max_states)]
    pub max_states: usize,
    /// Stop a request's work (compiling its model, an analysis) after this many seconds: the
    /// work stops and the request gets an error.
    #[arg(long, value_name = "SECONDS", default_value_t = SERVICE_TIME.as_secs())]
    pub timeout: u64,
}

pub fn serve(args: ServeArgs) -> Result<(), Failure> {
    let addr = SocketAddr::new(args.bind, args.port);
    let config = detente_web::Config {
        limits: Limits {
            max_states: args.max_states,
            time: Some(Duration::from_secs(args.timeout.max(1))),
            ..Limits::service()
        },
        ..detente_web::Config::default()
    };
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Failure::Output(anyhow::anyhow!("cannot start the server runtime: {e}")))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
            miette!(
                help = "another program may be using the port: choose another with --port",
                "cannot listen on {addr}: {e}"
            )
        })?;
        eprintln!("detente workbench at http://{addr}/ (Ctrl-C to stop)");
        detente_web::serve_on(listener, config)
            .await
            .map_err(|e| Failure::Output(anyhow::anyhow!("the server stopped: {e}")))
    })
}
