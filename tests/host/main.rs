//! Tests of the local host itself (spin-local only): what it does with oversized and slow
//! input, under a long soak, and when a component traps, loops or exhausts memory. Spin has
//! its own limits and defaults for these; the HTTP behaviour of the components is the
//! `http` suite's.

#[path = "../harness/mod.rs"]
mod harness;

mod faults;
mod limits;
mod soak;
mod staging;
