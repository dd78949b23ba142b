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
//! | 10,000 (stancemap's) | 2.0x to 2.2x | 15.8 s |
//! | 1,000 | 1.75x | about 15% slower |
//! | none (`OMP_WAIT_POLICY=PASSIVE`) | 1.4x | 10 to 15% slower |
//!
//! libgomp reads its settings from the environment when the library loads, before `main`, and the C library
//! sets up the environment that `setenv` changes only after that. So the binary puts [`spin_briefly`] in its ELF
//! `.preinit_array`, which the dynamic loader runs once the libraries are mapped but before any of them is
//! initialised: when the wait policy is not set, it starts the program again at once with `GOMP_SPINCOUNT=10000`
//! added to the environment, before libtorch's costly initialisers have run in the first process (a restart from
//! `main` ran them twice: 0.9 s instead of 0.45 s for `stancemap --help`). A user who sets
//! `OMP_WAIT_POLICY` or `GOMP_SPINCOUNT` keeps their own.

use libc::c_char;

/// `GOMP_SPINCOUNT` set to how many turns an idle OpenMP thread spins before it sleeps (see the table above).
const SPIN_SETTING: &std::ffi::CStr = c"GOMP_SPINCOUNT=10000";

/// The variables through which a user chooses how OpenMP threads wait; any of them set means theirs is kept.
const USER_SETTINGS: [&[u8]; 2] = [b"OMP_WAIT_POLICY=", b"GOMP_SPINCOUNT="];

/// Re-executes the program with [`SPIN_SETTING`] added to `envp` unless a wait policy is set there. Meant to run
/// from `.preinit_array` with the loader's `argv` and `envp`: it uses nothing of Rust's runtime, and returns
/// (leaving libgomp's default) when the program cannot be started again.
///
/// # Safety
/// `argv` and `envp` must be the NULL-terminated arrays the loader passes, and no other thread may exist.
pub unsafe fn spin_briefly(argv: *const *const c_char, envp: *const *const c_char) {
    let mut count = 0;
    while !(*envp.add(count)).is_null() {
        let entry = std::ffi::CStr::from_ptr(*envp.add(count)).to_bytes();
        if USER_SETTINGS.iter().any(|name| entry.starts_with(name)) {
            return;
        }
        count += 1;
    }
    // The environment with the setting added, and its NULL; in C memory, as nothing of Rust's runs yet.
    let size = (count + 2) * std::mem::size_of::<*const c_char>();
    let with_setting = libc::malloc(size) as *mut *const c_char;
    if with_setting.is_null() {
        return;
    }
    std::ptr::copy_nonoverlapping(envp, with_setting, count);
    *with_setting.add(count) = SPIN_SETTING.as_ptr();
    *with_setting.add(count + 1) = std::ptr::null();
    libc::execve(c"/proc/self/exe".as_ptr(), argv, with_setting);
    libc::free(with_setting as *mut libc::c_void); // only reached when execve failed
}
