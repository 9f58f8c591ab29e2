//! The README's console examples are real: each `$ idx ...` example runs against the files in
//! the repository (or in tests/data/readme/ for the small files the README mentions) and its
//! stdout must match the README exactly.

use assert_cmd::Command;
use std::path::Path;

struct Example {
    /// The commands of a pipeline (`idx a | idx b`), each as its arguments after `idx`.
    stages: Vec<Vec<String>>,
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
            let stages = cmd
                .split(" | ")
                .map(|stage| {
                    let words: Vec<String> = stage.split_whitespace().map(String::from).collect();
                    assert_eq!(
                        words[0], "idx",
                        "README example does not start with idx: {cmd}"
                    );
                    words[1..].to_vec()
                })
                .collect();
            current = Some(Example {
                stages,
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
        let mut input: Option<Vec<u8>> = None;
        let mut stderr = String::new();
        for stage in &ex.stages {
            let args: Vec<String> = stage
                .iter()
                .map(|a| {
                    if a.ends_with(".csv") && !root.join(a).exists() && fixtures.join(a).exists() {
                        fixtures.join(a).display().to_string()
                    } else {
                        a.clone()
                    }
                })
                .collect();
            let mut cmd = Command::cargo_bin("idx").unwrap();
            cmd.current_dir(root).args(&args);
            if let Some(bytes) = input.take() {
                cmd.write_stdin(bytes);
            }
            let out = cmd.output().unwrap();
            stderr.push_str(&String::from_utf8_lossy(&out.stderr));
            input = Some(out.stdout);
        }
        let shown: Vec<String> = ex
            .stages
            .iter()
            .map(|s| format!("idx {}", s.join(" ")))
            .collect();
        assert_eq!(
            String::from_utf8_lossy(&input.unwrap_or_default()),
            ex.stdout,
            "README example `{}` (stderr: {stderr})",
            shown.join(" | ")
        );
    }
}
