//! Writing safetensors files with a metadata block. tch writes none, and Python `transformers` refuses a
//! checkpoint whose header lacks `"format": "pt"`; the format is simple enough to write directly: an 8-byte
//! little-endian header length, a JSON header naming each tensor's dtype, shape and byte range, then the data.

use std::io::Write;
use std::path::Path;

use tch::{Kind, Tensor};

/// Writes `tensors` (converted to float32, in the given order) to `path` with `metadata` in the header.
pub fn write_f32(path: &Path, tensors: &[(String, Tensor)], metadata: &[(&str, &str)]) -> std::io::Result<()> {
    let mut header = serde_json::Map::new();
    let meta: serde_json::Map<String, serde_json::Value> =
        metadata.iter().map(|(k, v)| (k.to_string(), serde_json::json!(v))).collect();
    header.insert("__metadata__".into(), serde_json::Value::Object(meta));
    let mut data: Vec<u8> = Vec::new();
    for (name, tensor) in tensors {
        let values = Vec::<f32>::try_from(tensor.to_kind(Kind::Float).flatten(0, -1))
            .map_err(|e| std::io::Error::other(format!("{name}: {e}")))?;
        let start = data.len();
        for v in values {
            data.extend_from_slice(&v.to_le_bytes());
        }
        header.insert(
            name.clone(),
            serde_json::json!({ "dtype": "F32", "shape": tensor.size(), "data_offsets": [start, data.len()] }),
        );
    }
    let mut header = serde_json::to_vec(&serde_json::Value::Object(header))?;
    // The data must start at a multiple of 8 bytes; pad the header with spaces, as the reference writer does.
    while (8 + header.len()) % 8 != 0 {
        header.push(b' ');
    }
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    file.write_all(&(header.len() as u64).to_le_bytes())?;
    file.write_all(&header)?;
    file.write_all(&data)?;
    file.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tch_reads_back_what_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.safetensors");
        let a = Tensor::from_slice(&[1.5f32, -2.0, 3.25, 0.0, 7.0, 8.0]).view([2, 3]);
        let b = Tensor::from_slice(&[42.0f32]);
        write_f32(&path, &[("a".into(), a.shallow_clone()), ("b".into(), b.shallow_clone())], &[("format", "pt")])
            .unwrap();
        let back: std::collections::HashMap<String, Tensor> =
            Tensor::read_safetensors(&path).unwrap().into_iter().collect();
        assert_eq!(back["a"], a);
        assert_eq!(back["b"], b);
        let bytes = std::fs::read(&path).unwrap();
        let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
        assert_eq!(header["__metadata__"]["format"], "pt");
        assert_eq!((8 + n) % 8, 0);
    }
}
