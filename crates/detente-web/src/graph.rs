//! A neighbourhood of the graph model for the page to draw: the states within a
//! few moves of a chosen state (or every state of a small model) and the moves
//! among them, each with its mover and whether the mover gains by it.

use crate::AppState;
use crate::api::{Body, concepts};
use crate::error::ApiError;
use crate::jobs::JobName;
use crate::lanes::Cost;
use crate::session::ModelInput;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use detente_engine::{Conflict, StateIndex};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};

#[derive(Deserialize)]
pub struct GraphRequest {
    #[serde(flatten)]
    input: ModelInput,
    concepts: Option<Vec<String>>,
    /// The state at the middle; the status quo (else state 1) when absent.
    center: Option<usize>,
    /// How many moves away from the centre states are included.
    #[serde(default = "default_radius")]
    radius: usize,
    /// Most states returned; the search stops there.
    #[serde(default = "default_max_nodes")]
    max_nodes: usize,
}

fn default_radius() -> usize {
    2
}

fn default_max_nodes() -> usize {
    60
}

const MAX_RADIUS: usize = 6;
const MAX_NODES: usize = 400;
/// Most moves returned; a model whose DMs have many options can have thousands among a few states.
const MAX_EDGES: usize = 5000;

#[derive(Serialize)]
struct Node {
    id: usize,
    yn: String,
    /// The options taken there, in words.
    description: String,
    /// Fewest moves from the centre.
    distance: usize,
    equilibrium: Vec<&'static str>,
    status_quo: bool,
}

#[derive(Serialize)]
struct Edge {
    from: usize,
    to: usize,
    /// Index of the DM who moves.
    dm: usize,
    /// The mover prefers where it ends up.
    improvement: bool,
}

/// The states within `radius` moves of `center` (by any DM), breadth first, at most `max_nodes`.
/// Returns them with their distances, and whether the search was cut short.
fn neighbourhood(
    conflict: &Conflict,
    center: StateIndex,
    radius: usize,
    max_nodes: usize,
) -> (Vec<(StateIndex, usize)>, bool) {
    let mut distance: HashMap<StateIndex, usize> = HashMap::from([(center, 0)]);
    let mut order = vec![(center, 0)];
    let mut queue = VecDeque::from([center]);
    let mut cut = false;
    while let Some(s) = queue.pop_front() {
        let d = distance[&s];
        if d == radius {
            continue;
        }
        for dm in 0..conflict.dm_count() {
            conflict.for_each_move(dm, s, |t| {
                if distance.contains_key(&t) {
                    return;
                }
                if order.len() >= max_nodes {
                    cut = true;
                    return;
                }
                distance.insert(t, d + 1);
                order.push((t, d + 1));
                queue.push_back(t);
            });
        }
    }
    (order, cut)
}

pub async fn graph(
    State(app): State<AppState>,
    name: JobName,
    body: Body<GraphRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.on_model(name, request.input, Cost::Analysis, move |_, session, work| {
        let conflict = &session.conflict;
        let space = conflict.space();
        let center = match request.center {
            Some(id) => session.state_number(id)?,
            None => conflict.status_quo().unwrap_or(0),
        };
        let chosen = concepts(request.concepts.as_deref(), conflict.state_count())?;
        let analysed = session.analysis(&chosen, work)?;
        let equilibria: Vec<_> = chosen
            .iter()
            .map(|&c| (c.key(), analysed.analysis.equilibria(c)))
            .collect();
        let (states, cut) = neighbourhood(
            conflict,
            center,
            request.radius.min(MAX_RADIUS),
            request.max_nodes.clamp(1, MAX_NODES),
        );
        let included: HashMap<StateIndex, ()> = states.iter().map(|&(s, _)| (s, ())).collect();
        let mut edges = Vec::new();
        let mut edges_cut = false;
        for &(s, _) in &states {
            for dm in 0..conflict.dm_count() {
                conflict.for_each_move(dm, s, |t| {
                    if !included.contains_key(&t) {
                        return;
                    }
                    if edges.len() >= MAX_EDGES {
                        edges_cut = true;
                        return;
                    }
                    edges.push(Edge {
                        from: space.id(s),
                        to: space.id(t),
                        dm,
                        improvement: conflict.rank(dm, t) > conflict.rank(dm, s),
                    });
                });
            }
        }
        let nodes: Vec<Node> = states
            .iter()
            .map(|&(s, distance)| Node {
                id: space.id(s),
                yn: space.yn(s),
                description: detente_report::describe_state(&session.loaded.model, conflict, s),
                distance,
                equilibrium: equilibria
                    .iter()
                    .filter(|(_, set)| set.contains(s as usize))
                    .map(|(key, _)| *key)
                    .collect(),
                status_quo: conflict.status_quo() == Some(s),
            })
            .collect();
        Ok(Json(serde_json::json!({
            "schema": "detente.graph/1",
            "center": space.id(center),
            "state_count": conflict.state_count(),
            "complete": !cut && nodes.len() == conflict.state_count(),
            "cut": cut,
            "edges_cut": edges_cut,
            "decision_makers": session.loaded.model.decision_makers.iter().map(|d| &d.name).collect::<Vec<_>>(),
            "nodes": nodes,
            "edges": edges,
        }))
        .into_response())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prisoners() -> Conflict {
        let example = detente_examples::find("prisoners").unwrap();
        detente_format::parse_toml(example.source, example.file_name)
            .unwrap()
            .compile(1 << 10)
            .unwrap()
    }

    #[test]
    fn states_within_a_radius_breadth_first() {
        let conflict = prisoners();
        // From NN (state 1) each prisoner can start cooperating: states 2 (YN) and 3 (NY).
        let (near, cut) = neighbourhood(&conflict, 0, 1, 10);
        assert_eq!(near, vec![(0, 0), (1, 1), (2, 1)]);
        assert!(!cut);
        let (all, cut) = neighbourhood(&conflict, 0, 2, 10);
        assert_eq!(all.len(), 4);
        assert_eq!(all[3], (3, 2));
        assert!(!cut);
    }

    #[test]
    fn the_search_stops_at_the_node_limit_and_says_so() {
        let (some, cut) = neighbourhood(&prisoners(), 0, 2, 2);
        assert_eq!(some.len(), 2);
        assert!(cut);
    }
}
