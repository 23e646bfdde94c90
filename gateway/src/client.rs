//! The Rust client of the gateway: signs in with a private key (EIP-4361), opens a job,
//! downloads every shard (checking each against the manifest), closes the job.
//!
//! ```no_run
//! # async fn f(signer: alloy::signers::local::PrivateKeySigner) -> Result<(), tributary_gateway::client::ClientError> {
//! use alloy::primitives::U256;
//! use tributary_gateway::client::Client;
//! let mut client = Client::new("http://127.0.0.1:8547")?;
//! client.sign_in(&signer, U256::from(2), U256::from(1)).await?;
//! let done = client
//!     .fetch_dataset(std::path::Path::new("out"), None, |p| eprintln!("{}/{}", p.bytes, p.total_bytes))
//!     .await?;
//! println!("{} units billed", done.receipt.units);
//! # Ok(()) }
//! ```

use std::{
    fmt::Write as _,
    path::{Component, Path, PathBuf},
};

use alloy::{
    primitives::{hex, keccak256, Address, B256, U256},
    signers::{local::PrivateKeySigner, SignerSync},
};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{json, Value};
use tributary_kit::attest::json::ReceiptJson;

use crate::siwe::SiweMessage;

/// Why a client call failed.
#[derive(Debug)]
pub enum ClientError {
    /// The gateway answered with an error body.
    Api {
        /// HTTP status.
        status: u16,
        /// The stable error code.
        code: String,
        /// Its message.
        message: String,
    },
    /// The request did not complete or the answer did not parse.
    Http(String),
    /// Writing a shard failed.
    Io(std::io::Error),
    /// A downloaded shard is not what the manifest says.
    Mismatch(String),
    /// Used before signing in.
    NotSignedIn,
}

impl ClientError {
    /// The gateway's error code, if it answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The HTTP status, if the gateway answered with an error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Api {
                status,
                code,
                message,
            } => write!(f, "gateway refused ({status} {code}): {message}"),
            Self::Http(e) => write!(f, "HTTP: {e}"),
            Self::Io(e) => write!(f, "{e}"),
            Self::Mismatch(e) => write!(f, "{e}"),
            Self::NotSignedIn => f.write_str("sign in first"),
        }
    }
}

impl std::error::Error for ClientError {}

impl From<reqwest::Error> for ClientError {
    fn from(e: reqwest::Error) -> Self {
        Self::Http(e.to_string())
    }
}

/// A shard as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ManifestShard {
    /// Relative `/` path.
    pub path: String,
    /// Bytes.
    pub size: u64,
    /// `keccak256` of the bytes.
    pub hash: B256,
    /// Records.
    pub records: u64,
}

/// The manifest.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// Dataset id (decimal).
    pub dataset_id: String,
    /// The registered content hash.
    pub content_hash: B256,
    /// Usage unit of the key's license.
    pub unit: u8,
    /// Shards.
    pub shards: Vec<ManifestShard>,
}

/// What sign-in granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The API key (hex). Keep it secret.
    pub key: String,
    /// Unix seconds.
    pub expires_at: u64,
}

/// Download progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Shards done.
    pub shards: usize,
    /// Shards in all.
    pub total_shards: usize,
    /// Bytes received.
    pub bytes: u64,
    /// Bytes in all.
    pub total_bytes: u64,
}

/// A finished download.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The manifest.
    pub manifest: Manifest,
    /// The job.
    pub job_id: B256,
    /// The receipt the gateway wrote when the job closed.
    pub receipt: ReceiptJson,
}

/// A gateway client.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    key: Option<String>,
}

/// The SIWE domain of a base URL: its authority (`host[:port]`).
fn authority(base: &str) -> Option<&str> {
    let rest = base.split_once("://")?.1;
    let end = rest.find('/').unwrap_or(rest.len());
    let auth = &rest[..end];
    (!auth.is_empty()).then_some(auth)
}

impl Client {
    /// A client of the gateway at `base` (`http://host:port`).
    ///
    /// # Errors
    /// A URL without `scheme://host`.
    pub fn new(base: &str) -> Result<Self, ClientError> {
        let base = base.trim_end_matches('/').to_owned();
        if authority(&base).is_none() {
            return Err(ClientError::Http(format!("not a gateway URL: {base}")));
        }
        Ok(Self {
            http: reqwest::Client::new(),
            base,
            key: None,
        })
    }

    /// A client that already holds `key`.
    ///
    /// # Errors
    /// As [`Client::new`].
    pub fn with_key(base: &str, key: String) -> Result<Self, ClientError> {
        let mut client = Self::new(base)?;
        client.key = Some(key);
        Ok(client)
    }

    /// The key held, if signed in.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    async fn answer(response: reqwest::Response) -> Result<Value, ClientError> {
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(body);
        }
        Err(api_error(status.as_u16(), &body))
    }

    fn authed(&self, rb: reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder, ClientError> {
        let key = self.key.as_ref().ok_or(ClientError::NotSignedIn)?;
        Ok(rb.bearer_auth(key))
    }

    /// Asks for a nonce and returns the SIWE message to sign for `wallet`.
    ///
    /// # Errors
    /// HTTP and gateway errors.
    pub async fn siwe_message(&self, wallet: Address) -> Result<SiweMessage, ClientError> {
        let nonce = Self::answer(
            self.http
                .get(format!("{}/v1/siwe/nonce", self.base))
                .send()
                .await?,
        )
        .await?;
        let field = |name: &str| {
            nonce
                .get(name)
                .cloned()
                .ok_or_else(|| ClientError::Http(format!("nonce answer lacks `{name}`")))
        };
        let chain_id = field("chainId")?
            .as_u64()
            .ok_or_else(|| ClientError::Http("bad chainId".into()))?;
        let nonce_text = field("nonce")?
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| ClientError::Http("bad nonce".into()))?;
        let now = crate::server::now();
        Ok(SiweMessage {
            domain: authority(&self.base).unwrap_or_default().to_owned(),
            address: wallet,
            statement: Some("Sign in to the Tributary gateway.".into()),
            uri: self.base.clone(),
            chain_id,
            nonce: nonce_text,
            issued_at: now,
            expiration_time: now + 300,
            not_before: None,
        })
    }

    /// Sends a signed message; on success holds the key.
    ///
    /// # Errors
    /// HTTP and gateway errors (`siwe_*`, `not_license_holder`, `wrong_scope`, …).
    pub async fn verify(
        &mut self,
        message: &str,
        signature: &[u8],
        license: U256,
        scope: U256,
    ) -> Result<Grant, ClientError> {
        let body = json!({
            "message": message,
            "signature": hex::encode_prefixed(signature),
            "licenseId": license.to_string(),
            "scope": scope.to_string(),
        });
        let answer = Self::answer(
            self.http
                .post(format!("{}/v1/siwe/verify", self.base))
                .json(&body)
                .send()
                .await?,
        )
        .await?;
        let key = answer
            .get("key")
            .and_then(Value::as_str)
            .ok_or_else(|| ClientError::Http("verify answer lacks `key`".into()))?
            .to_owned();
        let expires_at = answer.get("expiresAt").and_then(Value::as_u64).unwrap_or(0);
        self.key = Some(key.clone());
        Ok(Grant { key, expires_at })
    }

    /// Signs in as `signer` for `license` under `scope`.
    ///
    /// # Errors
    /// HTTP and gateway errors.
    pub async fn sign_in(
        &mut self,
        signer: &PrivateKeySigner,
        license: U256,
        scope: U256,
    ) -> Result<Grant, ClientError> {
        let message = self.siwe_message(signer.address()).await?.to_message();
        let signature = signer
            .sign_message_sync(message.as_bytes())
            .map_err(|e| ClientError::Http(format!("signing: {e}")))?;
        let bytes: [u8; 65] = signature.into();
        self.verify(&message, &bytes, license, scope).await
    }

    /// The manifest.
    ///
    /// # Errors
    /// HTTP and gateway errors.
    pub async fn manifest(&self) -> Result<Manifest, ClientError> {
        let rb = self.authed(self.http.get(format!("{}/v1/manifest", self.base)))?;
        let v = Self::answer(rb.send().await?).await?;
        serde_json::from_value(v).map_err(|e| ClientError::Http(format!("manifest: {e}")))
    }

    /// Opens a job (random id unless given).
    ///
    /// # Errors
    /// HTTP and gateway errors.
    pub async fn open_job(
        &self,
        job_id: Option<B256>,
        model_hash: Option<B256>,
    ) -> Result<B256, ClientError> {
        let mut body = json!({});
        if let Some(id) = job_id {
            body["jobId"] = json!(id);
        }
        if let Some(m) = model_hash {
            body["modelHash"] = json!(m);
        }
        let rb = self.authed(self.http.post(format!("{}/v1/jobs", self.base)))?;
        let v = Self::answer(rb.json(&body).send().await?).await?;
        v.get("jobId")
            .and_then(Value::as_str)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| ClientError::Http("job answer lacks `jobId`".into()))
    }

    /// The job as the gateway sees it (its meters).
    ///
    /// # Errors
    /// HTTP and gateway errors.
    pub async fn job(&self, job_id: B256) -> Result<Value, ClientError> {
        let rb = self.authed(self.http.get(format!("{}/v1/jobs/{job_id}", self.base)))?;
        Self::answer(rb.send().await?).await
    }

    /// Downloads bytes of a shard (`range`: an HTTP `Range` value such as `bytes=0-99`).
    ///
    /// # Errors
    /// HTTP and gateway errors.
    pub async fn shard(
        &self,
        job_id: B256,
        path: &str,
        range: Option<&str>,
    ) -> Result<Vec<u8>, ClientError> {
        let mut out = Vec::new();
        self.shard_into(job_id, path, range, |chunk| {
            out.extend_from_slice(chunk);
            Ok(())
        })
        .await?;
        Ok(out)
    }

    async fn shard_into(
        &self,
        job_id: B256,
        path: &str,
        range: Option<&str>,
        mut sink: impl FnMut(&[u8]) -> Result<(), ClientError>,
    ) -> Result<(), ClientError> {
        let encoded: Vec<String> = path.split('/').map(percent_encode).collect();
        let mut rb = self.authed(self.http.get(format!(
            "{}/v1/shards/{}",
            self.base,
            encoded.join("/")
        )))?;
        rb = rb.header("X-Tributary-Job", job_id.to_string());
        if let Some(r) = range {
            rb = rb.header("Range", r);
        }
        let response = rb.send().await?;
        if !response.status().is_success() {
            return Err(Self::answer(response)
                .await
                .err()
                .unwrap_or_else(|| ClientError::Http("unexpected success body".into())));
        }
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            sink(&chunk?)?;
        }
        Ok(())
    }

    /// Closes a job; returns its receipt.
    ///
    /// # Errors
    /// HTTP and gateway errors.
    pub async fn close_job(&self, job_id: B256) -> Result<ReceiptJson, ClientError> {
        let rb = self.authed(
            self.http
                .post(format!("{}/v1/jobs/{job_id}/close", self.base)),
        )?;
        let v = Self::answer(rb.send().await?).await?;
        serde_json::from_value(v.get("receipt").cloned().unwrap_or(Value::Null))
            .map_err(|e| ClientError::Http(format!("receipt: {e}")))
    }

    /// Downloads every shard of the manifest into `out` under job `job_id`, checking sizes and
    /// hashes; `progress` sees every chunk.
    ///
    /// # Errors
    /// HTTP, gateway and I/O errors; [`ClientError::Mismatch`] for a shard that is not what the
    /// manifest says or whose path would leave `out`.
    pub async fn download(
        &self,
        manifest: &Manifest,
        job_id: B256,
        out: &Path,
        mut progress: impl FnMut(Progress),
    ) -> Result<(), ClientError> {
        let mut p = Progress {
            shards: 0,
            total_shards: manifest.shards.len(),
            bytes: 0,
            total_bytes: manifest.shards.iter().map(|s| s.size).sum(),
        };
        progress(p);
        for shard in &manifest.shards {
            let target = safe_join(out, &shard.path)?;
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir).map_err(ClientError::Io)?;
            }
            let mut bytes = Vec::with_capacity(usize::try_from(shard.size).unwrap_or(0));
            self.shard_into(job_id, &shard.path, None, |chunk| {
                bytes.extend_from_slice(chunk);
                p.bytes += chunk.len() as u64;
                progress(p);
                Ok(())
            })
            .await?;
            if bytes.len() as u64 != shard.size || keccak256(&bytes) != shard.hash {
                return Err(ClientError::Mismatch(format!(
                    "{}: the bytes received do not hash to the manifest's {}",
                    shard.path, shard.hash
                )));
            }
            std::fs::write(&target, &bytes).map_err(ClientError::Io)?;
            p.shards += 1;
            progress(p);
        }
        Ok(())
    }

    /// Manifest, job, every shard, close: the whole dataset into `out`.
    ///
    /// # Errors
    /// As the steps.
    pub async fn fetch_dataset(
        &self,
        out: &Path,
        model_hash: Option<B256>,
        progress: impl FnMut(Progress),
    ) -> Result<Fetched, ClientError> {
        let manifest = self.manifest().await?;
        let job_id = self.open_job(None, model_hash).await?;
        self.download(&manifest, job_id, out, progress).await?;
        let receipt = self.close_job(job_id).await?;
        Ok(Fetched {
            manifest,
            job_id,
            receipt,
        })
    }
}

fn api_error(status: u16, body: &Value) -> ClientError {
    let error = body.get("error");
    let text = |name: &str| {
        error
            .and_then(|e| e.get(name))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    ClientError::Api {
        status,
        code: text("code"),
        message: text("message"),
    }
}

/// `out/path`, refusing paths that are absolute or climb out.
fn safe_join(out: &Path, path: &str) -> Result<PathBuf, ClientError> {
    let rel = Path::new(path);
    if path.is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(ClientError::Mismatch(format!(
            "refusing shard path `{path}`"
        )));
    }
    Ok(out.join(rel))
}

fn percent_encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_output() {
        let out = Path::new("/tmp/out");
        assert_eq!(safe_join(out, "a/b.jsonl").unwrap(), out.join("a/b.jsonl"));
        for bad in ["", "../x", "/etc/passwd", "a/../../x"] {
            assert!(safe_join(out, bad).is_err(), "{bad}");
        }
        assert_eq!(percent_encode("a b%.jsonl"), "a%20b%25.jsonl");
        assert_eq!(authority("http://127.0.0.1:9/x"), Some("127.0.0.1:9"));
        assert_eq!(authority("nope"), None);
    }
}
