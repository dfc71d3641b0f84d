//! The ledger of write attempts: kept on disk, an unsettled attempt is seen by the next process.

use intercom_client::{AttemptState, KEEP_SECONDS, Ledger, Request, write_fingerprint};
use serde_json::json;

fn temp_file(name: &str) -> std::path::PathBuf {
    std::env::temp_dir()
        .join(format!("intercom-ledger-{}-{name}", std::process::id()))
        .join("writes.sqlite")
}

#[test]
fn an_attempt_left_in_flight_is_seen_by_the_next_process() {
    let path = temp_file("in-flight");
    let _ = std::fs::remove_file(&path);
    let note = Request::post("/contacts/1/notes", json!({"body": "hi"}));
    let fp = write_fingerprint("intercom_create_contact_note", &note);
    // Another body, another write.
    let other = write_fingerprint(
        "intercom_create_contact_note",
        &Request::post("/contacts/1/notes", json!({"body": "hello"})),
    );
    assert_ne!(fp, other);
    {
        let first = Ledger::open(&path, 1_000_000);
        assert_eq!(first.path(), Some(path.as_path()));
        assert_eq!(first.unsettled(&fp), None);
        first.begin(&fp, "intercom_create_contact_note", 1_000_000);
        // The process dies here: the attempt is never finished.
    }
    let second = Ledger::open(&path, 1_000_100);
    assert_eq!(second.unsettled(&fp), Some(1_000_000));
    assert_eq!(second.unsettled(&other), None);
    let row = second.begin(&fp, "intercom_create_contact_note", 1_000_100);
    second.finish(row, AttemptState::Applied);
    assert_eq!(second.unsettled(&fp), None, "settled by the later attempt");

    // An unknown outcome stays unsettled; a day later it is forgotten.
    let row = second.begin(&other, "intercom_create_contact_note", 1_000_200);
    second.finish(row, AttemptState::Unknown);
    assert_eq!(second.unsettled(&other), Some(1_000_200));
    let later = Ledger::open(&path, 1_000_200 + KEEP_SECONDS + 1);
    assert_eq!(later.unsettled(&other), None);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "readable by the user alone");
    }
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn a_ledger_that_cannot_be_stored_falls_back_to_memory() {
    // A path under a regular file cannot be created.
    let file = std::env::temp_dir().join(format!("intercom-ledger-file-{}", std::process::id()));
    std::fs::write(&file, "x").unwrap();
    let ledger = Ledger::open(&file.join("writes.sqlite"), 0);
    assert_eq!(ledger.path(), None);
    let row = ledger.begin("fp", "t", 5);
    assert!(row.is_some());
    assert_eq!(ledger.unsettled("fp"), Some(5));
    let _ = std::fs::remove_file(&file);
}

#[test]
fn a_write_applied_but_never_told_stays_open_until_the_next_identical_one() {
    let ledger = Ledger::in_memory();
    let fp = write_fingerprint(
        "intercom_create_contact_note",
        &Request::post("/contacts/1/notes", json!({"body": "cancelled"})),
    );
    let row = ledger.begin(&fp, "intercom_create_contact_note", 10);
    ledger.finish(row, AttemptState::AppliedUntold);
    assert_eq!(
        ledger.unsettled(&fp),
        Some(10),
        "looked for by the next call"
    );
    // The next call found it and answered it: settled.
    let row = ledger.begin(&fp, "intercom_create_contact_note", 20);
    ledger.finish(row, AttemptState::Applied);
    assert_eq!(ledger.unsettled(&fp), None);
}
