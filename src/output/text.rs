//! Human-readable tables: aligned plain text for a terminal, and Markdown.

/// A titled table of text cells (an empty title is not written); the first column is left-aligned, the others right-aligned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextTable {
    /// A title printed above the table.
    pub title: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows, each as long as `headers`.
    pub rows: Vec<Vec<String>>,
}

fn widths(t: &TextTable, min: usize) -> Vec<usize> {
    let mut w: Vec<usize> = t
        .headers
        .iter()
        .map(|h| h.chars().count().max(min))
        .collect();
    for row in &t.rows {
        for (i, c) in row.iter().enumerate() {
            if i < w.len() {
                w[i] = w[i].max(c.chars().count());
            }
        }
    }
    w
}

fn pad(s: &str, width: usize, left: bool) -> String {
    let n = width.saturating_sub(s.chars().count());
    if left {
        format!("{s}{}", " ".repeat(n))
    } else {
        format!("{}{s}", " ".repeat(n))
    }
}

/// Renders tables as aligned plain text, separated by blank lines, followed by `notes`.
pub fn plain(tables: &[TextTable], notes: &[String]) -> String {
    let mut out = String::new();
    for (k, t) in tables.iter().enumerate() {
        if k > 0 {
            out.push('\n');
        }
        if !t.title.is_empty() {
            out.push_str(&t.title);
            out.push('\n');
        }
        let w = widths(t, 0);
        for row in std::iter::once(&t.headers).chain(&t.rows) {
            let line: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(i, c)| pad(c, w[i], i == 0))
                .collect();
            out.push_str("  ");
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
        }
    }
    for n in notes {
        out.push('\n');
        out.push_str(n);
    }
    if !notes.is_empty() {
        out.push('\n');
    }
    out
}

/// Renders tables as Markdown (a heading and a pipe table each), followed by `notes`.
pub fn markdown(tables: &[TextTable], notes: &[String]) -> String {
    let esc = |s: &str| s.replace('|', "\\|");
    let mut out = String::new();
    for (k, t) in tables.iter().enumerate() {
        if k > 0 {
            out.push('\n');
        }
        if !t.title.is_empty() {
            out.push_str(&format!("### {}\n\n", esc(&t.title)));
        }
        let w = widths(t, 3);
        let line = |row: &Vec<String>| {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(i, c)| pad(&esc(c), w[i], i == 0))
                .collect();
            format!("| {} |\n", cells.join(" | "))
        };
        out.push_str(&line(&t.headers));
        let rule: Vec<String> = w
            .iter()
            .enumerate()
            .map(|(i, &n)| {
                let dashes = "-".repeat(n);
                if i == 0 {
                    dashes
                } else {
                    format!("{}:", &dashes[1..])
                }
            })
            .collect();
        out.push_str(&format!("| {} |\n", rule.join(" | ")));
        for row in &t.rows {
            out.push_str(&line(row));
        }
    }
    for n in notes {
        out.push('\n');
        // A leading `*` would start a list item.
        let n = esc(n);
        match n.strip_prefix('*') {
            Some(rest) => out.push_str(&format!("\\*{rest}")),
            None => out.push_str(&n),
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> TextTable {
        TextTable {
            title: "Calendar years".into(),
            headers: vec!["".into(), "sp500".into(), "djia".into()],
            rows: vec![vec!["2024".into(), "+23.31%".into(), "+12.88%".into()]],
        }
    }

    #[test]
    fn plain_aligns_columns() {
        assert_eq!(
            plain(&[table()], &["* partial".into()]),
            "Calendar years\n          sp500     djia\n  2024  +23.31%  +12.88%\n\n* partial\n"
        );
    }

    #[test]
    fn markdown_is_a_pipe_table() {
        assert_eq!(
            markdown(&[table()], &[]),
            "### Calendar years\n\n|      |   sp500 |    djia |\n| ---- | ------: | ------: |\n\
             | 2024 | +23.31% | +12.88% |\n"
        );
    }
}
