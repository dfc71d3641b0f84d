//! The exactly-once soak at full size: `cargo bench -p intercom-tools --bench soak` runs
//! 10,000 writes of every kind, 20% of them faulted before or after they apply, and prints the
//! counts (duplicates, lost, verdicts, wrong verdicts, time). `SOAK_WRITES`, `SOAK_FAULT_PERCENT`
//! and `SOAK_SEED` change the size, the fault rate and the seed.

#[path = "../tests/it/soak.rs"]
#[allow(dead_code)]
mod soak;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let writes = usize::try_from(env("SOAK_WRITES", 10_000)).unwrap_or(10_000);
    let faults = env("SOAK_FAULT_PERCENT", 20);
    let seed = env("SOAK_SEED", 1);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let counts = runtime.block_on(soak::run(writes, faults, seed));
    println!("soak: {writes} writes, {faults}% faulted before or after the write, seed {seed}");
    println!("{counts}");
    if counts.duplicates + counts.lost + counts.wrong_verdicts > 0 {
        std::process::exit(1);
    }
}
