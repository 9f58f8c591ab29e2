//! The floor: merely read a prices CSV's records and parse two numbers per row with the csv
//! crate (no index math). `benches/compare.py` times it beside idx; run alone with
//! `cargo bench --bench floor -- FILE`.

use std::str::FromStr;

fn main() {
    let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        println!("floor: give a CSV file (cargo bench --bench floor -- FILE); nothing to do");
        return;
    };
    let mut reader = match csv::Reader::from_path(&path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("floor: {path}: {e}");
            std::process::exit(1);
        }
    };
    let mut record = csv::ByteRecord::new();
    let (mut rows, mut sum) = (0u64, 0f64);
    while reader.read_byte_record(&mut record).unwrap_or(false) {
        for i in [2, 3] {
            let field = std::str::from_utf8(record.get(i).unwrap_or_default()).unwrap_or("0");
            sum += f64::from_str(field).unwrap_or(0.0);
        }
        rows += 1;
    }
    println!("{rows} rows, checksum {sum:e}");
}
