//! Attribution reports: the EIP-712 digest an evaluator signs, posting, the owner's veto and
//! the activation that installs the weights as the dataset's next split version.

use alloy_primitives::{B256, U256};
use stylus_sdk::prelude::*;
use tributary_abi::{
    abi_words::{emit, Word},
    attribution::{EIP712_NAME, EIP712_VERSION, MAX_TOTAL_WEIGHT, REPORT_TYPE, REPORT_WORDS},
    eip712::{self, hash},
};

use crate::{
    clock::now,
    errors::{
        DatanetNotOpen, Error, InvalidReport, NoPendingReport, NotEvaluator, ReportAlreadyVetoed,
        ReportExpired, ReportPending, UnknownDatasetVersion, VetoWindowClosed, VetoWindowOpen,
        WrongEpoch,
    },
    events::{EpochActivated, ReportPosted, ReportVetoed},
    state::{Config, Pending, Status},
    Datanets, ReportTuple,
};

/// `keccak256` of [`REPORT_TYPE`].
pub const REPORT_TYPEHASH: [u8; 32] = hash(REPORT_TYPE);
const HASHED_NAME: [u8; 32] = hash(EIP712_NAME);
const HASHED_VERSION: [u8; 32] = hash(EIP712_VERSION);

/// The ABI words of a report (every field is static).
fn report_words(r: &ReportTuple) -> [[u8; 32]; REPORT_WORDS] {
    [
        r.0.word(),
        r.1.word(),
        r.2.word(),
        r.3 .0,
        r.4 .0,
        r.5 .0,
        r.6.word(),
        r.7.word(),
    ]
}

impl Datanets {
    /// The EIP-712 domain separator of reports on this chain and contract.
    pub(crate) fn domain(&self) -> B256 {
        eip712::domain_separator(
            self.vm(),
            HASHED_NAME,
            HASHED_VERSION,
            self.vm().chain_id(),
            self.vm().contract_address(),
        )
    }

    /// `keccak256(0x1901 ‖ domain ‖ keccak256(typehash ‖ abi.encode(report)))`.
    pub(crate) fn digest_of(&self, report: &ReportTuple) -> B256 {
        let mut preimage = [[0u8; 32]; REPORT_WORDS + 1];
        preimage[0] = REPORT_TYPEHASH;
        preimage[1..].copy_from_slice(&report_words(report));
        let struct_hash = self.vm().native_keccak256(preimage.as_flattened());
        eip712::typed_digest(self.vm(), self.domain(), struct_hash)
    }

    /// See [`Datanets::post_report`].
    pub(crate) fn post(&mut self, report: &ReportTuple, signature: &[u8]) -> Result<(), Error> {
        let &(dataset_id, version, epoch, benchmark_id, metric, root, total, deadline) = report;
        let net = self.datanets.getter(dataset_id);
        let status = Status::from_word(net.status.get());
        if !status.open {
            return Err(Error::DatanetNotOpen(DatanetNotOpen {
                datasetId: dataset_id,
            }));
        }
        let time = now(self.vm());
        if time > deadline {
            return Err(Error::ReportExpired(ReportExpired {
                datasetId: dataset_id,
                deadline,
            }));
        }
        let current = status.epoch;
        // Cannot overflow: epochs advance by one per activation.
        let expected = current + 1;
        if epoch != expected {
            return Err(Error::WrongEpoch(WrongEpoch {
                datasetId: dataset_id,
                epoch,
                expected,
            }));
        }
        if !net.pending_root.get().is_zero() {
            return Err(Error::ReportPending(ReportPending {
                datasetId: dataset_id,
                epoch,
            }));
        }
        if root.is_zero() || total.is_zero() || total > U256::from(MAX_TOTAL_WEIGHT) {
            return Err(Error::InvalidReport(InvalidReport {
                datasetId: dataset_id,
            }));
        }
        let veto_ends =
            time.saturating_add(u64::from(Config::from_word(net.config.get()).veto_window));
        let info = self.dataset_with_versions(dataset_id)?;
        if version.is_zero() || version > info.versions {
            return Err(Error::UnknownDatasetVersion(UnknownDatasetVersion {
                datasetId: dataset_id,
                version,
            }));
        }
        let digest = self.digest_of(report);
        let evaluator = eip712::recover_signature(self.vm(), digest, signature)?;
        let net = self.datanets.getter(dataset_id);
        if !net.evaluators.get(evaluator) {
            return Err(Error::NotEvaluator(NotEvaluator {
                datasetId: dataset_id,
                account: evaluator,
            }));
        }
        if self.vetoed.get(digest) {
            return Err(Error::ReportAlreadyVetoed(ReportAlreadyVetoed { digest }));
        }
        let mut net = self.datanets.setter(dataset_id);
        net.pending_root.set(root);
        net.pending.set(
            Pending {
                total: total.to::<u64>(),
                veto_ends,
            }
            .word(),
        );
        net.pending_digest.set(digest);
        emit(
            self.vm(),
            &ReportPosted {
                datasetId: dataset_id,
                epoch,
                evaluator,
                version,
                benchmarkId: benchmark_id,
                metric,
                weightsRoot: root,
                totalWeight: total,
                digest,
                vetoEndsAt: veto_ends,
            },
        );
        Ok(())
    }

    /// The pending report's veto end, or `NoPendingReport`.
    fn pending_veto_end(&self, dataset_id: U256) -> Result<u64, Error> {
        let net = self.datanets.getter(dataset_id);
        if net.pending_root.get().is_zero() {
            return Err(Error::NoPendingReport(NoPendingReport {
                datasetId: dataset_id,
            }));
        }
        Ok(Pending::from_word(net.pending.get()).veto_ends)
    }

    /// See [`Datanets::veto_report`].
    pub(crate) fn veto(&mut self, dataset_id: U256, reason_hash: B256) -> Result<(), Error> {
        self.only_owner(dataset_id)?;
        let ends = self.pending_veto_end(dataset_id)?;
        if now(self.vm()) >= ends {
            return Err(Error::VetoWindowClosed(VetoWindowClosed {
                datasetId: dataset_id,
                endsAt: ends,
            }));
        }
        let mut net = self.datanets.setter(dataset_id);
        let digest = net.pending_digest.get();
        // Cannot overflow: epochs advance by one per activation.
        let epoch = Status::from_word(net.status.get()).epoch + 1;
        net.pending_root.set(B256::ZERO);
        net.pending.set(Pending::default().word());
        net.pending_digest.set(B256::ZERO);
        self.vetoed.insert(digest, true);
        emit(
            self.vm(),
            &ReportVetoed {
                datasetId: dataset_id,
                epoch,
                digest,
                reasonHash: reason_hash,
            },
        );
        Ok(())
    }

    /// See [`Datanets::activate_report`].
    pub(crate) fn activate(&mut self, dataset_id: U256) -> Result<u32, Error> {
        let ends = self.pending_veto_end(dataset_id)?;
        if now(self.vm()) < ends {
            return Err(Error::VetoWindowOpen(VetoWindowOpen {
                datasetId: dataset_id,
                endsAt: ends,
            }));
        }
        let info = self.dataset(dataset_id)?;
        let (_, current_version) = self.split_info(info.split_id)?;
        let mut net = self.datanets.setter(dataset_id);
        let root = net.pending_root.get();
        let total = Pending::from_word(net.pending.get()).total;
        let status = Status::from_word(net.status.get());
        // Cannot overflow: epochs advance by one per activation, versions by one per update.
        let epoch = status.epoch + 1;
        let version = current_version + 1;
        net.status.set(Status { epoch, ..status }.word());
        net.epoch_versions
            .setter(U256::from(epoch))
            .set(U256::from(version));
        net.pending_root.set(B256::ZERO);
        net.pending.set(Pending::default().word());
        net.pending_digest.set(B256::ZERO);
        emit(
            self.vm(),
            &EpochActivated {
                datasetId: dataset_id,
                epoch,
                splitId: info.split_id,
                splitVersion: version,
                weightsRoot: root,
                totalWeight: U256::from(total),
            },
        );
        self.update_merkle_split(info.split_id, root, total)?;
        Ok(version)
    }
}
