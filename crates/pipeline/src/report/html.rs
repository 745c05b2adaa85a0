//! HTML rendering helpers of the reports: the style sheet, escaping, and the conversion of the
//! Markdown pipe tables this module writes into HTML tables.

use std::fmt::Write as _;

pub(crate) const CSS: &str = "body{font-family:system-ui,sans-serif;margin:2em;max-width:1400px;color:#222}\
table{border-collapse:collapse;margin:1em 0;font-size:13px}th,td{border:1px solid #ccc;\
padding:3px 8px;text-align:right}th{background:#f3f3f3}td:first-child{text-align:left}\
.charts{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}.confusion td{font-size:16px;\
padding:12px}.good{background:#e6f4e6}.bad{background:#fbe9e9}.failed{color:#a00}";

/// HTML-escapes `&`, `<`, `>` and `"`.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Converts the simple pipe tables this module writes (and any text lines before them) to
/// HTML; `**bold**` becomes `<b>`.
pub(crate) fn markdown_table_to_html(md: &str) -> String {
    let mut s = String::new();
    let mut in_table = false;
    let mut header = true;
    for line in md.lines() {
        let line = line.trim();
        if line.starts_with('|') {
            if line.starts_with("|---") {
                continue;
            }
            if !in_table {
                s.push_str("<table>");
                in_table = true;
                header = true;
            }
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
            let tag = if header { "th" } else { "td" };
            s.push_str("<tr>");
            for cell in cells {
                let cell = escape(cell.trim()).replace("\\|", "|");
                let cell = bold(&cell);
                let _ = write!(s, "<{tag}>{cell}</{tag}>");
            }
            s.push_str("</tr>");
            header = false;
        } else {
            if in_table {
                s.push_str("</table>\n");
                in_table = false;
            }
            if !line.is_empty() {
                let _ = write!(s, "<p>{}</p>", bold(&escape(line)));
            }
        }
    }
    if in_table {
        s.push_str("</table>\n");
    }
    s
}

fn bold(text: &str) -> String {
    let mut out = String::new();
    let mut open = false;
    for (i, part) in text.split("**").enumerate() {
        if i > 0 {
            out.push_str(if open { "</b>" } else { "<b>" });
            open = !open;
        }
        out.push_str(part);
    }
    if open {
        out.push_str("</b>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_tables_become_html_tables() {
        let html = markdown_table_to_html("intro\n| a | b |\n|---|---|\n| **x** | 1 < 2 |\n");
        assert_eq!(
            html,
            "<p>intro</p><table><tr><th>a</th><th>b</th></tr><tr><td><b>x</b></td><td>1 &lt; 2</td></tr></table>\n"
        );
    }
}
