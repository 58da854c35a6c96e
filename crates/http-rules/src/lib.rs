//! HTTP header rules that both components apply, as pure functions over header values:
//! entity tags and `If-None-Match` (RFC 9110 §8.8.3, §13.1.2), q-value lists for `Accept`
//! and `Accept-Encoding` (§12.4.2), single byte ranges (§14.1.2), and the header values both
//! send ([`policy`]).
//! No dependencies, so it costs the WebAssembly components next to nothing.

pub mod etag;
pub mod policy;
pub mod qvalues;
pub mod range;
