//! The HTTP rules both components apply, each written once: entity tags ([`etag`]) and
//! the preconditions that read them over every header line ([`conditional`], RFC 9110
//! §13), q-value lists for `Accept` and `Accept-Encoding` ([`qvalues`], §12.4.2), single
//! byte ranges ([`range`], §14.1.2), percent decoding ([`percent`]), and what every answer
//! carries: security headers, `Allow` and body framing ([`policy`], [`response`]).
//! Its one dependency, `http`, is one both components have anyway.

pub mod conditional;
pub mod etag;
pub mod percent;
pub mod policy;
pub mod qvalues;
pub mod range;
pub mod response;
