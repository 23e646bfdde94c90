//! Types, events, errors and interfaces shared by the Tributary contracts.
#![no_std]
