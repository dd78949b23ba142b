//! How libtorch's worker threads wait, so that runs sharing a machine do not starve each other.
//!
//! libtorch runs its CPU kernels on an OpenMP pool (GNU libgomp in the PyPI wheel). Between two parallel regions
//! an idle libgomp thread spins on its core before it sleeps: 300,000 turns by default. A run alone gains from
//! that (the next region starts without waking anyone), but two runs on two cores (shards side by side, or a
//! machine doing other work) spin away each other's time. Measured on a 2-core AMD EPYC (`bench/concurrent.sh`
//! and 60 BBC politics articles alone, four runs each, interleaved):
//!
//! | spin | two runs at once, each, over one alone (sample corpus) | one alone (60 articles) |
//! |---|---|---|
//! | 300,000 (libgomp's default) | 3.0x to 4.0x | 15.5 s |
//! | 30,000 | 2.9x | 15.1 s |
//! | 10,000 (stancemap's) | 2.0x | 15.8 s |
//! | 1,000 | 1.75x | about 15% slower |
//! | none (`OMP_WAIT_POLICY=PASSIVE`) | 1.4x | 10 to 15% slower |
//!
//! libgomp reads its settings from the environment when the library loads, before `main`, so the setting is made
//! by starting the program again with it: [`spin_briefly`] re-executes the binary once, at the very start of
//! `main`, with `GOMP_SPINCOUNT=10000`. A user who sets `OMP_WAIT_POLICY` or `GOMP_SPINCOUNT` keeps their own.

/// The variables through which a user chooses how OpenMP threads wait; any of them set means theirs is kept.
const USER_SETTINGS: [&str; 2] = ["OMP_WAIT_POLICY", "GOMP_SPINCOUNT"];

/// How many turns an idle OpenMP thread spins before it sleeps (see the table above).
pub const SPIN_COUNT: &str = "10000";

/// Re-executes this program with `GOMP_SPINCOUNT` set to [`SPIN_COUNT`] unless the user chose a wait policy.
/// Returns only when no re-execution happened (it was set, or the program could not be started again, which
/// leaves the run as it would have been).
pub fn spin_briefly() {
    if USER_SETTINGS.iter().any(|name| std::env::var_os(name).is_some()) {
        return;
    }
    let Ok(program) = std::env::current_exe() else { return };
    let mut args = std::env::args_os();
    let Some(name) = args.next() else { return };
    use std::os::unix::process::CommandExt;
    let error = std::process::Command::new(program).arg0(name).args(args).env("GOMP_SPINCOUNT", SPIN_COUNT).exec();
    // Only reached when exec failed: carry on in this process, with libgomp's own default.
    eprintln!("warning: could not restart with GOMP_SPINCOUNT={SPIN_COUNT} ({error}); running with OpenMP's default");
}
