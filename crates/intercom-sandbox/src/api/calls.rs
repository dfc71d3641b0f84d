//! A call's files: `GET /calls/{id}/recording` answers a redirect to a short-lived download
//! address (Intercom signs one on its file host; the sandbox serves the file itself, under
//! `/_sandbox/files/`), and `GET /calls/{id}/transcript` answers the transcript as plain text
//! with a download file name. Both are 404 for a call the sandbox does not have.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

const CALLS: &str = "calls";
/// How long a download address stays valid, in seconds.
const DOWNLOAD_TTL: i64 = 600;

fn call_exists(state: &AppState, id: &str, what: &str) -> ApiResult<()> {
    match state.tx(|s| Ok(s.record_get(CALLS, id)?))? {
        Some(_) => Ok(()),
        None => Err(ApiError::not_found(
            "not_found",
            &format!("{what} Not Found: the sandbox has no call {id:?}"),
        )),
    }
}

/// The scheme and host the client reached the sandbox by, for absolute download addresses.
fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

pub(crate) async fn recording(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    call_exists(&state, &id, "Recording")?;
    let expires = state.now() + DOWNLOAD_TTL;
    let mut location = url::Url::parse(&origin(&headers))
        .unwrap_or_else(|_| url::Url::parse("http://127.0.0.1").expect("a valid URL"));
    location
        .path_segments_mut()
        .expect("an http URL has a path")
        .extend(["_sandbox", "files", "calls", &id, "recording.wav"]);
    location
        .query_pairs_mut()
        .append_pair("expires", &expires.to_string());
    Ok((
        StatusCode::FOUND,
        [(header::LOCATION, location.to_string())],
    )
        .into_response())
}

pub(crate) async fn transcript(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    call_exists(&state, &id, "Transcript")?;
    let day = jiff::Timestamp::from_second(state.now())
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_else(|_| "1970-01-01".to_owned());
    let text = format!(
        "[00:00:02] Teammate: Good morning, you are through to the sandbox's support line.\n\
         [00:00:07] Caller: Hello, I am calling about call {id}.\n\
         [00:00:12] Teammate: Thanks, I have it in front of me.\n"
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=transcription_data-{day}.txt"),
            ),
        ],
        text,
    )
        .into_response())
}

#[derive(serde::Deserialize)]
pub(crate) struct Download {
    expires: Option<String>,
}

/// The file a recording's download address names: a second of silence as 8 kHz mono WAV.
/// An address past its expiry is refused, as a signed one would be.
pub(crate) async fn recording_file(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(download): Query<Download>,
) -> ApiResult<Response> {
    let Some(expires) = download
        .expires
        .as_deref()
        .and_then(|e| e.parse::<i64>().ok())
    else {
        return Err(ApiError::invalid(
            "expires",
            "expires must be the Unix time the download address carries; ask GET /calls/{id}/recording for a new one",
        ));
    };
    if expires < state.now() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "expired",
            format!(
                "This download address expired at {expires}; ask GET /calls/{id}/recording for a new one"
            ),
        ));
    }
    call_exists(&state, &id, "Recording")?;
    Ok(([(header::CONTENT_TYPE, "audio/wav")], silence_wav()).into_response())
}

/// One second of 8-bit, 8 kHz mono silence, as a WAV file.
fn silence_wav() -> Vec<u8> {
    const RATE: u32 = 8000;
    let data = vec![0x80u8; RATE as usize];
    let mut out = Vec::with_capacity(44 + data.len());
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes()); // sample rate
    out.extend_from_slice(&RATE.to_le_bytes()); // bytes per second
    out.extend_from_slice(&1u16.to_le_bytes()); // block align
    out.extend_from_slice(&8u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&data);
    out
}
