//! Makes the built binaries find libtorch without any environment variable.
//!
//! torch-sys links against `$LIBTORCH/lib` but writes no rpath, so a plain `cargo run` would fail to load
//! `libtorch_cpu.so`. torch-sys exports the folder it linked (`DEP_TCH_LIBTORCH_LIB`); we add it, and the real
//! wheel folders that scripts/setup.sh recorded in `.libtorch/rpath`, as rpaths of every binary and test.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=.libtorch/rpath");
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    // The wheel's own folder comes first: libtorch_cpu.so finds its neighbours (libgomp, cudart) through its
    // $ORIGIN runpath, which only works when it is loaded from there rather than through the LIBTORCH links.
    let mut dirs: Vec<String> = Vec::new();
    let recorded = Path::new(env!("CARGO_MANIFEST_DIR")).join(".libtorch/rpath");
    if let Ok(list) = std::fs::read_to_string(&recorded) {
        dirs.extend(list.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from));
    }
    if let Ok(lib) = std::env::var("DEP_TCH_LIBTORCH_LIB") {
        dirs.push(lib);
    }
    for dir in dirs {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
}
