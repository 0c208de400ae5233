//! Criterion benchmarks of the engine on generated models (docs/PERFORMANCE.md).
//!
//! For each size: `compile` (state enumeration, move rules, preference ranks)
//! and `Analysis::run` for each concept on its own, all DMs. The `floor` group
//! times `Conflict::move_count` (every DM's moves enumerated once) on the
//! ~1M-state target model, the lower bound the concepts are compared with.
//!
//! The `options` group times models of about 2^20 states whose DMs each own
//! many options, with and without preferences (all states tied), against four
//! DMs of five options: Nash alone and the four concepts of the targets.
//!
//! Run: `cargo bench -p detente-engine --bench analysis` (about 4 minutes on
//! 2 cores); filter with e.g. `-- 'concept/gmr'` or `-- options/`.

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use detente_engine::NoDeadline;
use detente_engine::generate::{PreferenceKind, Shape, generate};
use detente_engine::{Analysis, Concept, Conflict, DEFAULT_MAX_STATES};
use std::hint::black_box;
use std::time::Duration;

/// One benchmarked model size and how long to spend on it.
struct Size {
    /// Label in benchmark ids, e.g. `2^16`.
    label: &'static str,
    shape: Shape,
    samples: usize,
    warm_up: Duration,
    measure: Duration,
    /// SIM is benchmarked only where it is cheap (about 6 s per run at 2^20).
    sim: bool,
}

/// Four DMs, 20% irreversible options, six prioritization statements per DM,
/// `rules` infeasibility rules of width 4 (each removes about 1/16 of the states).
fn shape(options_per_dm: usize, rules: usize, seed: u64) -> Shape {
    Shape {
        dms: 4,
        options_per_dm,
        rules,
        rule_width: 4,
        irreversible_percent: 20,
        preferences: PreferenceKind::Prioritization { statements: 6 },
        seed,
    }
}

/// The ~1M-state target of scripts/bench-targets.sh (model "b"): the same shape and seed.
fn target_1m() -> Shape {
    shape(5, 4, 2)
}

fn sizes() -> Vec<Size> {
    let ms = Duration::from_millis;
    vec![
        Size {
            label: "2^12",
            shape: shape(3, 2, 12),
            samples: 30,
            warm_up: ms(300),
            measure: ms(1000),
            sim: true,
        },
        Size {
            label: "2^16",
            shape: shape(4, 3, 16),
            samples: 15,
            warm_up: ms(300),
            measure: ms(1500),
            sim: true,
        },
        Size {
            label: "2^20",
            shape: target_1m(),
            samples: 10,
            warm_up: ms(200),
            measure: ms(2000),
            sim: false,
        },
    ]
}

fn compile(shape: &Shape) -> Conflict {
    Conflict::compile(&generate(shape), DEFAULT_MAX_STATES).expect("generated models compile")
}

/// A benchmark group with the size's sampling settings.
fn configured<'a>(
    c: &'a mut Criterion,
    name: String,
    size: &Size,
    states: usize,
) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(size.samples)
        .warm_up_time(size.warm_up)
        .measurement_time(size.measure)
        .throughput(Throughput::Elements(states as u64));
    group
}

fn bench_sizes(c: &mut Criterion) {
    for size in sizes() {
        let model = generate(&size.shape);
        let conflict = compile(&size.shape);
        let states = conflict.state_count();
        eprintln!(
            "model {}: {} DMs x {} options, {} rules, {} states, {} moves",
            size.label,
            size.shape.dms,
            size.shape.options_per_dm,
            size.shape.rules,
            states,
            conflict.move_count()
        );
        let id = format!("{} ({states} states)", size.label);

        let mut group = configured(c, "compile".to_string(), &size, states);
        group.bench_function(BenchmarkId::from_parameter(&id), |b| {
            b.iter(|| Conflict::compile(black_box(&model), DEFAULT_MAX_STATES).unwrap())
        });
        group.finish();

        for concept in Concept::ALL {
            if matches!(concept, Concept::Sim | Concept::SeqSim) && !size.sim {
                continue;
            }
            let mut group = configured(c, format!("concept/{}", concept.key()), &size, states);
            group.bench_function(BenchmarkId::from_parameter(&id), |b| {
                b.iter(|| {
                    Analysis::run(black_box(&conflict), &[concept], &NoDeadline, &|| {}).unwrap()
                })
            });
            group.finish();
        }
    }
}

/// The floor: enumerating every DM's moves from every state once, at ~1M states,
/// next to the four concepts of the targets run together as the CLI runs them.
fn bench_floor(c: &mut Criterion) {
    let conflict = compile(&target_1m());
    let states = conflict.state_count();
    let id = format!("2^20 ({states} states)");
    let mut group = million(c, "floor", states, Duration::from_secs(2));
    group.bench_function(BenchmarkId::new("move_count", &id), |b| {
        b.iter(|| black_box(&conflict).move_count())
    });
    group.bench_function(BenchmarkId::new("nash+gmr+smr+seq", &id), |b| {
        b.iter(|| {
            Analysis::run(black_box(&conflict), &TARGET_CONCEPTS, &NoDeadline, &|| {}).unwrap()
        })
    });
    group.finish();
}

/// The concepts of the performance targets, as the CLI runs them by default.
const TARGET_CONCEPTS: [Concept; 4] = [Concept::Nash, Concept::Gmr, Concept::Smr, Concept::Seq];

/// A group for models of a million states or more: ten samples, `measure` long.
fn million<'a>(
    c: &'a mut Criterion,
    name: &str,
    states: usize,
    measure: Duration,
) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(measure)
        .throughput(Throughput::Elements(states as u64));
    group
}

/// Many options per DM: `dms` × `options_per_dm`, no rules or irreversible
/// options, and no preference statements (every state tied) unless `statements`.
fn many_options(dms: usize, options_per_dm: usize, statements: usize) -> Shape {
    Shape {
        dms,
        options_per_dm,
        rules: 0,
        rule_width: 4,
        irreversible_percent: 0,
        preferences: PreferenceKind::Prioritization { statements },
        seed: 7,
    }
}

fn bench_many_options(c: &mut Criterion) {
    let models = [
        ("2x10 tied", many_options(2, 10, 0)),
        ("2x10 six statements", many_options(2, 10, 6)),
        ("2x11 tied", many_options(2, 11, 0)),
        ("4x5 tied", many_options(4, 5, 0)),
    ];
    for (label, shape) in models {
        let conflict = compile(&shape);
        let states = conflict.state_count();
        let mut group = million(c, "options", states, Duration::from_secs(3));
        let id = format!("{label} ({states} states)");
        group.bench_function(BenchmarkId::new("nash", &id), |b| {
            b.iter(|| {
                Analysis::run(black_box(&conflict), &[Concept::Nash], &NoDeadline, &|| {}).unwrap()
            })
        });
        group.bench_function(BenchmarkId::new("nash+gmr+smr+seq", &id), |b| {
            b.iter(|| {
                Analysis::run(black_box(&conflict), &TARGET_CONCEPTS, &NoDeadline, &|| {}).unwrap()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench_sizes, bench_floor, bench_many_options);
criterion_main!(benches);
