//! Criterion benchmarks of limited-move and non-myopic stability
//! (`Foresight::run`, which builds the anticipation tables of every DM until
//! they repeat) on generated models of four DMs.
//!
//! Run: `cargo bench -p detente-engine --bench foresight`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use detente_engine::Conflict;
use detente_engine::NoDeadline;
use detente_engine::foresight::{Foresight, Outlook};
use detente_engine::generate::{PreferenceKind, Shape, generate};
use std::hint::black_box;
use std::time::Duration;

fn foresight(c: &mut Criterion) {
    let mut group = c.benchmark_group("foresight");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    for (label, options_per_dm) in [("2^8", 2), ("2^12", 3)] {
        let shape = Shape {
            dms: 4,
            options_per_dm,
            rules: 0,
            rule_width: 4,
            irreversible_percent: 20,
            preferences: PreferenceKind::Prioritization { statements: 6 },
            seed: 1,
        };
        let conflict = Conflict::compile(&generate(&shape), 1 << 20).expect("generated model");
        group.throughput(Throughput::Elements(conflict.state_count() as u64));
        group.bench_with_input(
            BenchmarkId::new("run_h3", label),
            &conflict,
            |b, conflict| {
                b.iter(|| {
                    black_box(
                        Foresight::run(conflict, 3, Outlook::Cautious, &NoDeadline).expect("fits"),
                    )
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, foresight);
criterion_main!(benches);
