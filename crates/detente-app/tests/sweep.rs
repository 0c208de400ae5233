//! Changed models and sweeps of preference profiles, as the Python package asks for them.

use detente_app::{
    AppError, Limit, Limits, Prepared, Source, SweepMethod, SweepProfiles, SweepRequest,
    position_in, robustness_settings,
};
use detente_engine::Concept;
use serde_json::{Value, json};

fn nrc() -> Prepared {
    let limits = Limits::command_line();
    detente_app::prepare(&Source::Example(None), &limits, &limits.start()).unwrap()
}

fn equilibria(prepared: &Prepared, concepts: &[Concept]) -> Vec<Vec<usize>> {
    let analysis = prepared
        .analysis(concepts, &Limits::command_line().start(), &|| {})
        .unwrap();
    concepts
        .iter()
        .map(|&c| analysis.equilibria(c).ones().collect())
        .collect()
}

fn changed(prepared: &Prepared, positions: &[(&str, Value)]) -> Result<Prepared, AppError> {
    let positions: Vec<(String, Value)> = positions
        .iter()
        .map(|(dm, p)| (dm.to_string(), p.clone()))
        .collect();
    let limits = Limits::command_line();
    prepared.with_preferences(&positions, &limits, &limits.start())
}

/// The error of a change that must be refused.
fn refused(prepared: &Prepared, positions: &[(&str, Value)]) -> AppError {
    match changed(prepared, positions) {
        Ok(_) => panic!("the change {positions:?} was accepted"),
        Err(e) => e,
    }
}

fn request(profiles: SweepProfiles, vary: Option<&[&str]>) -> SweepRequest {
    SweepRequest {
        profiles,
        vary: vary.map(|v| v.iter().map(|s| s.to_string()).collect()),
        concepts: vec![Concept::Nash, Concept::Gmr, Concept::Seq],
        range: None,
    }
}

const CONCEPTS: [Concept; 3] = [Concept::Nash, Concept::Gmr, Concept::Seq];

#[test]
fn a_decision_maker_given_its_own_preferences_changes_nothing() {
    let model = nrc();
    let form = model.form().unwrap();
    let own = position_in(&form, "russia").unwrap();
    let same = changed(&model, &[("Russia", own)]).unwrap();
    assert_eq!(same.model().decision_makers, model.model().decision_makers);
    assert_eq!(equilibria(&same, &CONCEPTS), equilibria(&model, &CONCEPTS));
}

#[test]
fn new_preferences_are_read_as_a_model_file_reads_them() {
    let model = nrc();
    // As in a model file, a statement is a table or, without a description, a bare string.
    let bare = json!({"preferences": ["ru_ceasefire", "!us_new_sanctions"]});
    let position =
        json!({"preferences": [{"statement": "ru_ceasefire"}, {"statement": "!us_new_sanctions"}]});
    let peaceful = changed(&model, &[("russia", position)]).unwrap();
    let also = changed(&model, &[("russia", bare)]).unwrap();
    assert_eq!(
        also.model().decision_makers,
        peaceful.model().decision_makers
    );
    let russia = &peaceful.model().decision_makers[1];
    assert_eq!(russia.id, "russia");
    assert!(
        russia.uncertain.is_empty(),
        "the new preferences declare no uncertainty"
    );
    assert_ne!(
        equilibria(&peaceful, &CONCEPTS),
        equilibria(&model, &CONCEPTS)
    );

    let unknown = json!({"preferences": [{"statement": "no_such_option"}]});
    let AppError::Model(located) = refused(&model, &[("russia", unknown)]) else {
        panic!("an unknown option is the model's error")
    };
    assert!(located.message().contains("no_such_option"), "{located}");

    let AppError::Invalid { message, help } =
        refused(&model, &[("atlantis", json!({"ranking": []}))])
    else {
        panic!("an unknown decision maker is an invalid request")
    };
    assert!(message.contains("atlantis"), "{message}");
    assert!(help.unwrap().contains("Russia"));
    assert!(changed(&model, &[("russia", json!({}))]).is_err());
}

#[test]
fn the_status_quo_can_be_moved_and_removed() {
    let model = nrc();
    let limits = Limits::command_line();
    let package = model.state("proposed package").unwrap();
    let moved = model
        .with_status_quo(Some(package), &limits, &limits.start())
        .unwrap();
    assert_eq!(moved.conflict.status_quo(), Some(package));
    assert_eq!(moved.conflict.state_count(), model.conflict.state_count());
    let none = model
        .with_status_quo(None, &limits, &limits.start())
        .unwrap();
    assert_eq!(none.conflict.status_quo(), None);
}

#[test]
fn every_profile_of_the_nrc_model_agrees_with_robustness() {
    let model = nrc();
    let limits = Limits::command_line();
    let answer = model
        .sweep(
            &request(SweepProfiles::Every, None),
            &limits,
            &limits.start(),
        )
        .unwrap();
    assert_eq!(answer.method, SweepMethod::Exact);
    assert_eq!(answer.count, 192);
    assert_eq!(answer.outcomes.len(), 192);
    assert_eq!(answer.elements.len(), 4);
    let counted = model
        .robustness(
            &robustness_settings(CONCEPTS.to_vec(), None, None, None),
            &limits.start(),
            &|| {},
        )
        .unwrap();
    for (c, &concept) in answer.concepts.iter().enumerate() {
        for s in 0..model.conflict.state_count() {
            let held = answer
                .outcomes
                .iter()
                .filter(|o| o.equilibria[c].contains(&s))
                .count();
            assert_eq!(held as u32, counted.equilibrium_count(concept, s));
        }
    }
}

#[test]
fn only_the_named_decision_makers_vary_and_ranges_split_a_sweep() {
    let model = nrc();
    let limits = Limits::command_line();
    let whole = model
        .sweep(
            &request(SweepProfiles::Every, Some(&["NATO allies", "russia"])),
            &limits,
            &limits.start(),
        )
        .unwrap();
    // Russia's element may take 4 positions, the allies' 3.
    assert_eq!(whole.count, 12);
    let dms: Vec<usize> = whole.elements.iter().map(|e| e.dm).collect();
    assert_eq!(dms, vec![1, 3]);
    let mut pieces = Vec::new();
    for range in [0..5, 5..12] {
        let piece = SweepRequest {
            range: Some(range),
            ..request(SweepProfiles::Every, Some(&["allies", "russia"]))
        };
        pieces.extend(
            model
                .sweep(&piece, &limits, &limits.start())
                .unwrap()
                .outcomes,
        );
    }
    assert_eq!(pieces, whole.outcomes);
    let beyond = SweepRequest {
        range: Some(10..13),
        ..request(SweepProfiles::Every, Some(&["allies", "russia"]))
    };
    let AppError::Invalid { message, .. } =
        model.sweep(&beyond, &limits, &limits.start()).unwrap_err()
    else {
        panic!("a range past the end is an invalid request")
    };
    assert_eq!(
        message,
        "profiles 11 to 13 were asked for, but there are only 12"
    );
}

#[test]
fn a_sample_is_drawn_from_its_seed() {
    let model = nrc();
    let limits = Limits::command_line();
    let sample = |seed| {
        model
            .sweep(
                &request(SweepProfiles::Sample { count: 20, seed }, None),
                &limits,
                &limits.start(),
            )
            .unwrap()
    };
    let (a, b, c) = (sample(3), sample(3), sample(4));
    assert_eq!(a.method, SweepMethod::Sampled { seed: 3 });
    assert_eq!(a.outcomes, b.outcomes);
    assert_ne!(
        a.outcomes.iter().map(|o| &o.positions).collect::<Vec<_>>(),
        c.outcomes.iter().map(|o| &o.positions).collect::<Vec<_>>()
    );
    let over = request(
        SweepProfiles::Sample {
            count: 2_000_000,
            seed: 1,
        },
        None,
    );
    assert!(matches!(
        model.sweep(&over, &limits, &limits.start()),
        Err(AppError::OverLimit {
            limit: Limit::Profiles,
            ..
        })
    ));
}

#[test]
fn listed_profiles_are_the_model_with_their_preferences() {
    let model = nrc();
    let limits = Limits::command_line();
    let peaceful = json!({"preferences": [{"statement": "ru_ceasefire"}]});
    let listed = vec![
        vec![],
        vec![("russia".to_string(), peaceful.clone())],
        vec![(
            "russia".to_string(),
            json!({"preferences": [{"statement": "nope"}]}),
        )],
    ];
    let error = model
        .sweep(
            &request(SweepProfiles::Listed(listed.clone()), None),
            &limits,
            &limits.start(),
        )
        .unwrap_err();
    let AppError::Invalid { message, .. } = error else {
        panic!("a listed profile's error is an invalid request")
    };
    assert!(message.starts_with("profile 3: at "), "{message}");
    assert!(message.contains("nope"), "{message}");

    let answer = model
        .sweep(
            &request(SweepProfiles::Listed(listed[..2].to_vec()), None),
            &limits,
            &limits.start(),
        )
        .unwrap();
    assert_eq!(answer.method, SweepMethod::Listed);
    assert_eq!(answer.count, 2);
    assert_eq!(answer.outcomes[0].equilibria, equilibria(&model, &CONCEPTS));
    let expected = changed(&model, &[("russia", peaceful)]).unwrap();
    assert_eq!(
        answer.outcomes[1].equilibria,
        equilibria(&expected, &CONCEPTS)
    );
    assert!(answer.elements.is_empty() && answer.outcomes[1].positions.is_empty());
}

#[test]
fn an_empty_sample_is_refused_with_what_to_do() {
    let model = nrc();
    let limits = Limits::command_line();
    let empty = request(SweepProfiles::Sample { count: 0, seed: 1 }, None);
    let AppError::Invalid { message, help } =
        model.sweep(&empty, &limits, &limits.start()).unwrap_err()
    else {
        panic!("an empty sample is an invalid request")
    };
    assert_eq!(message, "a sample needs at least one profile");
    assert!(help.unwrap().contains("every one"));
}
