//! `detente council`: the council service (crate detente-council) — serve it, create a
//! council from a model, or seed a demo with an account for every role.

use crate::Failure;
use clap::{Args, Subcommand};
use detente_app::Source;
use detente_council::{CouncilError, Db, Disclosure, Server};
use miette::miette;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

const COUNCIL_AFTER_HELP: &str = "\
Examples:
  detente council init --model models/nrc-2025.toml --name \"NATO-Russia Council\"
                                                         a council from a model; prints invitation links
  detente council serve                                  then open http://127.0.0.1:8090
  detente council demo                                   the NRC council with an account for every role
  detente council serve --database postgres://user@host/db

The database is one SQLite file (council.db in the current directory) unless
--database names another file or a postgres:// URL; it is created and migrated on
first use. docs/COUNCIL.md describes roles, procedure, privacy and the API.

Time bound: each of the engine's answers is bounded as the workbench's requests are
(a minute, 2,097,152 states); the server runs until stopped with Ctrl-C.";

#[derive(Debug, Args)]
#[command(after_help = COUNCIL_AFTER_HELP)]
pub struct CouncilArgs {
    #[command(subcommand)]
    pub command: CouncilCommand,
}

#[derive(Debug, Subcommand)]
pub enum CouncilCommand {
    /// Serve the council's pages and API.
    #[command(after_help = COUNCIL_AFTER_HELP)]
    Serve(ServeCouncil),
    /// Create a council from a model and print its one-time invitation links.
    #[command(after_help = COUNCIL_AFTER_HELP)]
    Init(InitCouncil),
    /// Seed the NRC council with demo accounts (one per role) and serve it.
    #[command(after_help = COUNCIL_AFTER_HELP)]
    Demo(ServeCouncil),
}

#[derive(Debug, Args)]
pub struct Database {
    /// The database: a SQLite file, or a postgres:// URL.
    #[arg(long, default_value = "council.db", value_name = "FILE|URL")]
    pub database: String,
}

#[derive(Debug, Args)]
pub struct ServeCouncil {
    #[command(flatten)]
    pub database: Database,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1", value_name = "IP")]
    pub bind: IpAddr,
    /// Port to listen on.
    #[arg(long, short = 'p', default_value_t = 8090)]
    pub port: u16,
    /// Mark session cookies Secure: set when a proxy in front serves the council over HTTPS.
    #[arg(long)]
    pub secure_cookies: bool,
    /// Log a session out after this many minutes without a request.
    #[arg(long, default_value_t = 480, value_name = "MINUTES",
          value_parser = clap::value_parser!(u64).range(1..=525_600))]
    pub session_idle: u64,
}

#[derive(Debug, Args)]
pub struct InitCouncil {
    #[command(flatten)]
    pub database: Database,
    /// The model file (.toml or .gmcr) whose decision makers become the delegations.
    /// Default: the built-in NRC scenario.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Use a built-in model instead of a file (see `detente examples`).
    #[arg(long, short = 'e', conflicts_with = "model", value_name = "NAME")]
    pub example: Option<String>,
    /// The council's name.
    #[arg(long)]
    pub name: String,
    /// What the engine's answers tell whom: verdicts (every member is told whether a
    /// package holds; the mediator also why), mediator (the mediator only), or full.
    #[arg(long, default_value = "verdicts")]
    pub disclosure: String,
    /// The address the server will be reached at, to print whole invitation links.
    #[arg(long, default_value = "http://127.0.0.1:8090")]
    pub url: String,
}

impl InitCouncil {
    fn source(&self) -> Source {
        match (&self.model, &self.example) {
            (Some(path), _) => Source::File(path.clone()),
            (None, name) => Source::Example(name.clone()),
        }
    }
}

impl From<CouncilError> for Failure {
    fn from(error: CouncilError) -> Failure {
        match error {
            CouncilError::App(e) => e.into(),
            other => Failure::Input(miette!("{other}")),
        }
    }
}

pub fn council(args: CouncilArgs) -> Result<(), Failure> {
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Failure::Output(anyhow::anyhow!("cannot start the server runtime: {e}")))?;
    runtime.block_on(async {
        match args.command {
            CouncilCommand::Serve(serve) => run(serve).await,
            CouncilCommand::Init(init) => {
                let db = Db::open(&init.database.database).await?;
                let created = db
                    .create_council(None, &init.name, &init.source(), Disclosure::from_key(&init.disclosure)?)
                    .await?;
                println!(
                    "Created council {} \"{}\". Hand each link to the person it is for: each works once, for a week.",
                    created.council, init.name
                );
                for invitation in &created.invitations {
                    let role = match &invitation.delegation {
                        Some(d) => format!("{} of {d}", invitation.role.words()),
                        None => invitation.role.words().to_string(),
                    };
                    println!("  {role}: {}/join/{}", init.url.trim_end_matches('/'), invitation.token);
                }
                Ok(())
            }
            CouncilCommand::Demo(serve) => {
                let db = Db::open(&serve.database.database).await?;
                let demo = db
                    .seed_demo("NATO-Russia Council (demo)", &Source::Example(None))
                    .await?;
                println!(
                    "Seeded the demo council {}: each delegation's position is the NRC model's, and the mediator has tabled the proposed package.",
                    demo.council
                );
                println!("Log in as any of these, each with the password {}:", detente_council::DEMO_PASSWORD);
                for account in &demo.accounts {
                    let role = match &account.delegation {
                        Some(d) => format!("{} of {d}", account.role.words()),
                        None => account.role.words().to_string(),
                    };
                    println!("  {:<14} {role}", account.name);
                }
                run(serve).await
            }
        }
    })
}

async fn run(args: ServeCouncil) -> Result<(), Failure> {
    let db = Db::open(&args.database.database).await?;
    let addr = SocketAddr::new(args.bind, args.port);
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        miette!(
            help = "another program may be using the port: choose another with --port",
            "cannot listen on {addr}: {e}"
        )
    })?;
    eprintln!("detente council at http://{addr}/ (Ctrl-C to stop)");
    detente_council::serve(
        listener,
        Server {
            secure_cookies: args.secure_cookies,
            session_idle: std::time::Duration::from_secs(args.session_idle * 60),
            ..Server::new(db)
        },
    )
    .await
    .map_err(|e| Failure::Output(anyhow::anyhow!("the server stopped: {e}")))
}
