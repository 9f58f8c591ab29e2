//! The README's console examples are real: each `$ idx ...` example runs against the files in
//! the repository (or in tests/data/readme/ for the small files the README mentions) and its
//! stdout must match the README exactly.

use assert_cmd::Command;
use std::path::Path;

struct Example {
    args: Vec<String>,
    stdout: String,
}

fn examples() -> Vec<Example> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let mut out = Vec::new();
    let mut in_console = false;
    let mut current: Option<Example> = None;
    for line in readme.lines() {
        if line.starts_with("```console") {
            in_console = true;
            continue;
        }
        if in_console && line.starts_with("```") {
            in_console = false;
            out.extend(current.take());
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            out.extend(current.take());
            let words: Vec<String> = cmd.split_whitespace().map(String::from).collect();
            assert_eq!(
                words[0], "idx",
                "README example does not start with idx: {cmd}"
            );
            current = Some(Example {
                args: words[1..].to_vec(),
                stdout: String::new(),
            });
        } else if let Some(ex) = current.as_mut() {
            // Error examples print to stderr; only lines that are not diagnostics are stdout.
            if !line.starts_with("error:") && !line.starts_with("  hint:") {
                ex.stdout.push_str(line);
                ex.stdout.push('\n');
            }
        }
    }
    out
}

#[test]
fn readme_console_examples_produce_their_documented_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("tests/data/readme");
    let exs = examples();
    assert!(
        exs.len() >= 10,
        "expected the README's examples, found {}",
        exs.len()
    );
    for ex in exs {
        // Files named in the example live in the repository root or in tests/data/readme.
        let args: Vec<String> = ex
            .args
            .iter()
            .map(|a| {
                if a.ends_with(".csv") && !root.join(a).exists() && fixtures.join(a).exists() {
                    fixtures.join(a).display().to_string()
                } else {
                    a.clone()
                }
            })
            .collect();
        let out = Command::cargo_bin("idx")
            .unwrap()
            .current_dir(root)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            ex.stdout,
            "README example `idx {}` (stderr: {})",
            ex.args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
