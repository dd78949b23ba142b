//! One run at a time in an output folder.
//!
//! A run (or a merge) holds an exclusive lock on its `--out` folder while it writes there: a second run started
//! with the same `--out` refuses at once, naming the folder, instead of both writing the same `.partial` files.
//! The lock is the kernel's (`flock` on the folder itself), so no lock file is left behind and a run killed with
//! `kill -9` never leaves a stale lock: the kernel releases it with the process.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::Path;

/// The lock on an output folder, held until it is dropped (or the process ends).
#[derive(Debug)]
pub struct FolderLock {
    _folder: File,
}

impl FolderLock {
    /// Takes the lock on `dir` (which must exist), or fails at once when another process holds it. On a file
    /// system that has no such locks (some network mounts), the run goes on unlocked, with a warning.
    pub fn take(dir: &Path) -> anyhow::Result<FolderLock> {
        let folder = File::open(dir).map_err(|error| anyhow::anyhow!("{}: cannot open: {error}", dir.display()))?;
        // SAFETY: flock on a descriptor this function owns; it touches no memory.
        let taken = unsafe { libc::flock(folder.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if taken != 0 {
            let error = std::io::Error::last_os_error();
            if error.raw_os_error() == Some(libc::EWOULDBLOCK) {
                anyhow::bail!(
                    "{} is in use: another stancemap run is writing to it (it holds the folder's lock); wait for \
                     that run to finish, or use another --out",
                    dir.display()
                );
            }
            eprintln!(
                "warning: {}: cannot lock the folder ({error}); nothing stops a second run writing there",
                dir.display()
            );
        }
        Ok(FolderLock { _folder: folder })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_a_folder_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = FolderLock::take(dir.path()).unwrap();
        let refused = FolderLock::take(dir.path()).unwrap_err().to_string();
        assert!(refused.contains(&dir.path().display().to_string()) && refused.contains("another stancemap run"));
        drop(first);
        FolderLock::take(dir.path()).expect("free again");
    }
}
