//! Placeholder; the static file component is being written.
