//! `detente council`: the council service (crate detente-council) — serve it, create a
//! council from a model, or seed a demo with an account for every role; and, for whoever
//! holds its database, export a council's record and write its minutes, which anyone
//! can then verify offline.

use crate::Failure;
use clap::{Args, Subcommand};
use detente_app::Source;
use detente_brief::document::{self, Block, Span};
use detente_council::{
    Bundle, CouncilError, Db, Disclosure, Edition, Minutes, Part, Server, Unreadable,
};
use miette::{LabeledSpan, NamedSource, miette};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

const COUNCIL_AFTER_HELP: &str = "\
Examples:
  detente council init --model models/nrc-2025.toml --name \"NATO-Russia Council\"
                                                         a council from a model; prints invitation links
  detente council serve                                  then open http://127.0.0.1:8090
  detente council demo                                   the NRC council with an account for every role
  detente council serve --database postgres://user@host/db
  detente council export --council 1 -o record.json      the council's record as one file
  detente council export --council 1 -o public.json --public
                                                         without the positions behind its commitments
  detente council verify record.json                     check it offline: signatures, proofs, openings
  detente council minutes --council 1 -o minutes.pdf     its minutes (.md, .pdf or .html)

The database is one SQLite file (council.db in the current directory) unless
--database names another file or a postgres:// URL; it is created and migrated on
first use. docs/COUNCIL.md describes roles, procedure, privacy, the API, the
exported record and what verify checks. verify exits with 1 when the record does
not verify and with 2 when the file is no council record.

Time bound: each of the engine's answers is bounded as the workbench's requests are
(a minute, 2,097,152 states); the server runs until stopped with Ctrl-C; export,
verify and minutes read the record once, in time that grows with its length.";

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
    /// Write a council's record as one file that anyone can verify offline (read from
    /// the database: for the server's operator).
    #[command(after_help = COUNCIL_AFTER_HELP)]
    Export(ExportCouncil),
    /// Check an exported record offline: every event against the server's signed
    /// checkpoints and proofs, and every opening against its commitment.
    #[command(after_help = COUNCIL_AFTER_HELP)]
    Verify(VerifyRecord),
    /// Write a council's minutes from its record, each entry with its event's number.
    #[command(after_help = COUNCIL_AFTER_HELP)]
    Minutes(MinutesCouncil),
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

/// Which council of the database.
#[derive(Debug, Args)]
pub struct WhichCouncil {
    #[command(flatten)]
    pub database: Database,
    /// The council's id, as `council init` printed it.
    #[arg(long, value_name = "ID")]
    pub council: i64,
}

#[derive(Debug, Args)]
pub struct ExportCouncil {
    #[command(flatten)]
    pub which: WhichCouncil,
    /// Where to write the record (JSON).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
    /// Leave out the positions and salts behind the commitments: the public edition,
    /// which still verifies and shows no delegation's position. Without it the file
    /// opens every position: hand it only to those the delegations trust with them.
    #[arg(long)]
    pub public: bool,
}

#[derive(Debug, Args)]
pub struct VerifyRecord {
    /// The file `council export` wrote.
    #[arg(value_name = "FILE")]
    pub bundle: PathBuf,
    /// The server's public key (hex) as your delegation holds it: the record must be
    /// signed with it. Without it, compare the key printed with the one you hold.
    #[arg(long, value_name = "HEX")]
    pub key: Option<String>,
}

#[derive(Debug, Args)]
pub struct MinutesCouncil {
    #[command(flatten)]
    pub which: WhichCouncil,
    /// Where to write the minutes: Markdown (.md), PDF (.pdf) or HTML (.html), by the
    /// file's extension.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
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
            CouncilCommand::Export(args) => export(args).await,
            CouncilCommand::Verify(args) => verify(&args),
            CouncilCommand::Minutes(args) => minutes(args).await,
        }
    })
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes)
        .map_err(|e| Failure::Output(anyhow::anyhow!("cannot write `{}`: {e}", path.display())))
}

/// Writes the record, then checks what was written as a reader would: a record the
/// database holds that does not verify is written all the same (it is the evidence),
/// and said to fail.
async fn export(args: ExportCouncil) -> Result<(), Failure> {
    let db = Db::open(&args.which.database.database).await?;
    let edition = if args.public {
        Edition::Public
    } else {
        Edition::Full
    };
    let bundle = db.export(args.which.council, edition).await?;
    write(&args.output, bundle.to_json().as_bytes())?;
    let verification = bundle.verify(None);
    eprint!("wrote {}. {verification}", args.output.display());
    if edition == Edition::Full && bundle.commitments() > 0 {
        eprintln!(
            "note: this full edition opens every delegation's positions: hand it only to those the delegations trust with them (--public leaves them out)"
        );
    }
    if verification.verifies() {
        Ok(())
    } else {
        Err(Failure::Unverified(format!(
            "the record in the database does not verify; `{}` holds it as it is",
            args.output.display()
        )))
    }
}

fn verify(args: &VerifyRecord) -> Result<(), Failure> {
    let path = args.bundle.display();
    let bytes = std::fs::read(&args.bundle).map_err(|e| {
        miette!(
            help = "give the path of a file `detente council export` wrote",
            "cannot read `{path}`: {e}"
        )
    })?;
    let bundle = Bundle::read(&bytes).map_err(|e| unreadable(&args.bundle, &bytes, e))?;
    let verification = bundle.verify(args.key.as_deref());
    print!("{verification}");
    if args.key.is_some() {
        println!("Signed with the server key {}, as you gave it.", bundle.key);
    } else {
        println!(
            "Signed with the server key {}: check that it is the key your delegation holds (or give that key with --key).",
            bundle.key
        );
    }
    if verification.verifies() {
        Ok(())
    } else {
        Err(Failure::Unverified(format!(
            "`{path}` does not verify: {}",
            detente_report::count(verification.problems.len(), "problem")
        )))
    }
}

/// A file that is no council record, as a diagnostic pointing at the place in it.
fn unreadable(path: &Path, bytes: &[u8], error: Unreadable) -> Failure {
    let help = "export the record again with `detente council export`, or ask whoever sent it for the whole, unchanged file";
    let message = format!(
        "`{}` cannot be read as a council record: {error}",
        path.display()
    );
    let Some((line, column)) = error.at else {
        return Failure::Input(miette!(help = help, "{message}"));
    };
    let text = String::from_utf8_lossy(bytes).into_owned();
    let mut offset: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        + column.saturating_sub(1);
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    Failure::Input(
        miette!(
            labels = vec![LabeledSpan::at_offset(offset, "here")],
            help = help,
            "{message}"
        )
        .with_source_code(NamedSource::new(path.display().to_string(), text)),
    )
}

async fn minutes(args: MinutesCouncil) -> Result<(), Failure> {
    let extension = args
        .output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let Some(extension) = extension.filter(|e| ["md", "pdf", "html"].contains(&e.as_str())) else {
        return Err(Failure::Input(miette!(
            help = "name the file minutes.md, minutes.pdf or minutes.html",
            "`{}`: the minutes are written as Markdown (.md), PDF (.pdf) or HTML (.html), chosen by the file's extension",
            args.output.display()
        )));
    };
    let db = Db::open(&args.which.database.database).await?;
    let minutes = db.minutes(args.which.council).await?;
    let title = minutes.title();
    let bytes = match extension.as_str() {
        "md" => minutes.to_markdown().into_bytes(),
        "pdf" => detente_brief::render_pdf(&title, &blocks(&minutes))
            .map_err(|e| Failure::Output(e.into()))?,
        _ => detente_brief::render_html(&title, &blocks(&minutes)).into_bytes(),
    };
    write(&args.output, &bytes)?;
    eprintln!(
        "wrote {}: the minutes of council {} \"{}\", from its record of {}",
        args.output.display(),
        minutes.council,
        minutes.name,
        detente_report::count(minutes.events, "event")
    );
    Ok(())
}

/// The minutes as the brief's blocks, for its PDF and HTML.
fn blocks(minutes: &Minutes) -> Vec<Block> {
    minutes
        .parts()
        .into_iter()
        .map(|part| match part {
            Part::Title(t) => Block::Title(t),
            Part::Heading(t) => Block::Heading(t),
            Part::Subheading(t) => Block::Subheading(t),
            Part::Paragraph(t) => document::plain(t),
            Part::Entries(entries) => Block::Bullets(
                entries
                    .iter()
                    .map(|e| {
                        vec![
                            Span::Strong(format!("{}: ", e.lead())),
                            Span::Text(e.text.clone()),
                        ]
                    })
                    .collect(),
            ),
        })
        .collect()
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
