//! What a route answers, before content negotiation picks its form.

use std::borrow::Cow;

use http::StatusCode;

use crate::json;

/// The media type of an answer's default (non-JSON) form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Text,
    Html,
}

impl Form {
    pub fn media_type(self) -> &'static str {
        match self {
            Form::Text => "text/plain",
            Form::Html => "text/html",
        }
    }
}

/// The JSON form of an answer, written only when content negotiation picks it: escaping a
/// long echoed value is most of the handler's time, wasted on a text answer.
#[derive(Debug, Clone)]
pub enum Json {
    /// An object of string fields, in order.
    Fields(Vec<(&'static str, String)>),
    /// Written by a function of no arguments.
    With(fn() -> String),
}

/// Equal when they write the same JSON: a function pointer's address says nothing (the same
/// function may have two, two functions may share one).
impl PartialEq for Json {
    fn eq(&self, other: &Self) -> bool {
        self.render() == other.render()
    }
}

impl Eq for Json {}

impl Json {
    pub fn render(&self) -> String {
        match self {
            Json::Fields(fields) => {
                let pairs: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                json::object(&pairs)
            }
            Json::With(write) => write(),
        }
    }
}

/// An answer in both of its forms; the router sends one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: StatusCode,
    pub form: Form,
    pub body: Cow<'static, [u8]>,
    pub json: Json,
}

impl Reply {
    pub fn text(status: StatusCode, body: impl Into<String>, json: Json) -> Self {
        Reply {
            status,
            form: Form::Text,
            body: Cow::Owned(body.into().into_bytes()),
            json,
        }
    }

    pub fn html(page: &'static [u8], json: Json) -> Self {
        Reply {
            status: StatusCode::OK,
            form: Form::Html,
            body: Cow::Borrowed(page),
            json,
        }
    }

    /// An error: the message as plain text, or `{"error": message}`.
    pub fn error(status: StatusCode, message: impl Into<String>) -> Self {
        let message = message.into();
        let json = Json::Fields(vec![("error", message.clone())]);
        Reply::text(status, message, json)
    }

    pub fn not_found() -> Self {
        Reply::error(StatusCode::NOT_FOUND, "Not Found")
    }
}
