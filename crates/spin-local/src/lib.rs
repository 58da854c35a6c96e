//! Placeholder; the host is being written.
