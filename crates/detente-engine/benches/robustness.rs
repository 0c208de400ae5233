//! Criterion benchmark of `Robustness::run`: every profile of a generated model
//! with uncertain preferences, against one `Analysis::run` of the same model, so
//! that the cost per profile beyond its analysis can be read off.
//!
//! Run: `cargo bench -p detente-engine --bench robustness` (about a minute).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use detente_engine::NoDeadline;
use detente_engine::generate::{PreferenceKind, Shape, generate};
use detente_engine::robustness::{Robustness, Settings, profile_count};
use detente_engine::{Analysis, Concept, Conflict, DEFAULT_MAX_STATES, Uncertain};
use std::hint::black_box;
use std::time::Duration;

fn bench_robustness(c: &mut Criterion) {
    let mut model = generate(&Shape {
        dms: 4,
        options_per_dm: 3,
        rules: 2,
        rule_width: 4,
        irreversible_percent: 20,
        preferences: PreferenceKind::Prioritization { statements: 6 },
        seed: 12,
    });
    // Each DM's second statement may rank anywhere from 1st to 3rd: 3^4 = 81 profiles.
    for dm in &mut model.decision_makers {
        dm.uncertain = vec![Uncertain {
            element: 1,
            positions: 0..=2,
        }];
    }
    let conflict = Conflict::compile(&model, DEFAULT_MAX_STATES).expect("generated models compile");
    let concepts = [Concept::Nash, Concept::Gmr, Concept::Seq];
    let profiles = profile_count(&model).expect("few profiles");
    let id = format!("{} states, {profiles} profiles", conflict.state_count());
    let mut group = c.benchmark_group("robustness");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(3));
    group.bench_function(BenchmarkId::new("one analysis", &id), |b| {
        b.iter(|| Analysis::run(black_box(&conflict), &concepts, &NoDeadline, &|| {}).unwrap())
    });
    let settings = Settings::new(&concepts);
    group.bench_function(BenchmarkId::new("all profiles", &id), |b| {
        b.iter(|| {
            Robustness::run(black_box(&model), &conflict, &settings, &NoDeadline, &|| {}).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench_robustness);
criterion_main!(benches);
