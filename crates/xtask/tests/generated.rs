//! The checked-in generated files equal what the generator makes from the specs in ../shared.

#[test]
fn generated_files_are_current() {
    let stale = xtask::run(true).expect("the generator runs");
    assert!(
        stale.is_empty(),
        "these generated files are stale: {stale:?}\nrun `cargo run -p xtask -- generate` and commit the result"
    );
}
