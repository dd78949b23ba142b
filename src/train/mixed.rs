//! Mixed precision for training (`train --precision bf16`): the weights, their gradients and the optimizer stay in
//! fp32, and libtorch's autocast runs the forward pass's matrix products in bf16, as PyTorch's
//! `torch.autocast("cpu", torch.bfloat16)` does. The backward pass follows the forward's number formats.
//!
//! tch 0.17 switches autocast on for CUDA only, so the CPU's switch is looked up in libtorch by its C++ name
//! (libtorch 2.4's `at::autocast::set_autocast_enabled(c10::DeviceType, bool)`), once, at the start of a run:
//! a libtorch without it gives a clear error instead of a run in fp32 that says it ran in bf16.
//!
//! Measured on a 2-core Intel Xeon with AMX (MiniLM, batch 32 x 128, forward and backward): 2,960 tokens/s in
//! fp32, 6,460 with autocast. Without AMX, bf16 products are slower than fp32 (README, "bf16 on a CPU with AMX").

use tch::{Device, Kind, Tensor};

/// `at::autocast::set_autocast_enabled(c10::DeviceType, bool)`; `DeviceType` is an `int8_t` enum.
const SET_ENABLED: &std::ffi::CStr = c"_ZN2at8autocast20set_autocast_enabledEN3c1010DeviceTypeEb";
/// `at::autocast::set_autocast_cache_enabled(bool)`.
const SET_CACHE_ENABLED: &std::ffi::CStr = c"_ZN2at8autocast26set_autocast_cache_enabledEb";
/// `at::autocast::set_autocast_dtype(c10::DeviceType, c10::ScalarType)`; `ScalarType` is an `int8_t` enum.
const SET_DTYPE: &std::ffi::CStr = c"_ZN2at8autocast18set_autocast_dtypeEN3c1010DeviceTypeENS1_10ScalarTypeE";
/// `c10::ScalarType::BFloat16` (CUDA's autocast would otherwise use fp16, which needs loss scaling).
const BFLOAT16: i8 = 15;

type SetEnabled = unsafe extern "C" fn(device_type: i8, enabled: bool);
type SetCacheEnabled = unsafe extern "C" fn(enabled: bool);
type SetDtype = unsafe extern "C" fn(device_type: i8, dtype: i8);

/// Autocast to bf16 on one device, switched on around each forward pass.
pub struct Autocast {
    device_type: i8,
    set_enabled: SetEnabled,
}

impl Autocast {
    /// Autocast for `device` (the CPU or a CUDA GPU), or an error saying this libtorch lacks it.
    pub fn new(device: Device) -> anyhow::Result<Autocast> {
        // c10::DeviceType: CPU = 0, CUDA = 1.
        let device_type = if device.is_cuda() { 1 } else { 0 };
        let (Some(set_enabled), Some(set_cache_enabled), Some(set_dtype)) =
            (symbol(SET_ENABLED), symbol(SET_CACHE_ENABLED), symbol(SET_DTYPE))
        else {
            anyhow::bail!(
                "--precision bf16 for training needs libtorch's autocast switch per device (libtorch 2.4, as \
                 scripts/setup.sh installs); this libtorch has none: train in fp32"
            );
        };
        // SAFETY: both addresses are libtorch's functions of these signatures (found by their mangled names).
        let (set_enabled, set_cache_enabled, set_dtype) = unsafe {
            (
                std::mem::transmute::<*mut libc::c_void, SetEnabled>(set_enabled),
                std::mem::transmute::<*mut libc::c_void, SetCacheEnabled>(set_cache_enabled),
                std::mem::transmute::<*mut libc::c_void, SetDtype>(set_dtype),
            )
        };
        // SAFETY: a plain setter of a thread-local setting.
        unsafe { set_dtype(device_type, BFLOAT16) };
        // No cache of the weights' bf16 copies: they would go stale after each optimizer step unless cleared,
        // and casting them again costs little beside the products.
        // SAFETY: a plain setter of a thread-local flag.
        unsafe { set_cache_enabled(false) };
        Ok(Autocast { device_type, set_enabled })
    }

    /// Runs `forward` with autocast on, and switches it off again (also when `forward` panics).
    pub fn run<T>(&self, forward: impl FnOnce() -> T) -> T {
        struct Off<'a>(&'a Autocast);
        impl Drop for Off<'_> {
            fn drop(&mut self) {
                // SAFETY: a plain setter of a thread-local flag.
                unsafe { (self.0.set_enabled)(self.0.device_type, false) };
            }
        }
        // SAFETY: as above.
        unsafe { (self.set_enabled)(self.device_type, true) };
        let _off = Off(self);
        forward()
    }
}

/// The logits of `forward` in fp32: run under `autocast` when training in mixed precision, as they are otherwise.
pub fn logits(autocast: Option<&Autocast>, forward: impl FnOnce() -> Tensor) -> Tensor {
    match autocast {
        Some(autocast) => autocast.run(forward).to_kind(Kind::Float),
        None => forward(),
    }
}

/// The address of a function exported by a library the program has loaded (libtorch), if there is one.
fn symbol(name: &std::ffi::CStr) -> Option<*mut libc::c_void> {
    // SAFETY: dlsym with RTLD_DEFAULT only reads the loaded libraries' symbol tables.
    let address = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
    (!address.is_null()).then_some(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_products_run_in_bf16_inside_and_in_fp32_outside() {
        let autocast = Autocast::new(Device::Cpu).expect("libtorch 2.4 has the CPU autocast switch");
        let a = Tensor::randn([4, 8], (Kind::Float, Device::Cpu));
        let b = Tensor::randn([8, 3], (Kind::Float, Device::Cpu)).set_requires_grad(true);
        let inside = autocast.run(|| a.matmul(&b));
        assert_eq!(inside.kind(), Kind::BFloat16, "autocast casts a product's inputs to bf16");
        assert_eq!(a.matmul(&b).kind(), Kind::Float, "and is off again afterwards");
        // The gradient reaches the fp32 weight in fp32.
        inside.to_kind(Kind::Float).sum(Kind::Float).backward();
        assert_eq!(b.grad().kind(), Kind::Float);
        let expected = a.sum_dim_intlist([0i64].as_slice(), false, Kind::Float).unsqueeze(1).expand([8, 3], false);
        let error = (b.grad() - expected).abs().max().double_value(&[]);
        assert!(error < 0.1, "gradient off by {error}");
    }
}
