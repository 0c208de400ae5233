//! Every input the fuzzer found a panic with (tests/fuzz-regressions/, minimised)
//! goes through the whole pipeline again: it must end in a clean error or an analysis.

use detente_fuzz::{Outcome, check, quiet_panics};
use std::path::Path;

#[test]
fn fuzz_findings_no_longer_panic() {
    quiet_panics();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fuzz-regressions");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("read tests/fuzz-regressions")
        .map(|entry| entry.expect("list tests/fuzz-regressions").path())
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no regression inputs in {}",
        dir.display()
    );
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read a regression input");
        let name = file.file_name().unwrap().to_string_lossy();
        let outcome = check(&text, &name);
        assert!(
            !matches!(outcome, Outcome::Panicked(_)),
            "{name}: {outcome:?}"
        );
    }
}
