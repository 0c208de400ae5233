//! `detente foresight`: limited-move stability L_h and non-myopic stability
//! (docs/FORESIGHT.md) as text, Markdown, CSV and JSON.

use crate::csv::{header_start, write_row_start};
use crate::describe::{compress_ids, describe_change, describe_state};
use crate::json::LazyMap;
use crate::text::{Flavour, padded};
use crate::{Format, Render, json_body};
use detente_engine::foresight::{Foresight, NonMyopic, Step};
use detente_engine::{Conflict, Model, StateIndex};
use serde::Serialize;
use std::io::{self, BufWriter, Write};

/// Schema tag of `detente foresight --format json`.
pub const FORESIGHT_SCHEMA: &str = "detente.foresight/1";

pub struct ForesightReport<'a> {
    pub model: &'a Model,
    pub conflict: &'a Conflict,
    pub foresight: &'a Foresight,
    /// The same analysis under the other outlook: verdicts that differ
    /// depend on how ties are resolved.
    pub other: &'a Foresight,
    /// States whose lines of play to show, for every DM.
    pub lines_for: Vec<StateIndex>,
}

#[derive(Serialize)]
struct CycleJson {
    start: u32,
    period: u32,
}

#[derive(Serialize)]
struct HorizonsJson {
    from: u32,
    to: u32,
    equilibria: Vec<usize>,
}

#[derive(Serialize)]
struct StepJson {
    mover: String,
    from: usize,
    to: usize,
    change: String,
}

#[derive(Serialize)]
struct LineJson {
    state: usize,
    dm: String,
    stable: bool,
    /// Where the line ends: the anticipated outcome of the DM's best move.
    ends_at: Option<usize>,
    steps: Vec<StepJson>,
}

/// Everything the report says, computed once for every format.
struct Body {
    dms: Vec<String>,
    /// Per DM: the L_h-stable state ids.
    stable: Vec<Vec<usize>>,
    equilibria: Vec<usize>,
    /// Per DM: where its anticipations repeat (`None`: not within the limit).
    cycles: Vec<Option<CycleJson>>,
    nm_stable: Vec<Vec<usize>>,
    nm_oscillating: Vec<Vec<usize>>,
    /// `None` when some DM's anticipations did not settle.
    nm_equilibria: Option<Vec<usize>>,
    by_horizon: Vec<HorizonsJson>,
    /// Set when `by_horizon` stops before the horizon: the equilibria of
    /// every later horizon repeat those of `start..start + period`.
    by_horizon_repeats: Option<CycleJson>,
    /// Per DM: states whose L_h / NM verdict differs under the other outlook.
    tie_dependent: Vec<Vec<usize>>,
    tie_dependent_nm: Vec<Vec<usize>>,
    lines: Vec<LineJson>,
}

impl ForesightReport<'_> {
    fn ids(&self, keep: impl Fn(StateIndex) -> bool) -> Vec<usize> {
        (0..self.conflict.state_count() as StateIndex)
            .filter(|&s| keep(s))
            .map(|s| s as usize + 1)
            .collect()
    }

    fn per_dm(&self, keep: impl Fn(usize, StateIndex) -> bool) -> Vec<Vec<usize>> {
        (0..self.conflict.dm_count())
            .map(|d| self.ids(|s| keep(d, s)))
            .collect()
    }

    fn equilibria_at(&self, h: u32) -> Vec<usize> {
        let f = self.foresight;
        self.ids(|s| (0..f.dm_count()).all(|d| f.is_stable_at(h, d, s)))
    }

    /// Where the equilibria start repeating: from the latest start of the
    /// DMs' cycles, with the least common multiple of their periods; `None`
    /// if some DM's tables did not settle.
    fn equilibria_cycle(&self) -> Option<CycleJson> {
        let f = self.foresight;
        (0..f.dm_count()).try_fold(
            CycleJson {
                start: 1,
                period: 1,
            },
            |acc, d| {
                let c = f.cycle(d)?;
                Some(CycleJson {
                    start: acc.start.max(c.start),
                    period: lcm(acc.period, c.period),
                })
            },
        )
    }

    /// Horizons 1..=h grouped into runs with the same equilibria. Past the
    /// start of the tables' cycle the equilibria repeat, so only one full
    /// cycle is computed: if they are constant over it, the last run extends
    /// to h; otherwise the list stops and the repeat is returned.
    fn by_horizon(&self) -> (Vec<HorizonsJson>, Option<CycleJson>) {
        let horizon = self.foresight.horizon();
        let cycle = self
            .equilibria_cycle()
            .filter(|c| c.start.saturating_add(c.period - 1) < horizon);
        let last = cycle.as_ref().map_or(horizon, |c| c.start + c.period - 1);
        let sets: Vec<Vec<usize>> = (1..=last).map(|h| self.equilibria_at(h)).collect();
        let mut runs: Vec<HorizonsJson> = Vec::new();
        for (h, equilibria) in (1..).zip(&sets) {
            match runs.last_mut() {
                Some(run) if &run.equilibria == equilibria => run.to = h,
                _ => runs.push(HorizonsJson {
                    from: h,
                    to: h,
                    equilibria: equilibria.clone(),
                }),
            }
        }
        let Some(CycleJson { start, period }) = cycle else {
            return (runs, None);
        };
        // The shortest period of the equilibria themselves: it divides the tables' period.
        let at = |h: u32| &sets[(h - 1) as usize];
        let shortest = (1..=period)
            .filter(|p| period % p == 0)
            .find(|&p| {
                (start..start + period).all(|h| at(h) == at(start + (h - start + p) % period))
            })
            .unwrap_or(period);
        if shortest == 1 {
            runs.last_mut().expect("at least horizon 1").to = horizon;
            (runs, None)
        } else {
            (
                runs,
                Some(CycleJson {
                    start,
                    period: shortest,
                }),
            )
        }
    }

    fn line(&self, d: usize, s: StateIndex) -> LineJson {
        let (model, conflict, f) = (self.model, self.conflict, self.foresight);
        let steps = f.line_of_play(conflict, f.horizon(), d, s);
        LineJson {
            state: s as usize + 1,
            dm: model.decision_makers[d].name.clone(),
            stable: f.is_stable(d, s),
            ends_at: steps.last().map(|step| step.to as usize + 1),
            steps: steps
                .iter()
                .map(|&Step { mover, from, to }| StepJson {
                    mover: model.decision_makers[mover].name.clone(),
                    from: from as usize + 1,
                    to: to as usize + 1,
                    change: describe_change(model, conflict, from, to).to_string(),
                })
                .collect(),
        }
    }

    fn build(&self) -> Body {
        let (f, other) = (self.foresight, self.other);
        let dms = f.dm_count();
        let settled = (0..dms).all(|d| f.cycle(d).is_some());
        let nm = |d, s| f.non_myopic(d, s);
        let (by_horizon, by_horizon_repeats) = self.by_horizon();
        Body {
            dms: self
                .model
                .decision_makers
                .iter()
                .map(|d| d.name.clone())
                .collect(),
            stable: self.per_dm(|d, s| f.is_stable(d, s)),
            equilibria: self.equilibria_at(f.horizon()),
            cycles: (0..dms)
                .map(|d| {
                    f.cycle(d).map(|c| CycleJson {
                        start: c.start,
                        period: c.period,
                    })
                })
                .collect(),
            nm_stable: self.per_dm(|d, s| nm(d, s) == Some(NonMyopic::Stable)),
            nm_oscillating: self.per_dm(|d, s| nm(d, s) == Some(NonMyopic::Oscillating)),
            nm_equilibria: settled
                .then(|| self.ids(|s| (0..dms).all(|d| nm(d, s) == Some(NonMyopic::Stable)))),
            by_horizon,
            by_horizon_repeats,
            tie_dependent: self.per_dm(|d, s| f.is_stable(d, s) != other.is_stable(d, s)),
            tie_dependent_nm: self.per_dm(|d, s| nm(d, s) != other.non_myopic(d, s)),
            lines: self
                .lines_for
                .iter()
                .flat_map(|&s| (0..dms).map(move |d| (d, s)))
                .map(|(d, s)| self.line(d, s))
                .collect(),
        }
    }

    fn write_line(&self, line: &LineJson, item: &str, out: &mut dyn Write) -> io::Result<()> {
        let Some(end) = line.ends_at else {
            return writeln!(out, "{item}{}: stable, with no move to make.", line.dm);
        };
        let moves: Vec<String> = line
            .steps
            .iter()
            .map(|step| format!("{} to {} ({})", step.mover, step.to, step.change))
            .collect();
        let verdict = if line.stable {
            format!(
                "stable: its best move ends at {end}, no better for it than {}",
                line.state
            )
        } else {
            format!(
                "moves: it expects to end at {end}, which it prefers to {}",
                line.state
            )
        };
        writeln!(
            out,
            "{item}{}: {verdict}. Line: {}.",
            line.dm,
            moves.join(", then ")
        )
    }
}

impl Render for ForesightReport<'_> {
    fn kind(&self) -> &'static str {
        "foresight analyses"
    }

    fn formats(&self) -> &'static [Format] {
        &[Format::Table, Format::Markdown, Format::Json, Format::Csv]
    }

    fn text(&self, flavour: Flavour, out: &mut dyn Write) -> io::Result<()> {
        let body = self.build();
        let f = self.foresight;
        let h = f.horizon();
        let (heading, item) = (flavour.section(), flavour.item());
        // In Markdown a line right after a list would continue its last item.
        let gap = match flavour {
            Flavour::Terminal => "",
            Flavour::Markdown => "\n",
        };
        let width = body.dms.iter().map(|n| n.len()).max().unwrap_or(0) + 1;
        writeln!(
            out,
            "{}Limited-move stability L_{h} of {} ({} outlook)",
            flavour.title(),
            self.model.name,
            f.outlook().key()
        )?;
        writeln!(
            out,
            "\nEach DM looks {h} move{} ahead: its own move, then the others' answers,\n\
             each mover looking ahead over the moves left (docs/FORESIGHT.md).",
            if h == 1 { "" } else { "s" }
        )?;
        writeln!(out, "\n{heading}L_{h}-stable states")?;
        for (name, ids) in body.dms.iter().zip(&body.stable) {
            let label = padded(&format!("{name}:"), width);
            writeln!(out, "{item}{label} {}", compress_ids(ids.iter().copied()))?;
        }
        writeln!(
            out,
            "{gap}L_{h} equilibria: {}",
            compress_ids(body.equilibria.iter().copied())
        )?;

        writeln!(
            out,
            "\n{heading}Non-myopic stability (L_h for every large h)"
        )?;
        for (d, name) in body.dms.iter().enumerate() {
            let label = padded(&format!("{name}:"), width);
            match &body.cycles[d] {
                None => writeln!(
                    out,
                    "{item}{label} unknown: the anticipations did not settle within the foresight limit"
                )?,
                Some(cycle) => {
                    let oscillating = if body.nm_oscillating[d].is_empty() {
                        String::new()
                    } else {
                        format!(
                            "; stable only at some horizons: {}",
                            compress_ids(body.nm_oscillating[d].iter().copied())
                        )
                    };
                    writeln!(
                        out,
                        "{item}{label} {}{oscillating} (settled from horizon {}, period {})",
                        compress_ids(body.nm_stable[d].iter().copied()),
                        cycle.start,
                        cycle.period
                    )?
                }
            }
        }
        match &body.nm_equilibria {
            Some(ids) => writeln!(
                out,
                "{gap}NM equilibria: {}",
                compress_ids(ids.iter().copied())
            )?,
            None => writeln!(out, "{gap}NM equilibria: unknown")?,
        }

        writeln!(out, "\n{heading}Equilibria by horizon")?;
        for run in &body.by_horizon {
            let horizons = if run.from == run.to {
                format!("L_{}:", run.from)
            } else {
                format!("L_{}-{}:", run.from, run.to)
            };
            writeln!(
                out,
                "{item}{horizons:12} {}",
                compress_ids(run.equilibria.iter().copied())
            )?;
        }
        if let Some(c) = &body.by_horizon_repeats {
            writeln!(
                out,
                "{item}from L_{} on, these repeat every {} horizons",
                c.start, c.period
            )?;
        }

        writeln!(
            out,
            "\n{heading}Verdicts that depend on ties (differ under the {} outlook)",
            self.other.outlook().key()
        )?;
        let mut any = false;
        for (d, name) in body.dms.iter().enumerate() {
            for (what, ids) in [
                (format!("L_{h}"), &body.tie_dependent[d]),
                ("NM".to_string(), &body.tie_dependent_nm[d]),
            ] {
                if !ids.is_empty() {
                    any = true;
                    writeln!(
                        out,
                        "{item}{name}, {what}: {}",
                        compress_ids(ids.iter().copied())
                    )?;
                }
            }
        }
        if !any {
            writeln!(out, "{item}none: every verdict is the same either way")?;
        }

        for chunk in body.lines.chunk_by(|a, b| a.state == b.state) {
            let s = (chunk[0].state - 1) as StateIndex;
            writeln!(
                out,
                "\n{heading}Lines of play from state {} ({}), horizon {h}",
                chunk[0].state,
                describe_state(self.model, self.conflict, s)
            )?;
            for line in chunk {
                self.write_line(line, item, out)?;
            }
        }
        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        let body = self.build();
        let names = &body.dms;
        #[derive(Serialize)]
        struct LimitedJson<S> {
            stable: S,
            equilibria: Vec<usize>,
        }
        #[derive(Serialize)]
        struct NonMyopicJson<'a, C, S, O> {
            settled_at: C,
            stable: S,
            oscillating: O,
            equilibria: &'a Option<Vec<usize>>,
        }
        #[derive(Serialize)]
        struct TiesJson<L, N> {
            other_outlook: &'static str,
            limited_move: L,
            non_myopic: N,
        }
        #[derive(Serialize)]
        struct ForesightJson<'a, L, N, T> {
            schema: &'static str,
            model: &'a str,
            horizon: u32,
            outlook: &'static str,
            decision_makers: &'a [String],
            limited_move: L,
            non_myopic: N,
            by_horizon: &'a [HorizonsJson],
            by_horizon_repeats: &'a Option<CycleJson>,
            tie_dependent: T,
            lines_of_play: &'a [LineJson],
        }
        json_body(
            out,
            &ForesightJson {
                schema: FORESIGHT_SCHEMA,
                model: &self.model.name,
                horizon: self.foresight.horizon(),
                outlook: self.foresight.outlook().key(),
                decision_makers: &body.dms,
                limited_move: LimitedJson {
                    stable: by_dm(names, &body.stable),
                    equilibria: body.equilibria.clone(),
                },
                non_myopic: NonMyopicJson {
                    settled_at: LazyMap(|| names.iter().map(String::as_str).zip(&body.cycles)),
                    stable: by_dm(names, &body.nm_stable),
                    oscillating: by_dm(names, &body.nm_oscillating),
                    equilibria: &body.nm_equilibria,
                },
                by_horizon: &body.by_horizon,
                by_horizon_repeats: &body.by_horizon_repeats,
                tie_dependent: TiesJson {
                    other_outlook: self.other.outlook().key(),
                    limited_move: by_dm(names, &body.tie_dependent),
                    non_myopic: by_dm(names, &body.tie_dependent_nm),
                },
                lines_of_play: &body.lines,
            },
            self.conflict.state_count(),
        )
    }

    /// One row per state: its options, then per DM `L_h` and `NM` columns
    /// (1 stable, 0 not, `~` oscillating, empty if unknown), then the equilibria.
    fn csv(&self, out: &mut dyn Write) -> io::Result<()> {
        let (model, conflict, f) = (self.model, self.conflict, self.foresight);
        let mut out = BufWriter::with_capacity(1 << 16, out);
        let lh = format!("l{}", f.horizon());
        let mut header = header_start(model);
        for dm in &model.decision_makers {
            header.push(format!("{lh}_{}", dm.id));
            header.push(format!("nm_{}", dm.id));
        }
        header.push(format!("{lh}_equilibrium"));
        header.push("nm_equilibrium".to_string());
        writeln!(out, "{}", header.join(","))?;
        for s in 0..conflict.state_count() as StateIndex {
            write_row_start(&mut out, conflict, s)?;
            let mut nm_all = Some(true);
            for d in 0..f.dm_count() {
                let nm = match f.non_myopic(d, s) {
                    Some(NonMyopic::Stable) => "1",
                    Some(NonMyopic::Unstable) => "0",
                    Some(NonMyopic::Oscillating) => "~",
                    None => "",
                };
                nm_all = match (nm_all, f.non_myopic(d, s)) {
                    (Some(all), Some(v)) => Some(all && v == NonMyopic::Stable),
                    _ => None,
                };
                write!(out, ",{},{nm}", u8::from(f.is_stable(d, s)))?;
            }
            let equilibrium = (0..f.dm_count()).all(|d| f.is_stable(d, s));
            let nm_all = nm_all.map_or(String::new(), |all| u8::from(all).to_string());
            writeln!(out, ",{},{nm_all}", u8::from(equilibrium))?;
        }
        out.flush()
    }
}

/// State id lists keyed by DM name, in DM order.
fn by_dm<'a>(names: &'a [String], sets: &'a [Vec<usize>]) -> impl Serialize + 'a {
    LazyMap(move || names.iter().map(String::as_str).zip(sets))
}

fn lcm(a: u32, b: u32) -> u32 {
    let gcd = |mut x: u32, mut y: u32| {
        while y != 0 {
            (x, y) = (y, x % y);
        }
        x
    };
    (a / gcd(a, b)).saturating_mul(b)
}
