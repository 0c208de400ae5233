//! `detente council demo`: the NRC council with an account for every role, each
//! delegation's position taken from the model's preferences and the proposed package
//! tabled, so that a newcomer can try every role at once.

use crate::council::{Disclosure, Role};
use crate::db::Db;
use crate::error::{CouncilError, Result};
use crate::proposals::Tabling;
use detente_app::Source;
use serde::Serialize;

/// The password of every demo account: printed by the command, never for real use.
pub const DEMO_PASSWORD: &str = "demo-password";

/// One demo account.
#[derive(Debug, Clone, Serialize)]
pub struct DemoAccount {
    pub name: String,
    pub role: Role,
    pub delegation: Option<String>,
}

/// What the demo made.
#[derive(Debug, Clone, Serialize)]
pub struct Demo {
    pub council: i64,
    pub accounts: Vec<DemoAccount>,
}

impl Db {
    /// Seeds a council from `model` (named `name`) with demo accounts: `secretariat`,
    /// `mediator`, `observer`, `auditor` and `<dm>-head` for each delegation, all with
    /// [`DEMO_PASSWORD`]. Each head states the model's own preferences as its position,
    /// and the mediator tables the model's first named state.
    pub async fn seed_demo(&self, name: &str, model: &Source) -> Result<Demo> {
        let created = self
            .create_council(None, name, model, Disclosure::Verdicts)
            .await?;
        let limits = crate::council_limits();
        let loaded = detente_app::load(model, &limits)?;
        let form = detente_format::form_of_file(
            &detente_format::to_toml(&loaded.model),
            "the demo's model",
        )
        .map_err(detente_app::AppError::from)?;
        let mut accounts = Vec::new();
        let mut mediator = None;
        for invitation in &created.invitations {
            let account_name = match (&invitation.role, &invitation.delegation) {
                (Role::Head, Some(delegation)) => {
                    let dm = loaded
                        .model
                        .decision_makers
                        .iter()
                        .find(|d| &d.name == delegation)
                        .map(|d| d.id.clone())
                        .ok_or_else(|| {
                            CouncilError::System(format!("no decision maker called {delegation}"))
                        })?;
                    format!(
                        "{}-head",
                        dm.to_ascii_lowercase()
                            .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
                    )
                }
                (role, _) => role.key().to_string(),
            };
            let account = self
                .create_account(&account_name, DEMO_PASSWORD, false)
                .await?;
            let member = self.join(&account, &invitation.token).await?;
            if member.role == Role::Mediator {
                mediator = Some(member.clone());
            }
            if let Some(delegation) = &member.delegation {
                let position = detente_app::position_in(&form, &delegation.dm).unwrap_or_default();
                self.state_position(&member, &position).await?;
            }
            accounts.push(DemoAccount {
                name: account_name,
                role: invitation.role,
                delegation: invitation.delegation.clone(),
            });
        }
        if let (Some(state), Some(member)) = (loaded.model.named_states.first(), &mediator) {
            let taken: Vec<String> = loaded
                .model
                .options()
                .enumerate()
                .filter(|(k, _)| state.pattern & (1 << k) != 0)
                .map(|(_, (_, o))| o.id.clone())
                .collect();
            self.table(
                member,
                &Tabling {
                    title: state.name.clone(),
                    taken,
                    non_paper: false,
                    note: "Tabled by the demo from the model's first named state.".to_string(),
                },
            )
            .await?;
        }
        Ok(Demo {
            council: created.council,
            accounts,
        })
    }
}
