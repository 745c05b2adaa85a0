//! The id of the request a task is handling, set by the request log around each handler, so
//! that a server-error answer can quote it without every handler passing it along.

tokio::task_local! {
    /// The id of the request being handled (set by [`request_log`] around the handler).
    pub(crate) static REQUEST_ID: String;
}

/// The id of the request this task handles, if it runs under [`request_log`].
pub(crate) fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}
