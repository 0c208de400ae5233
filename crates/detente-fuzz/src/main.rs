//! `detente-fuzz`: mutates the corpus (by default the built-in models and the
//! reference cases) for a while, runs the whole pipeline on every mutant and on a
//! mutant of its JSON form, and reports each distinct panic with its input,
//! minimised, in the findings folder. Exits 1 when anything panicked, so CI fails
//! on a finding (docs/RELIABILITY.md).

use clap::Parser;
use detente_fuzz::mutate::{Mutator, Syntax, form_text};
use detente_fuzz::{Outcome, Panic, check, minimise::minimise, pipeline, quiet_panics};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

#[derive(Debug, Parser)]
#[command(
    name = "detente-fuzz",
    about = "Mutation fuzzing of detente's whole pipeline"
)]
struct Args {
    /// How long to fuzz.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// The mutations' seed (by default from the clock; printed, so a run can be repeated).
    #[arg(long)]
    seed: Option<u64>,
    /// A folder of .toml, .gmcr and .form.json files to mutate (repeatable; by default
    /// the repository's models/ and tests/cases/).
    #[arg(long, value_name = "DIR")]
    corpus: Vec<PathBuf>,
    /// Where findings are written.
    #[arg(long, value_name = "DIR", default_value = "fuzz-findings")]
    out: PathBuf,
    /// Run the pipeline once on each of these files, panics not caught (to reproduce a finding).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    replay: Vec<PathBuf>,
}

/// Mutants that analyse cleanly join the corpus, up to this many, so mutations stack.
const POOL: usize = 256;

/// How long minimising one finding may take.
const MINIMISE_TIME: Duration = Duration::from_secs(60);

/// A case slower than this is reported (but is not a finding: time bounds are the CLI's).
const SLOW: Duration = Duration::from_secs(30);

/// A model file to mutate.
#[derive(Debug, Clone)]
struct Seed {
    syntax: Syntax,
    text: String,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if !args.replay.is_empty() {
        return replay(&args.replay);
    }
    match fuzz(&args) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("detente-fuzz: {error}");
            ExitCode::from(2)
        }
    }
}

/// Runs the pipeline on each file with the default panic hook, so a panic shows its backtrace.
fn replay(files: &[PathBuf]) -> ExitCode {
    for file in files {
        let Ok(text) = std::fs::read_to_string(file) else {
            eprintln!("detente-fuzz: cannot read {}", file.display());
            return ExitCode::from(2);
        };
        let outcome = detente_fuzz::pipeline::run(&text, &file.display().to_string());
        println!(
            "{}: {}",
            file.display(),
            if outcome.is_ok() {
                "analysed"
            } else {
                "refused"
            }
        );
    }
    ExitCode::SUCCESS
}

/// Fuzzes for the time asked; the number of distinct findings.
fn fuzz(args: &Args) -> Result<usize, String> {
    let seed = args.seed.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dirs = if args.corpus.is_empty() {
        vec![root.join("models"), root.join("tests/cases")]
    } else {
        args.corpus.clone()
    };
    let seeds = corpus(&dirs)?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    println!(
        "fuzzing for {} s from seed {seed}: {} corpus files, findings in {}",
        args.seconds,
        seeds.len(),
        args.out.display()
    );
    quiet_panics();
    let mut run = Run {
        out: &args.out,
        mutator: Mutator::new(seed),
        corpus: seeds.len(),
        pool: seeds,
        known: HashSet::new(),
        cases: 0,
        forms: 0,
        analysed: 0,
        slow: 0,
    };
    let started = Instant::now();
    let mut reported = started;
    while started.elapsed() < Duration::from_secs(args.seconds) {
        let base = &run.pool[run.mutator.below(run.pool.len())];
        let syntax = base.syntax;
        let text = run.mutator.mutate(&base.text, syntax);
        let outcome = run.case(&text, syntax)?;
        // The workbench edits a file as its JSON form: the form of this mutant, mutated.
        if syntax != Syntax::Form
            && !matches!(outcome, Outcome::Panicked(_))
            && let Some(form) = pipeline::form(&text, &format!("case.{}", syntax.extension()))
        {
            let mutant = run.mutator.mutate_form(form);
            run.case(&form_text(&mutant), Syntax::Form)?;
        }
        if reported.elapsed() > Duration::from_secs(30) {
            reported = Instant::now();
            println!(
                "{:>5} s: {} cases, {} analysed, {} findings",
                started.elapsed().as_secs(),
                run.cases,
                run.analysed,
                run.known.len()
            );
        }
    }
    for syntax in [Syntax::Toml, Syntax::Gmcr, Syntax::Form] {
        let _ = std::fs::remove_file(run.last_input(syntax));
    }
    println!(
        "done: {:.0} s, seed {seed}, {} cases ({} of them forms; {} analysed, {} refused), {} findings, {} slow",
        started.elapsed().as_secs_f64(),
        run.cases,
        run.forms,
        run.analysed,
        run.cases - run.analysed,
        run.known.len(),
        run.slow
    );
    Ok(run.known.len())
}

/// A fuzzing run under way.
struct Run<'a> {
    out: &'a Path,
    mutator: Mutator,
    /// The corpus files at the head of the pool, never replaced.
    corpus: usize,
    pool: Vec<Seed>,
    /// Panic locations found so far.
    known: HashSet<String>,
    cases: u64,
    /// Cases that were a model's JSON form.
    forms: u64,
    analysed: u64,
    slow: u64,
}

impl Run<'_> {
    /// Where the input of the case under way is kept, for a crash no catch can stop.
    fn last_input(&self, syntax: Syntax) -> PathBuf {
        self.out.join(format!("last-input.{}", syntax.extension()))
    }

    /// Runs the pipeline on one mutant: a new panic is recorded, a slow case saved,
    /// and a mutant that analyses cleanly joins the pool.
    fn case(&mut self, text: &str, syntax: Syntax) -> Result<Outcome, String> {
        let name = format!("case.{}", syntax.extension());
        // A crash the pipeline cannot catch (an abort, a stack overflow) leaves its input here.
        std::fs::write(self.last_input(syntax), text).map_err(|e| e.to_string())?;
        let began = Instant::now();
        let outcome = check(text, &name);
        self.cases += 1;
        self.forms += u64::from(syntax == Syntax::Form);
        if began.elapsed() > SLOW {
            self.slow += 1;
            let file = self
                .out
                .join(format!("slow-{}.{}", self.slow, syntax.extension()));
            std::fs::write(&file, text).map_err(|e| e.to_string())?;
            println!("slow case ({:.1?}): {}", began.elapsed(), file.display());
        }
        match &outcome {
            Outcome::Analysed => {
                self.analysed += 1;
                let joined = Seed {
                    syntax,
                    text: text.to_string(),
                };
                if self.pool.len() < POOL {
                    self.pool.push(joined);
                } else {
                    let at = self.corpus + self.mutator.below(POOL - self.corpus);
                    self.pool[at] = joined;
                }
            }
            Outcome::Refused => {}
            Outcome::Panicked(panic) => {
                if self.known.insert(panic.location.clone()) {
                    record(self.out, self.known.len(), text, syntax, panic)?;
                }
            }
        }
        Ok(outcome)
    }
}

/// The .toml, .gmcr and .form.json files in `dirs`.
fn corpus(dirs: &[PathBuf]) -> Result<Vec<Seed>, String> {
    let mut seeds = Vec::new();
    for dir in dirs {
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
        paths.sort();
        for path in paths {
            let Some(syntax) = Syntax::of(&path.display().to_string()) else {
                continue;
            };
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            seeds.push(Seed { syntax, text });
        }
    }
    if seeds.is_empty() {
        return Err("the corpus has no .toml, .gmcr or .form.json files".into());
    }
    Ok(seeds)
}

/// Minimises a new finding and writes it, with the input as found, to `out`.
fn record(out: &Path, n: usize, text: &str, syntax: Syntax, panic: &Panic) -> Result<(), String> {
    let name = format!("case.{}", syntax.extension());
    let same =
        |t: &str| matches!(check(t, &name), Outcome::Panicked(p) if p.location == panic.location);
    let small = minimise(text, same, Instant::now() + MINIMISE_TIME);
    let file = |suffix: &str| out.join(format!("finding-{n}{suffix}.{}", syntax.extension()));
    for (path, content) in [(file(""), small.as_str()), (file("-original"), text)] {
        std::fs::write(&path, content)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!(
        "FINDING {n}: panic at {}: {}\n  minimised ({} bytes): {}",
        panic.location,
        panic.message.chars().take(300).collect::<String>(),
        small.len(),
        file("").display()
    );
    Ok(())
}
