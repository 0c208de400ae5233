//! Running the `detente` binary from the CLI's integration tests.

use std::process::{Command, Output};

/// Runs `detente` with `args`.
pub fn detente(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_detente"))
        .args(args)
        .output()
        .expect("run detente")
}

/// The standard output of a run that must succeed.
pub fn stdout(args: &[&str]) -> String {
    let out = detente(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
