use std::time::Instant;
use tch::{Device, Kind, Tensor};
fn main() {
    tch::set_num_threads(2);
    let _g = tch::no_grad_guard();
    let q = Tensor::randn([32, 12, 128, 32], (Kind::Float, Device::Cpu));
    let k = Tensor::randn([32, 12, 128, 32], (Kind::Float, Device::Cpu));
    let v = Tensor::randn([32, 12, 128, 32], (Kind::Float, Device::Cpu));
    let fmask = Tensor::zeros([32, 1, 1, 128], (Kind::Float, Device::Cpu));
    let bmask = Tensor::ones([32, 1, 1, 128], (Kind::Bool, Device::Cpu));
    let fmask_full = Tensor::zeros([1, 12, 128, 128], (Kind::Float, Device::Cpu));
    for (name, mask) in [("float", Some(&fmask)), ("bool", Some(&bmask)), ("float-full", Some(&fmask_full))] {
        for _ in 0..3 {
            let _ = Tensor::scaled_dot_product_attention(&q, &k, &v, mask, 0.0, false, None);
        }
        let t = Instant::now();
        for _ in 0..30 {
            let _ = Tensor::scaled_dot_product_attention(&q, &k, &v, mask, 0.0, false, None);
        }
        println!("{name}: {:.2} ms", t.elapsed().as_secs_f64() * 1000.0 / 30.0);
    }
    for (name, mask) in [("flash-float", Some(&fmask)), ("flash-float-full", Some(&fmask_full))] {
        for _ in 0..3 {
            let _ = Tensor::internal_scaled_dot_product_flash_attention_for_cpu(&q, &k, &v, 0.0, false, mask, None);
        }
        let t = Instant::now();
        for _ in 0..30 {
            let _ = Tensor::internal_scaled_dot_product_flash_attention_for_cpu(&q, &k, &v, 0.0, false, mask, None);
        }
        println!("{name}: {:.2} ms", t.elapsed().as_secs_f64() * 1000.0 / 30.0);
    }
    // manual
    let t = Instant::now();
    for _ in 0..30 {
        let s = q.matmul(&k.transpose(-1, -2)) / (32f64).sqrt() + &fmask;
        let p = s.softmax(-1, Kind::Float);
        let _ = p.matmul(&v);
    }
    println!("manual: {:.2} ms", t.elapsed().as_secs_f64() * 1000.0 / 30.0);
    let x = Tensor::randn([32, 128, 384], (Kind::Float, Device::Cpu));
    let w = Tensor::randn([1152, 384], (Kind::Float, Device::Cpu));
    let b = Tensor::randn([1152], (Kind::Float, Device::Cpu));
    let t = Instant::now();
    for _ in 0..30 {
        let _ = x.linear(&w, Some(&b));
    }
    println!("qkv linear: {:.2} ms", t.elapsed().as_secs_f64() * 1000.0 / 30.0);
}
