//! Tests of the local host itself, on the local host only: the Spin conventions it keeps for
//! any component (`echo`, with the test component), and what it does with oversized and slow
//! input, under a long soak, with staged mounts, and when a component traps, loops or
//! exhausts memory (the real app's components beside the test component). Spin has its own
//! limits and defaults for these; the components' HTTP behaviour is the `http` suite's, at
//! the workspace root, on both runtimes.

#[path = "../../../../tests/harness/mod.rs"]
mod harness;

mod echo;
mod faults;
mod limits;
mod soak;
mod staging;
