//! The application layer's interpretation of requests, as every front end sees it.

use detente_app::{
    AppError, Cancel, CoalitionChoice, ConceptChoice, ExplainRequest, INVERSE_SHOWN_COMPARISONS,
    InverseRequest, Limit, Limits, ModelFormat, Prepared, Source, Timer, robustness_settings,
};
use detente_engine::generate::{PreferenceKind, Shape};
use detente_engine::inverse::Conditions;
use detente_engine::inverse::Inverse;
use detente_engine::{Concept, NoDeadline, foresight::Outlook};
use std::time::{Duration, Instant};

fn example(name: &str) -> Prepared {
    detente_app::prepare(
        &Source::Example(Some(name.into())),
        &Limits::command_line(),
        &unbounded(),
    )
    .unwrap()
}

/// The command line's timer: no time limit.
fn unbounded() -> Timer {
    Limits::command_line().start()
}

/// A timer whose limit of `time` is running.
fn within(time: Duration) -> Timer {
    Limits {
        time: Some(time),
        ..Limits::command_line()
    }
    .start()
}

/// The limit an error is over, if any.
fn over_time(error: AppError) -> u64 {
    match error {
        AppError::OverLimit {
            limit: Limit::Time { seconds },
            message,
        } => {
            assert!(message.contains("time limit"), "{message}");
            seconds
        }
        other => panic!("expected the time limit, got {other:?}"),
    }
}

fn invalid(error: AppError) -> (String, Option<String>) {
    match error {
        AppError::Invalid { message, help } => (message, help),
        other => panic!("expected an invalid request, got {other:?}"),
    }
}

#[test]
fn states_are_found_by_number_pattern_name_and_status_quo() {
    let nrc = example("nrc");
    let package = nrc.state("proposed package").unwrap();
    assert_eq!(nrc.state(&(package + 1).to_string()).unwrap(), package);
    let yn = nrc.conflict.space().yn(package);
    assert_eq!(nrc.state(&yn).unwrap(), package);
    assert_eq!(nrc.state("SQ").unwrap(), nrc.conflict.status_quo().unwrap());
    let (message, help) = invalid(nrc.state("0").unwrap_err());
    assert_eq!(message, "there is no state 0");
    assert_eq!(help.unwrap(), "states are numbered 1 to 960");
    let (message, help) = invalid(nrc.state("nowhere").unwrap_err());
    assert_eq!(message, "no state called `nowhere`");
    assert!(help.unwrap().contains("\"Proposed package\""));
}

#[test]
fn decision_makers_are_found_by_id_or_name_and_listed_when_unknown() {
    let nrc = example("nrc");
    let us = nrc.dm("United States").unwrap();
    assert_eq!(nrc.dm("us").unwrap(), us);
    assert_eq!(nrc.dm(" united states ").unwrap(), us);
    assert_eq!(nrc.dms(Some(&["us", "United States"])).unwrap(), vec![us]);
    assert_eq!(nrc.dms::<&str>(None).unwrap().len(), 4);
    let (message, help) = invalid(nrc.dm("nobody").unwrap_err());
    assert_eq!(message, "no decision maker called `nobody`");
    assert!(help.unwrap().starts_with("decision makers: United States"));
}

#[test]
fn concepts_default_by_size_and_keys_are_checked() {
    let all = ConceptChoice::new(None, 480).unwrap();
    assert_eq!(all.concepts, Concept::ALL);
    assert!(!all.sim_left_out);
    let large = ConceptChoice::new(None, 200_000).unwrap();
    assert!(large.sim_left_out);
    assert!(!large.concepts.contains(&Concept::Sim));
    let asked = ConceptChoice::new(Some(&[Concept::Seq, Concept::Nash, Concept::Seq]), 1).unwrap();
    assert_eq!(asked.concepts, [Concept::Nash, Concept::Seq]);
    assert!(ConceptChoice::new(Some(&[]), 1).is_err());
    assert_eq!(
        detente_app::concepts_by_key(&["seq", "nash"]).unwrap(),
        [Concept::Nash, Concept::Seq]
    );
    let (message, _) = invalid(detente_app::concepts_by_key(&["nah"]).unwrap_err());
    assert_eq!(message, "no solution concept called `nah`");
}

#[test]
fn coalitions_need_two_members() {
    let nrc = example("nrc");
    let listed = nrc.coalitions(&CoalitionChoice::Listed).unwrap();
    assert_eq!(listed.len(), nrc.model().coalitions.len());
    assert_eq!(nrc.coalitions(&CoalitionChoice::All).unwrap().len(), 11);
    let named = CoalitionChoice::Named(vec![vec!["russia".into(), "us".into()]]);
    assert_eq!(nrc.coalitions(&named).unwrap()[0].len(), 2);
    let alone = CoalitionChoice::Named(vec![vec!["us".into(), "United States".into()]]);
    let (message, _) = invalid(nrc.coalitions(&alone).unwrap_err());
    assert!(message.contains("two or more decision makers"), "{message}");
}

#[test]
fn a_model_over_the_state_limit_names_the_limit_not_a_flag() {
    let limits = Limits {
        max_states: 100,
        ..Limits::command_line()
    };
    let Err(AppError::OverLimit { limit, message }) =
        detente_app::prepare(&Source::Example(None), &limits, &unbounded())
    else {
        panic!("NRC has 960 states");
    };
    assert_eq!(limit, Limit::States { max: 100 });
    assert!(
        message.contains("more than 100 feasible states"),
        "{message}"
    );
    assert!(!message.contains("--"), "{message}");
    assert!(detente_app::max_states(0).is_err());
    assert!(detente_app::max_states(detente_app::HARD_MAX_STATES + 1).is_err());
}

#[test]
fn unknown_examples_and_missing_files_are_explained() {
    let limits = Limits::command_line();
    let (message, help) =
        invalid(detente_app::load(&Source::Example(Some("atlantis".into())), &limits).unwrap_err());
    assert_eq!(message, "no built-in model called `atlantis`");
    assert!(help.unwrap().contains("nrc"));
    let (message, _) = invalid(
        detente_app::load(&Source::File("/no/such/model.toml".into()), &limits).unwrap_err(),
    );
    assert!(message.starts_with("cannot read `/no/such/model.toml`"));
    let broken = Source::Text {
        text: "format = \"detente/1\"\n[[dm]]\nid = 3\n".into(),
        name: "broken.toml".into(),
    };
    match detente_app::load(&broken, &limits).unwrap_err() {
        AppError::Model(located) => assert_eq!(located.file_name(), "broken.toml"),
        other => panic!("expected a located error, got {other:?}"),
    }
}

#[test]
fn explanations_cover_every_concept_unless_told() {
    let cuban = example("cuban");
    let explained = cuban
        .explain(0, &ExplainRequest::default(), &unbounded())
        .unwrap();
    assert_eq!(explained.concepts, Concept::ALL);
    assert_eq!(explained.dms, [0, 1]);
    assert!(explained.why.iter().all(|w| w.len() == Concept::ALL.len()));
}

#[test]
fn foresight_checks_its_horizon() {
    let chicken = example("chicken");
    let (message, _) = invalid(
        chicken
            .foresight(0, Outlook::Cautious, &unbounded())
            .unwrap_err(),
    );
    assert_eq!(message, "a horizon of 0 is out of range");
    let (cautious, hopeful) = chicken
        .foresight(2, Outlook::Cautious, &unbounded())
        .unwrap();
    assert_eq!(cautious.horizon(), 2);
    assert_eq!(hopeful.horizon(), 2);
}

#[test]
fn inverse_answers_each_concept_as_the_engine_does() {
    let chicken = example("chicken");
    let request = InverseRequest {
        target: 0,
        vary: None,
        concepts: Some(vec![Concept::Seq, Concept::Nash]),
        count: true,
        sample: Some(2),
        seed: 9,
        full: false,
    };
    let answer = chicken.inverse(&request, &unbounded()).unwrap();
    assert_eq!(answer.varied, [0, 1]);
    let question = Inverse::new(&chicken.conflict, 0, &[0, 1]);
    assert_eq!(answer.answers.len(), 2);
    for a in &answer.answers {
        let conditions = question.conditions(a.concept, &NoDeadline).unwrap();
        assert_eq!(a.conditions.as_ref().unwrap(), &conditions);
        assert_eq!(
            a.count.as_ref().unwrap(),
            &question.count(a.concept, &conditions, &NoDeadline)
        );
        assert_eq!(
            a.samples.as_ref().unwrap(),
            &question.sample(a.concept, &conditions, 2, 9, &NoDeadline)
        );
    }
    let unasked = chicken
        .inverse(
            &InverseRequest {
                count: false,
                sample: None,
                ..request.clone()
            },
            &unbounded(),
        )
        .unwrap();
    assert!(
        unasked
            .answers
            .iter()
            .all(|a| a.count.is_none() && a.samples.is_none())
    );
    let sim = InverseRequest {
        concepts: Some(vec![Concept::Sim]),
        ..request.clone()
    };
    let (message, help) = invalid(chicken.inverse(&sim, &unbounded()).unwrap_err());
    assert_eq!(message, "inverse analysis does not cover SIM");
    assert_eq!(help.unwrap(), "choose among nash, gmr, smr and seq");
    let too_many = InverseRequest {
        sample: Some(0),
        ..request
    };
    assert!(chicken.inverse(&too_many, &unbounded()).is_err());
}

/// Every request on `nrc` that polls a timer, each given a new timer by `up`: their errors.
fn every_request(nrc: &Prepared, up: impl Fn() -> Timer) -> [AppError; 10] {
    [
        nrc.analysis(&Concept::ALL, &up(), &|| {}).map(drop),
        nrc.explain(0, &ExplainRequest::default(), &up()).map(drop),
        nrc.evolve(None, None, &up()).map(drop),
        nrc.coalitional(Concept::Seq, &CoalitionChoice::All, &up())
            .map(drop),
        nrc.foresight(2, Outlook::Cautious, &up()).map(drop),
        nrc.robustness(
            &robustness_settings(vec![Concept::Nash], None, None, None),
            &up(),
            &|| {},
        )
        .map(drop),
        nrc.inverse(
            &InverseRequest {
                target: 0,
                vary: None,
                concepts: None,
                count: true,
                sample: Some(1),
                seed: 1,
                full: false,
            },
            &up(),
        )
        .map(drop),
        // Compiling, for a request or to number the states of a .gmcr file.
        detente_app::prepare(&Source::Example(None), &Limits::command_line(), &up()).map(drop),
        detente_app::convert(
            nrc.loaded.clone(),
            ModelFormat::Gmcr,
            &Limits::command_line(),
            &up(),
        )
        .map(drop),
        detente_app::check_sources(nrc.model(), &[], &up()).map(drop),
    ]
    .map(Result::unwrap_err)
}

#[test]
fn every_request_stops_at_its_time_limit() {
    let nrc = example("nrc");
    let seconds = every_request(&nrc, || within(Duration::ZERO)).map(over_time);
    assert_eq!(seconds, [0; 10]);
    // A part of a second counts as a whole one: the limits are named in seconds.
    let short = nrc.analysis(&[Concept::Nash], &within(Duration::from_nanos(1)), &|| {});
    assert_eq!(over_time(short.unwrap_err()), 1);
}

#[test]
fn a_long_analysis_stops_soon_after_its_time_is_up() {
    let nrc = example("nrc");
    // A million sampled profiles take minutes; a tenth of a second is allowed.
    let settings = robustness_settings(Concept::ALL.to_vec(), Some(0), Some(1_000_000), None);
    let started = Instant::now();
    let result = nrc.robustness(&settings, &within(Duration::from_millis(100)), &|| {});
    assert_eq!(over_time(result.unwrap_err()), 1);
    // Generous, so that a loaded machine does not fail it: the work itself is minutes.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn every_request_stops_when_cancelled_and_says_so() {
    let nrc = example("nrc");
    let cancel = Cancel::new();
    cancel.cancel();
    for error in every_request(&nrc, || unbounded().cancelled_by(&cancel)) {
        assert!(matches!(error, AppError::Cancelled), "{error:?}");
        assert_eq!(
            error.to_string(),
            "the work was cancelled before it was done"
        );
    }
    // A timer without the switch, or with another one, runs on.
    let other = Cancel::new();
    assert!(
        nrc.analysis(&[Concept::Nash], &unbounded().cancelled_by(&other), &|| {})
            .is_ok()
    );
}

#[test]
fn a_long_analysis_stops_when_cancelled_from_another_thread() {
    let nrc = example("nrc");
    // A million sampled profiles take minutes: only the cancellation ends it early.
    let settings = robustness_settings(Concept::ALL.to_vec(), Some(0), Some(1_000_000), None);
    let cancel = Cancel::new();
    let canceller = cancel.clone();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let result = std::thread::scope(|scope| {
        scope.spawn(|| {
            while done.load(std::sync::atomic::Ordering::Relaxed) == 0 {
                std::thread::sleep(Duration::from_millis(5));
            }
            canceller.cancel();
        });
        nrc.robustness(&settings, &unbounded().cancelled_by(&cancel), &|| {
            done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        })
    });
    assert!(matches!(result, Err(AppError::Cancelled)), "{result:?}");
}

/// Comparisons per DM (the DM compared, or deterred) and in all.
fn comparisons(conditions: &Conditions) -> (Vec<usize>, usize) {
    let Conditions::When {
        required,
        requirements,
    } = conditions
    else {
        return (Vec::new(), 0);
    };
    let mut per_dm = vec![0; 2];
    for c in required {
        per_dm[c.dm] += 1;
    }
    for r in requirements {
        per_dm[r.dm] += r.alternatives.iter().map(Vec::len).sum::<usize>();
    }
    let all = per_dm.iter().sum();
    (per_dm, all)
}

#[test]
fn long_inverse_conditions_are_summarised_unless_all_are_asked_for() {
    let model = detente_app::generate(&Shape {
        dms: 2,
        options_per_dm: 5,
        rules: 0,
        rule_width: 2,
        irreversible_percent: 0,
        preferences: PreferenceKind::Prioritization { statements: 4 },
        seed: 3,
    })
    .unwrap();
    let source = Source::Text {
        text: detente_format::to_toml(&model),
        name: "long.toml".into(),
    };
    let long = detente_app::prepare(&source, &Limits::command_line(), &unbounded()).unwrap();
    let request = InverseRequest {
        target: 0,
        vary: None,
        concepts: Some(vec![Concept::Gmr]),
        count: false,
        sample: None,
        seed: 1,
        full: true,
    };
    let full = long.inverse(&request, &unbounded()).unwrap();
    let summary = long
        .inverse(
            &InverseRequest {
                full: false,
                ..request
            },
            &unbounded(),
        )
        .unwrap();
    let (full, summary) = (&full.answers[0], &summary.answers[0]);
    assert!(full.omitted.is_nothing());
    let (_, all) = comparisons(full.conditions.as_ref().unwrap());
    let (per_dm, listed) = comparisons(summary.conditions.as_ref().unwrap());
    assert!(all > 2 * INVERSE_SHOWN_COMPARISONS, "{all} comparisons");
    assert!(
        per_dm.iter().all(|&n| n <= INVERSE_SHOWN_COMPARISONS),
        "{per_dm:?}"
    );
    assert!(summary.omitted.requirements > 0);
    assert_eq!(listed + summary.omitted.comparisons, all);
}

#[test]
fn conversion_tells_the_format_by_extension_and_says_what_gmcr_drops() {
    assert_eq!(
        ModelFormat::of_file_name("a.TOML").unwrap(),
        ModelFormat::Toml
    );
    assert_eq!(
        ModelFormat::of_file_name("a.json").unwrap(),
        ModelFormat::Gmcr
    );
    let (message, _) = invalid(ModelFormat::of_file_name("a.txt").unwrap_err());
    assert_eq!(message, "cannot tell the output format of `a.txt`");
    let limits = Limits::command_line();
    let nrc = detente_app::load(&Source::Example(None), &limits).unwrap();
    let gmcr = detente_app::convert(nrc.clone(), ModelFormat::Gmcr, &limits, &unbounded()).unwrap();
    assert!(
        gmcr.dropped_uncertainty,
        "the NRC model has priority ranges"
    );
    assert!(gmcr.dropped_states, "the NRC model has a status quo");
    let toml = detente_app::convert(nrc.clone(), ModelFormat::Toml, &limits, &unbounded()).unwrap();
    assert!(!toml.dropped_uncertainty && !toml.dropped_states);
    let again = detente_format::parse_toml(&toml.text, "again.toml").unwrap();
    assert_eq!(again.model, nrc.model);
    assert_eq!(
        detente_app::file_stem(&nrc.model),
        "reviving-the-nato-russia-council-for-a-ukraine-ceasefire--may-2025"
    );
}

#[test]
fn generation_refuses_shapes_it_cannot_hold() {
    let shape = Shape {
        dms: 8,
        options_per_dm: 8,
        rules: 0,
        rule_width: 2,
        irreversible_percent: 0,
        preferences: PreferenceKind::Prioritization { statements: 500 },
        seed: 1,
    };
    let (message, _) = invalid(detente_app::generate(&shape).unwrap_err());
    assert!(message.contains("64 options"), "{message}");
    let ranking = Shape {
        dms: 3,
        options_per_dm: 6,
        preferences: PreferenceKind::Ranking { tiers: 4 },
        ..shape
    };
    assert!(detente_app::generate(&ranking).is_err());
    let fine = Shape {
        dms: 2,
        options_per_dm: 3,
        ..shape
    };
    let model = detente_app::generate(&fine).unwrap();
    assert_eq!(model.option_count(), 6);
}
