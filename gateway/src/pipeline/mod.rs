//! Stub of the batching / anchoring / settling pipeline (replaced by its own author): the
//! receipts table and the one call the gateway makes into it.

/// SQL that creates the pipeline's tables (run by `Store::open`, idempotent).
pub fn schema() -> &'static str {
    "CREATE TABLE IF NOT EXISTS receipts(job_id BLOB PRIMARY KEY, body TEXT NOT NULL, \
     status TEXT NOT NULL DEFAULT 'pending');"
}

/// Inserts a closed job's receipt as pending, inside the transaction that closes the job.
pub fn enqueue_receipt(
    tx: &rusqlite::Transaction<'_>,
    receipt: &tributary::attest::types::Receipt,
) -> rusqlite::Result<()> {
    let body = serde_json::json!({
        "jobId": receipt.jobId.to_string(),
        "licenseId": receipt.licenseId.to_string(),
        "assetId": receipt.assetId.to_string(),
        "modelHash": receipt.modelHash.to_string(),
        "scope": receipt.scope.to_string(),
        "unit": receipt.unit,
        "units": receipt.units.to_string(),
        "timestamp": receipt.timestamp,
        "attestor": receipt.attestor.to_string(),
    });
    tx.execute(
        "INSERT INTO receipts(job_id, body) VALUES (?1, ?2)",
        rusqlite::params![receipt.jobId.as_slice(), body.to_string()],
    )?;
    Ok(())
}
