//! Whether this CPU multiplies bf16 matrices in AMX tiles, which decides what `--precision auto` means on the CPU.
//!
//! libtorch's oneDNN runs bf16 matrix products on AMX where the CPU has it (Intel Xeon since Sapphire Rapids) and
//! the operating system lets programs use the tiles; there bf16 ran about 2x faster than fp32 (README, "bf16 on a
//! CPU with AMX"). Without AMX (AVX-512 BF16 alone, as on AMD Zen 4, or older CPUs) bf16 ran 1.6x slower than
//! fp32, so `auto` keeps fp32 there.

/// True when the CPU has AMX with bf16, the operating system has turned the tile state on, and oneDNN has not been
/// told to stay below AMX (`ONEDNN_MAX_CPU_ISA` or the older `DNNL_MAX_CPU_ISA`).
pub fn bf16_tiles_usable() -> bool {
    let limit = std::env::var("ONEDNN_MAX_CPU_ISA").or_else(|_| std::env::var("DNNL_MAX_CPU_ISA")).ok();
    isa_limit_allows_amx(limit.as_deref()) && cpu_has_bf16_tiles()
}

/// Whether oneDNN, limited to `limit` (the value of `ONEDNN_MAX_CPU_ISA`, if set), may use AMX: unset, `ALL` and
/// `DEFAULT` allow everything, and a limit allows AMX only when it names it (`AVX512_CORE_AMX`, ...).
fn isa_limit_allows_amx(limit: Option<&str>) -> bool {
    match limit.map(|value| value.trim().to_ascii_uppercase()) {
        None => true,
        Some(value) => value.is_empty() || value == "ALL" || value == "DEFAULT" || value.contains("AMX"),
    }
}

#[cfg(target_arch = "x86_64")]
#[allow(unused_unsafe)] // `cpuid` is a safe function since Rust 1.87, unsafe before
fn cpu_has_bf16_tiles() -> bool {
    use std::arch::x86_64::{__cpuid, __cpuid_count};
    // SAFETY: `cpuid` exists on every x86-64 CPU; leaf 7 is read only when leaf 0 says it exists.
    let (max_leaf, osxsave) = unsafe { (__cpuid(0).eax, __cpuid(1).ecx & (1 << 27) != 0) };
    if max_leaf < 7 || !osxsave {
        return false;
    }
    // SAFETY: leaf 7 exists (checked above).
    let features = unsafe { __cpuid_count(7, 0) };
    let amx_bf16 = features.edx & (1 << 22) != 0;
    let amx_tile = features.edx & (1 << 24) != 0;
    // XCR0 bits 17 and 18: the operating system saves the tile configuration and the tile data.
    amx_bf16 && amx_tile && tile_state_enabled()
}

#[cfg(target_arch = "x86_64")]
fn tile_state_enabled() -> bool {
    #[target_feature(enable = "xsave")]
    unsafe fn xcr0() -> u64 {
        std::arch::x86_64::_xgetbv(0)
    }
    const TILE_STATE: u64 = (1 << 17) | (1 << 18);
    // SAFETY: OSXSAVE is set (checked by the caller), so `xgetbv` is available and allowed.
    unsafe { xcr0() & TILE_STATE == TILE_STATE }
}

#[cfg(not(target_arch = "x86_64"))]
fn cpu_has_bf16_tiles() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_limit_below_amx_keeps_onednn_off_the_tiles() {
        assert!(isa_limit_allows_amx(None));
        assert!(isa_limit_allows_amx(Some("DEFAULT")));
        assert!(isa_limit_allows_amx(Some("avx512_core_amx")));
        assert!(isa_limit_allows_amx(Some("AVX10_1_512_AMX")));
        assert!(!isa_limit_allows_amx(Some("AVX512_CORE_BF16")));
        assert!(!isa_limit_allows_amx(Some("avx2")));
    }

    #[test]
    fn the_tiles_are_reported_only_where_proc_cpuinfo_lists_them() {
        // Linux lists `amx_bf16` only where the CPU has it and the kernel enabled the tile state: the same two
        // facts this module reads from the CPU itself.
        let Ok(cpuinfo) = std::fs::read_to_string("/proc/cpuinfo") else { return };
        let Some(flags) = cpuinfo.lines().find(|line| line.starts_with("flags")) else { return };
        let listed = flags.split_whitespace().any(|flag| flag == "amx_bf16")
            && flags.split_whitespace().any(|flag| flag == "amx_tile");
        assert_eq!(cpu_has_bf16_tiles(), listed, "cpuid and /proc/cpuinfo disagree on AMX");
    }
}
