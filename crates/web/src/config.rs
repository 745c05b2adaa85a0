//! Server settings: address, model source and limits.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use pdscore::pipeline::Pipeline;

use crate::error::WebError;

/// The limits that keep one user from starving the others. Build with [`Limits::default`] and
/// the setters; [`Limits::check`] validates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body in bytes (uploads); larger is refused with 413.
    pub max_upload_bytes: usize,
    /// Most data rows per upload; more is refused with 413.
    pub max_rows: usize,
    /// Longest time a request may take (reading, waiting for a scoring slot, scoring).
    pub request_timeout: Duration,
    /// Scoring jobs run at the same time; further uploads wait for a slot.
    pub max_concurrent_jobs: usize,
    /// How long a result stays downloadable.
    pub result_ttl: Duration,
    /// Total memory budget of the kept results (estimated bytes); the oldest are evicted
    /// beyond it.
    pub result_store_bytes: usize,
    /// Longest wait for a request's headers, from the moment the connection is open or idle
    /// between requests: slow-header and idle keep-alive clients are disconnected after it.
    pub header_read_timeout: Duration,
    /// Most open connections; further clients wait in the listen backlog until one closes.
    pub max_connections: usize,
    /// Bytes of upload bodies (`POST`, by their `Content-Length`; the upload limit when not
    /// given) read and handled at once; further uploads wait before their bodies are read.
    /// At least [`Limits::max_upload_bytes`].
    pub upload_bytes_in_flight: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_upload_bytes: 50 * 1024 * 1024,
            max_rows: 1_000_000,
            request_timeout: Duration::from_mins(1),
            max_concurrent_jobs: 2,
            result_ttl: Duration::from_hours(1),
            result_store_bytes: 512 * 1024 * 1024,
            header_read_timeout: Duration::from_secs(10),
            max_connections: 8_192,
            upload_bytes_in_flight: 256 * 1024 * 1024,
        }
    }
}

impl Limits {
    /// Sets the upload limit in bytes. Default 50 MiB (52,428,800 bytes).
    pub fn max_upload_bytes(mut self, bytes: usize) -> Self {
        self.max_upload_bytes = bytes;
        self
    }

    /// Sets the row limit per upload. Default 1,000,000.
    pub fn max_rows(mut self, rows: usize) -> Self {
        self.max_rows = rows;
        self
    }

    /// Sets the request timeout. Default 60 s.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Sets the number of scoring jobs run at once. Default 2.
    pub fn max_concurrent_jobs(mut self, jobs: usize) -> Self {
        self.max_concurrent_jobs = jobs;
        self
    }

    /// Sets how long results are kept. Default 1 hour.
    pub fn result_ttl(mut self, ttl: Duration) -> Self {
        self.result_ttl = ttl;
        self
    }

    /// Sets the memory budget of kept results in bytes. Default 512 MiB.
    pub fn result_store_bytes(mut self, bytes: usize) -> Self {
        self.result_store_bytes = bytes;
        self
    }

    /// Sets the header-read (and keep-alive idle) timeout. Default 10 s.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Sets the most open connections. Default 8,192.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections;
        self
    }

    /// Sets the bytes of upload bodies read and handled at once. Default 256 MiB (five uploads
    /// of the default 50 MiB limit; thousands of small JSON requests).
    pub fn upload_bytes_in_flight(mut self, bytes: usize) -> Self {
        self.upload_bytes_in_flight = bytes;
        self
    }

    /// Checks every limit is usable.
    ///
    /// # Errors
    /// [`WebError::InvalidSetting`] naming the first bad limit.
    pub fn check(&self) -> Result<(), WebError> {
        let bad = |name, value: String, reason| {
            Err(WebError::InvalidSetting {
                name,
                value,
                reason,
            })
        };
        if self.max_upload_bytes == 0 {
            return bad("max_upload_bytes", "0".into(), "at least 1 byte");
        }
        if self.max_rows == 0 {
            return bad("max_rows", "0".into(), "at least 1 row");
        }
        if self.request_timeout.is_zero() {
            return bad("request_timeout", "0 s".into(), "longer than zero");
        }
        if self.max_concurrent_jobs == 0 {
            return bad("max_concurrent_jobs", "0".into(), "at least 1 job");
        }
        if self.result_ttl.is_zero() {
            return bad("result_ttl", "0 s".into(), "longer than zero");
        }
        if self.result_store_bytes == 0 {
            return bad("result_store_bytes", "0".into(), "at least 1 byte");
        }
        if self.header_read_timeout.is_zero() {
            return bad("header_read_timeout", "0 s".into(), "longer than zero");
        }
        if self.upload_bytes_in_flight < self.max_upload_bytes {
            return bad(
                "upload_bytes_in_flight",
                self.upload_bytes_in_flight.to_string(),
                "at least the upload limit (max_upload_bytes)",
            );
        }
        if self.max_connections == 0 {
            return bad("max_connections", "0".into(), "at least 1 connection");
        }
        Ok(())
    }
}

/// Where the served model comes from.
#[derive(Debug, Clone)]
pub enum ModelSource {
    /// A pipeline file written by `pdscore train` (loaded and checked at start-up).
    File(PathBuf),
    /// A pipeline already in memory.
    Loaded(Box<Pipeline>),
}

/// Everything [`crate::serve`] needs: the model, the address and the limits.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The model to serve.
    pub model: ModelSource,
    /// Address to listen on. Default `127.0.0.1:8080`; port 0 picks a free port (the chosen
    /// address is logged and printed).
    pub addr: SocketAddr,
    /// Limits. Default [`Limits::default`].
    pub limits: Limits,
}

impl ServeConfig {
    /// A config serving `model` on `127.0.0.1:8080` with the default limits.
    pub fn new(model: ModelSource) -> Self {
        ServeConfig {
            model,
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            limits: Limits::default(),
        }
    }

    /// Sets the listening address. Default `127.0.0.1:8080`.
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Sets the limits. Default [`Limits::default`].
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Checks the limits.
    ///
    /// # Errors
    /// [`WebError::InvalidSetting`].
    pub fn check(&self) -> Result<(), WebError> {
        self.limits.check()
    }

    /// Loads (or takes) the pipeline.
    ///
    /// # Errors
    /// [`WebError::Model`] when the file cannot be loaded.
    pub fn load_model(&self) -> Result<Pipeline, WebError> {
        match &self.model {
            ModelSource::File(path) => Pipeline::load(path).map_err(WebError::Model),
            ModelSource::Loaded(p) => Ok((**p).clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_limits_pass_and_zero_limits_are_named() {
        assert!(Limits::default().check().is_ok());
        assert_eq!(Limits::default().max_upload_bytes, 50 * 1024 * 1024);
        let err = Limits::default().max_concurrent_jobs(0).check();
        assert!(matches!(
            err,
            Err(WebError::InvalidSetting {
                name: "max_concurrent_jobs",
                ..
            })
        ));
        let err = Limits::default()
            .max_upload_bytes(10 << 20)
            .upload_bytes_in_flight(1 << 20)
            .check();
        assert!(matches!(
            err,
            Err(WebError::InvalidSetting {
                name: "upload_bytes_in_flight",
                ..
            })
        ));
        let err = Limits::default()
            .header_read_timeout(Duration::ZERO)
            .check();
        assert!(matches!(
            err,
            Err(WebError::InvalidSetting {
                name: "header_read_timeout",
                ..
            })
        ));
        let err = Limits::default().request_timeout(Duration::ZERO).check();
        assert!(matches!(
            err,
            Err(WebError::InvalidSetting {
                name: "request_timeout",
                ..
            })
        ));
    }
}
