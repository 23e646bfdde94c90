//! The scores CSV (the normalisation of scores into weights is in
//! [`weights`](super::weights), its spec in the [`attribution`](super) module docs).
//!
//! ```text
//! # accuracy deltas on the holdout benchmark
//! contributor,score,flagged
//! 0x70997970c51812dc3a010c7d01b50e0d17dc79c8,0.0421,
//! 0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc,-0.0032,no
//! 0x90f79bf6eb2c4f870365e785982e1f101e93b906,0.035,yes
//! ```
//!
//! The header is `contributor,score` or `contributor,score,flagged` (any case); every row has as
//! many columns as the header. Blank lines and lines starting with `#` are skipped, surrounding
//! spaces and double quotes around a field are ignored. `contributor` is `0x` + 40 hex digits
//! (a mixed-case address must carry a valid EIP-55 checksum; the zero address is refused),
//! `score` a decimal (`12`, `-0.5`, `+3.25`; no exponent; at most 18 fractional and 30 integer
//! digits), `flagged` one of `true`, `false`, `1`, `0`, `yes`, `no` or empty (false). A
//! contributor appears at most once.

use std::{collections::HashMap, fmt::Write as _};

use alloy::primitives::Address;

use super::score::Score;

/// One contributor's row of the scores CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScoreRow {
    /// 1-based line in the CSV (for rows built in code: any number that locates the row).
    pub line: usize,
    /// The contributor's address.
    pub contributor: Address,
    /// Its score.
    pub score: Score,
    /// Whether the curator or evaluator flagged it (no weight whatever its score).
    pub flagged: bool,
}

/// What is wrong with a line of the scores CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScoresErrorKind {
    /// No header line before the end of the file.
    MissingHeader,
    /// The header is not `contributor,score[,flagged]`.
    BadHeader(String),
    /// A row has another number of columns than the header.
    ColumnCount {
        /// Columns of the header.
        expected: usize,
        /// Columns of the row.
        found: usize,
    },
    /// The contributor is not a valid, non-zero address.
    BadAddress {
        /// The field as written.
        text: String,
        /// Why it was refused.
        reason: String,
    },
    /// The score is not an exact decimal within bounds.
    BadScore {
        /// The field as written.
        text: String,
        /// Why it was refused.
        reason: String,
    },
    /// The flag is not one of `true`, `false`, `1`, `0`, `yes`, `no` or empty.
    BadFlag(String),
    /// The contributor already has a row.
    DuplicateContributor {
        /// The contributor.
        contributor: Address,
        /// Line of its first row.
        first_line: usize,
    },
}

impl core::fmt::Display for ScoresErrorKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::MissingHeader => write!(
                f,
                "no header: expected `contributor,score` or `contributor,score,flagged`"
            ),
            Self::BadHeader(text) => write!(
                f,
                "bad header {text:?}: expected `contributor,score` or `contributor,score,flagged`"
            ),
            Self::ColumnCount { expected, found } => {
                write!(f, "expected {expected} columns, found {found}")
            }
            Self::BadAddress { text, reason } => {
                write!(f, "bad contributor address {text:?}: {reason}")
            }
            Self::BadScore { text, reason } => write!(f, "bad score {text:?}: {reason}"),
            Self::BadFlag(text) => write!(
                f,
                "bad flagged value {text:?}: expected true, false, 1, 0, yes, no or empty"
            ),
            Self::DuplicateContributor {
                contributor,
                first_line,
            } => write!(
                f,
                "duplicate contributor {contributor} (first on line {first_line})"
            ),
        }
    }
}

/// A malformed scores CSV: the 1-based line and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoresError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub kind: ScoresErrorKind,
}

impl core::fmt::Display for ScoresError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "line {}: {}", self.line, self.kind)
    }
}

impl std::error::Error for ScoresError {}

/// The rows of a scores CSV, in input order, each contributor once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scores {
    rows: Vec<ScoreRow>,
}

impl Scores {
    /// Parses a scores CSV (format in the module docs).
    ///
    /// # Errors
    ///
    /// The first bad line: header, column count, address, score, flag or duplicate contributor.
    pub fn parse(text: &str) -> Result<Self, ScoresError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut columns = None;
        let mut rows = Vec::new();
        let mut last_line = 0;
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            last_line = line_no;
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = trimmed.split(',').map(unquote).collect();
            let err = |kind| ScoresError {
                line: line_no,
                kind,
            };
            let Some(expected) = columns else {
                let names: Vec<String> = fields.iter().map(|f| f.to_ascii_lowercase()).collect();
                if names != ["contributor", "score"] && names != ["contributor", "score", "flagged"]
                {
                    return Err(err(ScoresErrorKind::BadHeader(trimmed.into())));
                }
                columns = Some(fields.len());
                continue;
            };
            if fields.len() != expected {
                return Err(err(ScoresErrorKind::ColumnCount {
                    expected,
                    found: fields.len(),
                }));
            }
            let contributor = parse_address(fields[0]).map_err(|reason| {
                err(ScoresErrorKind::BadAddress {
                    text: fields[0].into(),
                    reason,
                })
            })?;
            let score = fields[1].parse::<Score>().map_err(|reason| {
                err(ScoresErrorKind::BadScore {
                    text: fields[1].into(),
                    reason,
                })
            })?;
            let flagged = match fields.get(2) {
                None => false,
                Some(flag) => {
                    parse_flag(flag).ok_or_else(|| err(ScoresErrorKind::BadFlag((*flag).into())))?
                }
            };
            rows.push(ScoreRow {
                line: line_no,
                contributor,
                score,
                flagged,
            });
        }
        if columns.is_none() {
            return Err(ScoresError {
                line: last_line.max(1),
                kind: ScoresErrorKind::MissingHeader,
            });
        }
        Self::from_rows(rows)
    }

    /// Scores from rows built in code (each row's `line` locates it in errors).
    ///
    /// # Errors
    ///
    /// A duplicate contributor, or the zero address.
    pub fn from_rows(rows: Vec<ScoreRow>) -> Result<Self, ScoresError> {
        let mut seen: HashMap<Address, usize> = HashMap::with_capacity(rows.len());
        for row in &rows {
            if row.contributor == Address::ZERO {
                return Err(ScoresError {
                    line: row.line,
                    kind: ScoresErrorKind::BadAddress {
                        text: Address::ZERO.to_string(),
                        reason: "the zero address cannot claim".into(),
                    },
                });
            }
            if let Some(&first_line) = seen.get(&row.contributor) {
                return Err(ScoresError {
                    line: row.line,
                    kind: ScoresErrorKind::DuplicateContributor {
                        contributor: row.contributor,
                        first_line,
                    },
                });
            }
            seen.insert(row.contributor, row.line);
        }
        Ok(Self { rows })
    }

    /// The rows, in input order.
    pub fn rows(&self) -> &[ScoreRow] {
        &self.rows
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows as a scores CSV with a `flagged` column (lowercase addresses, exact scores);
    /// [`Scores::parse`] reads it back to the same scores.
    pub fn to_csv(&self) -> String {
        let mut out = String::with_capacity(64 * (self.rows.len() + 1));
        out.push_str("contributor,score,flagged\n");
        for row in &self.rows {
            // Writing to a `String` cannot fail.
            let _ = writeln!(
                out,
                "{},{},{}",
                lower_hex(row.contributor),
                row.score,
                row.flagged
            );
        }
        out
    }
}

/// `0x` and the 40 lowercase hex digits of `address` (no checksum).
pub(crate) fn lower_hex(address: Address) -> String {
    alloy::hex::encode_prefixed(address)
}

fn unquote(field: &str) -> &str {
    let field = field.trim();
    field
        .strip_prefix('"')
        .and_then(|f| f.strip_suffix('"'))
        .map_or(field, str::trim)
}

fn parse_address(text: &str) -> Result<Address, String> {
    let digits = text
        .strip_prefix("0x")
        .ok_or("expected 0x followed by 40 hex digits")?;
    if digits.len() != 40 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("expected 0x followed by 40 hex digits".into());
    }
    let address: Address = digits
        .parse()
        .map_err(|e| format!("expected 0x followed by 40 hex digits ({e})"))?;
    let has_upper = digits.bytes().any(|b| b.is_ascii_uppercase());
    let has_lower = digits.bytes().any(|b| b.is_ascii_lowercase());
    if has_upper && has_lower {
        let checksummed = address.to_checksum(None);
        if checksummed != text {
            return Err(format!(
                "mixed case but not its EIP-55 checksum (expected {checksummed}); write it in \
                 lowercase to skip the check"
            ));
        }
    }
    if address == Address::ZERO {
        return Err("the zero address cannot claim".into());
    }
    Ok(address)
}

fn parse_flag(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "" | "false" | "0" | "no" => Some(false),
        "true" | "1" | "yes" => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    const B: &str = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";

    fn err(text: &str) -> ScoresError {
        Scores::parse(text).unwrap_err()
    }

    #[test]
    fn rows_parse_with_comments_blank_lines_and_flags() {
        let text = format!(
            "\u{feff}# evaluator run 7\r\n\r\nContributor, Score ,FLAGGED\r\n{A},0.5,\r\n\n# \
             skipped\n\"{B}\",\"-1\",yes\n"
        );
        let scores = Scores::parse(&text).unwrap();
        assert_eq!(scores.len(), 2);
        let rows = scores.rows();
        assert_eq!(rows[0].line, 4);
        assert_eq!(rows[0].contributor, A.parse::<Address>().unwrap());
        assert_eq!(rows[0].score, "0.5".parse().unwrap());
        assert!(!rows[0].flagged);
        assert_eq!(rows[1].line, 7);
        assert!(rows[1].flagged && rows[1].score.is_negative());

        for (flag, expected) in [
            ("true", true),
            ("1", true),
            ("YES", true),
            ("false", false),
            ("0", false),
            ("no", false),
            ("", false),
        ] {
            let text = format!("contributor,score,flagged\n{B},1,{flag}\n");
            assert_eq!(Scores::parse(&text).unwrap().rows()[0].flagged, expected);
        }
        let two_columns = Scores::parse(&format!("contributor,score\n{B},1\n")).unwrap();
        assert!(!two_columns.rows()[0].flagged);
        let empty = Scores::parse("contributor,score\n").unwrap();
        assert!(empty.is_empty());
    }

    #[test]
    fn errors_name_their_line() {
        let e = err("");
        assert_eq!((e.line, e.kind), (1, ScoresErrorKind::MissingHeader));
        let e = err("# only a comment\n\n");
        assert_eq!((e.line, e.kind), (2, ScoresErrorKind::MissingHeader));
        let e = err(&format!("# c\naddress,score\n{B},1\n"));
        assert_eq!(e.line, 2);
        assert!(matches!(e.kind, ScoresErrorKind::BadHeader(_)));

        let e = err(&format!("contributor,score\n{B},1,true\n"));
        assert_eq!(
            (e.line, e.kind),
            (
                2,
                ScoresErrorKind::ColumnCount {
                    expected: 2,
                    found: 3
                }
            )
        );
        let e = err(&format!("contributor,score,flagged\n\n{B},1\n"));
        assert_eq!(e.line, 3);
        assert_eq!(e.to_string(), "line 3: expected 3 columns, found 2");

        let e = err(&format!("contributor,score,flagged\n{B},1.5x,\n"));
        assert_eq!(e.line, 2);
        assert!(
            e.to_string().starts_with("line 2: bad score \"1.5x\""),
            "{e}"
        );
        let e = err(&format!("contributor,score,flagged\n{B},1,maybe\n"));
        assert_eq!(
            (e.line, e.kind),
            (2, ScoresErrorKind::BadFlag("maybe".into()))
        );
    }

    #[test]
    fn bad_addresses_are_refused() {
        let zero = format!("0x{}", "0".repeat(40));
        let bad_checksum = A.replace('C', "c").replacen('d', "D", 1);
        for (address, reason) in [
            ("0x1234", "40 hex digits"),
            (&B[2..], "40 hex digits"),
            (
                "0xzz44cdddb6a900fa2b585dd299e03d12fa4293bc",
                "40 hex digits",
            ),
            (bad_checksum.as_str(), "EIP-55 checksum"),
            (zero.as_str(), "zero address"),
        ] {
            let e = err(&format!("contributor,score\n{B},1\n{address},2\n"));
            assert_eq!(e.line, 3, "{address}");
            assert!(e.to_string().contains(reason), "{address}: {e}");
        }
        // All lowercase and all uppercase skip the checksum.
        let upper = format!("0x{}", A[2..].to_ascii_uppercase());
        assert!(Scores::parse(&format!("contributor,score\n{upper},1\n")).is_ok());
    }

    #[test]
    fn duplicates_are_refused_with_both_lines() {
        let text = format!(
            "contributor,score\n{A},1\n# c\n{B},2\n{},3\n",
            A.to_lowercase()
        );
        let e = err(&text);
        assert_eq!(e.line, 5);
        assert_eq!(
            e.kind,
            ScoresErrorKind::DuplicateContributor {
                contributor: A.parse().unwrap(),
                first_line: 2
            }
        );
        assert!(e.to_string().contains("first on line 2"), "{e}");
    }

    #[test]
    fn csv_round_trips() {
        let text = format!("contributor,score,flagged\n{A},0.50,yes\n{B},-3,\n");
        let scores = Scores::parse(&text).unwrap();
        let written = scores.to_csv();
        assert_eq!(
            written,
            format!(
                "contributor,score,flagged\n{},0.5,true\n{B},-3,false\n",
                A.to_lowercase()
            )
        );
        let again = Scores::parse(&written).unwrap();
        assert_eq!(
            again
                .rows()
                .iter()
                .map(|r| (r.contributor, r.score, r.flagged))
                .collect::<Vec<_>>(),
            scores
                .rows()
                .iter()
                .map(|r| (r.contributor, r.score, r.flagged))
                .collect::<Vec<_>>()
        );
    }
}
