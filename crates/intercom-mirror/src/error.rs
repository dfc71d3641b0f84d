//! The mirror's one error type.

/// What can go wrong opening, syncing or asking the mirror.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database could not be opened or created.
    #[error("cannot open the mirror database {path}")]
    Open {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    /// A database statement failed.
    #[error("the mirror database failed")]
    Database(#[from] rusqlite::Error),
    /// The PostgreSQL store could not connect, or could not create or read its tables. `db`
    /// is the URL without its password.
    #[error("field `db`: cannot open the PostgreSQL mirror {db}: {message}")]
    Connect { db: String, message: String },
    /// A PostgreSQL statement failed.
    #[error("the PostgreSQL mirror failed: {message}")]
    Postgres { message: String },
    /// A bad argument: names the field and says what is allowed.
    #[error("field `{field}`: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// A request of the sync failed for good. What was written before it is kept, with its
    /// checkpoint: running the sync again goes on from there.
    #[error("the sync of {resource} stopped at a failed request; run it again to resume")]
    Api {
        resource: &'static str,
        #[source]
        source: intercom_client::Error,
    },
    /// Intercom answered something the mirror cannot read.
    #[error("unexpected answer for {resource}: {message}")]
    Unexpected {
        resource: &'static str,
        message: String,
    },
    /// Writing an export failed.
    #[error("cannot write the export")]
    Write(#[from] std::io::Error),
}

impl Error {
    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> Error {
        Error::Invalid {
            field,
            message: message.into(),
        }
    }
}
