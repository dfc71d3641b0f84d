//! Registry start-up: the first `Registry::builtin()` builds the tools made from the generated
//! operation data (and leaks them); later ones reuse them. Prints the figures.
//!
//! `cargo bench -p intercom-tools --bench registry`

use std::hint::black_box;
use std::time::Instant;

use intercom_tools::Registry;

fn main() {
    let start = Instant::now();
    let registry = Registry::builtin();
    let first = start.elapsed();

    let runs = 1000;
    let start = Instant::now();
    for _ in 0..runs {
        black_box(Registry::builtin());
    }
    let again = start.elapsed() / runs;

    let start = Instant::now();
    let json = black_box(registry.to_json());
    let to_json = start.elapsed();

    println!(
        "registry: {} tools; first Registry::builtin() {:.3} ms (generated tools built); later ones {:.1} µs; every tool's JSON with schemas {:.3} ms ({} bytes)",
        registry.tools().len(),
        first.as_secs_f64() * 1e3,
        again.as_secs_f64() * 1e6,
        to_json.as_secs_f64() * 1e3,
        json.to_string().len()
    );
}
