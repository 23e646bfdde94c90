//! Sign-In with Ethereum (EIP-4361) messages: building, parsing and the checks the gateway
//! makes before it looks at the signature.
//!
//! ```text
//! {domain} wants you to sign in with your Ethereum account:
//! {address, EIP-55}
//!
//! {statement}
//!
//! URI: {uri}
//! Version: 1
//! Chain ID: {chain id}
//! Nonce: {nonce}
//! Issued At: {RFC 3339}
//! Expiration Time: {RFC 3339}
//! ```
//! The statement (and its blank line) may be absent; `Expiration Time` is required by this
//! gateway. `Not Before`, `Request ID` and `Resources` are accepted on input and checked
//! (`Not Before`) or ignored.

use std::fmt::Write as _;

use alloy::primitives::Address;

const HEADER: &str = " wants you to sign in with your Ethereum account:";

/// A parsed EIP-4361 message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiweMessage {
    /// RFC 3986 authority the user signs in to (`host[:port]`).
    pub domain: String,
    /// The signing account.
    pub address: Address,
    /// Human-readable statement (no newlines).
    pub statement: Option<String>,
    /// The resource the sign-in is for.
    pub uri: String,
    /// Chain the account's license lives on.
    pub chain_id: u64,
    /// Server nonce (at least 8 alphanumeric characters).
    pub nonce: String,
    /// Unix seconds.
    pub issued_at: u64,
    /// Unix seconds after which the message is void.
    pub expiration_time: u64,
    /// Unix seconds before which the message is not valid yet.
    pub not_before: Option<u64>,
}

/// Why a message is refused: each maps to an HTTP error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiweError {
    /// Not an EIP-4361 message (400 `siwe_malformed`).
    Malformed(String),
    /// Signed for another domain (401 `siwe_wrong_domain`).
    WrongDomain,
    /// Signed for another chain (401 `siwe_wrong_chain`).
    WrongChain,
    /// Past its expiration time, or not valid yet (401 `siwe_expired`).
    Expired,
}

impl std::fmt::Display for SiweError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Malformed(why) => write!(f, "malformed SIWE message: {why}"),
            Self::WrongDomain => f.write_str("the message was signed for another domain"),
            Self::WrongChain => f.write_str("the message was signed for another chain"),
            Self::Expired => f.write_str("the message has expired or is not valid yet"),
        }
    }
}

impl std::error::Error for SiweError {}

fn malformed(why: impl Into<String>) -> SiweError {
    SiweError::Malformed(why.into())
}

impl SiweMessage {
    /// The message text to sign (EIP-4361 layout, `\n` line ends).
    pub fn to_message(&self) -> String {
        let mut m = format!(
            "{}{HEADER}\n{}\n\n",
            self.domain,
            self.address.to_checksum(None)
        );
        if let Some(statement) = &self.statement {
            let _ = writeln!(m, "{statement}");
        }
        let _ = write!(
            m,
            "\nURI: {}\nVersion: 1\nChain ID: {}\nNonce: {}\nIssued At: {}\nExpiration Time: {}",
            self.uri,
            self.chain_id,
            self.nonce,
            format_rfc3339(self.issued_at),
            format_rfc3339(self.expiration_time)
        );
        if let Some(nb) = self.not_before {
            let _ = write!(m, "\nNot Before: {}", format_rfc3339(nb));
        }
        m
    }

    /// Parses a message.
    ///
    /// # Errors
    /// [`SiweError::Malformed`] naming the first thing wrong.
    pub fn parse(text: &str) -> Result<Self, SiweError> {
        let lines: Vec<&str> = text.split('\n').collect();
        let mut it = lines.iter().copied().peekable();
        let first = it.next().unwrap_or_default();
        let domain = first
            .strip_suffix(HEADER)
            .ok_or_else(|| malformed("first line must be `<domain> wants you to sign in …`"))?;
        if domain.is_empty() || domain.contains(char::is_whitespace) {
            return Err(malformed("bad domain"));
        }
        let addr_line = it.next().ok_or_else(|| malformed("missing address"))?;
        let address = parse_address(addr_line)?;
        if it.next() != Some("") {
            return Err(malformed("expected a blank line after the address"));
        }
        let mut statement = None;
        match it.peek().copied() {
            Some("") => {
                it.next();
            }
            Some(line) if !line.starts_with("URI: ") => {
                statement = Some(line.to_owned());
                it.next();
                if it.next() != Some("") {
                    return Err(malformed("expected a blank line after the statement"));
                }
            }
            // Older layout: no blank line for an absent statement.
            Some(_) => {}
            None => return Err(malformed("missing URI")),
        }
        let mut field = |name: &str| -> Result<String, SiweError> {
            let line = it
                .next()
                .ok_or_else(|| malformed(format!("missing {name}")))?;
            line.strip_prefix(name)
                .and_then(|l| l.strip_prefix(": "))
                .map(str::to_owned)
                .ok_or_else(|| malformed(format!("expected `{name}: …`, got `{line}`")))
        };
        let uri = field("URI")?;
        if uri.is_empty() || uri.contains(char::is_whitespace) || !uri.contains(':') {
            return Err(malformed("bad URI"));
        }
        if field("Version")? != "1" {
            return Err(malformed("Version must be 1"));
        }
        let chain_id = field("Chain ID")?
            .parse::<u64>()
            .map_err(|_| malformed("bad Chain ID"))?;
        let nonce = field("Nonce")?;
        if nonce.len() < 8 || !nonce.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(malformed(
                "Nonce must be at least 8 alphanumeric characters",
            ));
        }
        let issued_at =
            parse_rfc3339(&field("Issued At")?).ok_or_else(|| malformed("bad Issued At"))?;
        let mut expiration_time = None;
        let mut not_before = None;
        let rest: Vec<&str> = it.collect();
        let mut i = 0;
        while i < rest.len() {
            let line = rest[i];
            if let Some(v) = line.strip_prefix("Expiration Time: ") {
                expiration_time =
                    Some(parse_rfc3339(v).ok_or_else(|| malformed("bad Expiration Time"))?);
            } else if let Some(v) = line.strip_prefix("Not Before: ") {
                not_before = Some(parse_rfc3339(v).ok_or_else(|| malformed("bad Not Before"))?);
            } else if line.starts_with("Request ID: ") {
            } else if line == "Resources:" {
                while i + 1 < rest.len() && rest[i + 1].starts_with("- ") {
                    i += 1;
                }
            } else if !(line.is_empty() && i + 1 == rest.len()) {
                return Err(malformed(format!("unexpected line `{line}`")));
            }
            i += 1;
        }
        let expiration_time =
            expiration_time.ok_or_else(|| malformed("an Expiration Time is required"))?;
        Ok(Self {
            domain: domain.to_owned(),
            address,
            statement,
            uri,
            chain_id,
            nonce,
            issued_at,
            expiration_time,
            not_before,
        })
    }

    /// Checks domain, chain and validity period at `now` (unix seconds). The nonce and the
    /// signature are checked by the caller.
    ///
    /// # Errors
    /// [`SiweError::WrongDomain`], [`SiweError::WrongChain`], [`SiweError::Expired`].
    pub fn check(&self, domain: &str, chain_id: u64, now: u64) -> Result<(), SiweError> {
        if !self.domain.eq_ignore_ascii_case(domain) {
            return Err(SiweError::WrongDomain);
        }
        if self.chain_id != chain_id {
            return Err(SiweError::WrongChain);
        }
        if now >= self.expiration_time || self.not_before.is_some_and(|nb| now < nb) {
            return Err(SiweError::Expired);
        }
        Ok(())
    }
}

/// Parses an address that must be in EIP-55 checksum form (an all-lowercase or all-uppercase
/// address carries no checksum and is refused, as EIP-4361 requires the checksum).
fn parse_address(s: &str) -> Result<Address, SiweError> {
    let address: Address = s.parse().map_err(|_| malformed("bad address"))?;
    if address.to_checksum(None) != s {
        return Err(malformed("address is not in EIP-55 checksum form"));
    }
    Ok(address)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
#[allow(clippy::similar_names)]
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[allow(clippy::similar_names)]
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `YYYY-MM-DDTHH:MM:SSZ` of unix seconds.
pub fn format_rfc3339(secs: u64) -> String {
    let secs = i64::try_from(secs).unwrap_or(i64::MAX / 2);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

/// Unix seconds of an RFC 3339 timestamp (`Z` or `±HH:MM` offset, optional fraction,
/// truncated); `None` if malformed or before 1970.
#[allow(clippy::many_single_char_names)]
pub fn parse_rfc3339(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let ob = rest.as_bytes();
            if ob.len() != 6 || ob[3] != b':' {
                return None;
            }
            let sign = match ob[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let oh: i64 = rest.get(1..3)?.parse().ok()?;
            let om: i64 = rest.get(4..6)?.parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    let days = days_from_civil(y, u32::try_from(mo).ok()?, u32::try_from(d).ok()?);
    let secs = days * 86_400 + h * 3600 + mi * 60 + se - offset;
    u64::try_from(secs).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SiweMessage {
        SiweMessage {
            domain: "gateway.example:8443".into(),
            address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
                .parse()
                .unwrap(),
            statement: Some("Sign in to download dataset 1 under license 2.".into()),
            uri: "https://gateway.example:8443/v1/siwe/verify".into(),
            chain_id: 412_346,
            nonce: "a1b2c3d4e5f6a7b8".into(),
            issued_at: 1_767_225_600,
            expiration_time: 1_767_225_900,
            not_before: None,
        }
    }

    #[test]
    fn builds_the_eip4361_layout_and_parses_it_back() {
        let m = sample();
        let text = m.to_message();
        assert_eq!(
            text,
            "gateway.example:8443 wants you to sign in with your Ethereum account:\n\
             0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\n\n\
             Sign in to download dataset 1 under license 2.\n\n\
             URI: https://gateway.example:8443/v1/siwe/verify\nVersion: 1\nChain ID: 412346\n\
             Nonce: a1b2c3d4e5f6a7b8\nIssued At: 2026-01-01T00:00:00Z\n\
             Expiration Time: 2026-01-01T00:05:00Z"
        );
        assert_eq!(SiweMessage::parse(&text).unwrap(), m);
        let bare = SiweMessage {
            statement: None,
            not_before: Some(1_767_225_600),
            ..m
        };
        assert_eq!(SiweMessage::parse(&bare.to_message()).unwrap(), bare);
    }

    #[test]
    fn parses_optional_fields_and_refuses_garbage() {
        let text = format!(
            "{}\nRequest ID: 42\nResources:\n- ipfs://x\n- https://y",
            sample().to_message()
        );
        assert_eq!(SiweMessage::parse(&text).unwrap(), sample());
        for bad in [
            String::new(),
            "hello".into(),
            sample().to_message().replace("Version: 1", "Version: 2"),
            sample().to_message().replace(
                "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
                "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
            ),
            sample()
                .to_message()
                .replace("Nonce: a1b2c3d4e5f6a7b8", "Nonce: short"),
            sample()
                .to_message()
                .replace("2026-01-01T00:05:00Z", "tomorrow"),
            sample()
                .to_message()
                .replace("\nExpiration Time: 2026-01-01T00:05:00Z", ""),
            format!("{}\nEvil: yes", sample().to_message()),
        ] {
            assert!(
                matches!(SiweMessage::parse(&bad), Err(SiweError::Malformed(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn checks_domain_chain_and_expiry() {
        let m = sample();
        assert_eq!(
            m.check("gateway.example:8443", 412_346, 1_767_225_600),
            Ok(())
        );
        assert_eq!(
            m.check("evil.example", 412_346, 1_767_225_600),
            Err(SiweError::WrongDomain)
        );
        assert_eq!(
            m.check("gateway.example:8443", 1, 1_767_225_600),
            Err(SiweError::WrongChain)
        );
        assert_eq!(
            m.check("gateway.example:8443", 412_346, 1_767_225_900),
            Err(SiweError::Expired)
        );
        let early = SiweMessage {
            not_before: Some(1_767_225_700),
            ..sample()
        };
        assert_eq!(
            early.check("gateway.example:8443", 412_346, 1_767_225_600),
            Err(SiweError::Expired)
        );
    }

    #[test]
    fn rfc3339_round_trips() {
        for t in [0, 951_782_400, 1_767_225_600, 4_102_444_799] {
            assert_eq!(parse_rfc3339(&format_rfc3339(t)), Some(t));
        }
        assert_eq!(
            parse_rfc3339("2026-01-01T01:00:00+01:00"),
            Some(1_767_225_600)
        );
        assert_eq!(
            parse_rfc3339("2026-01-01T00:00:00.123Z"),
            Some(1_767_225_600)
        );
        assert_eq!(parse_rfc3339("2026-13-01T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2026-01-01 00:00:00Z"), None);
    }
}
