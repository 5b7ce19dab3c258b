//! A minimal blocking HTTP/1.1 client for OTLP/HTTP export to a plain-http collector.
//!
//! The OTLP exporter runs on the SDK's own export threads (batch span
//! processor, periodic metric reader), which drive the async `send_bytes`
//! with a simple executor, so blocking I/O here is fine and spares us
//! reqwest, hyper and a Tokio runtime. One request per connection
//! (`Connection: close`); TLS is not supported: point
//! `OTEL_EXPORTER_OTLP_ENDPOINT` at a local collector (`http://…:4318`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};

/// Largest response body read back from a collector.
const MAX_RESPONSE_BYTES: u64 = 4 << 20;

/// Blocking HTTP/1.1 client over `std::net`.
#[derive(Debug, Clone)]
pub(crate) struct StdHttpClient {
    pub(crate) timeout: Duration,
}

#[async_trait::async_trait]
impl HttpClient for StdHttpClient {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        send(request, self.timeout)
    }
}

fn send(request: Request<Bytes>, timeout: Duration) -> Result<Response<Bytes>, HttpError> {
    let uri = request.uri();
    if uri.scheme_str() != Some("http") {
        return Err(format!(
            "cannot export to '{uri}': only plain http:// collectors are supported"
        )
        .into());
    }
    let host = uri
        .host()
        .ok_or_else(|| format!("endpoint '{uri}' has no host"))?;
    let port = uri.port_u16().unwrap_or(80);
    let path = uri.path_and_query().map_or("/", |pq| pq.as_str());

    let addr = (host, port)
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| format!("cannot resolve collector host '{host}'"))?;
    let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;

    let mut head = format!(
        "{} {path} HTTP/1.1\r\nHost: {host}:{port}\r\n",
        request.method()
    );
    for (name, value) in request.headers() {
        if name == http::header::CONTENT_LENGTH || name == http::header::CONNECTION {
            continue;
        }
        head.push_str(name.as_str());
        head.push_str(": ");
        head.push_str(value.to_str()?);
        head.push_str("\r\n");
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        request.body().len()
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(request.body())?;
    stream.flush()?;

    read_response(BufReader::new(stream))
}

fn read_response(mut reader: impl BufRead) -> Result<Response<Bytes>, HttpError> {
    let mut status_line = String::new();
    reader.read_line(&mut status_line)?;
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| {
            format!(
                "collector sent a malformed status line '{}'",
                status_line.trim_end()
            )
        })?;
    let mut builder = Response::builder().status(status);
    let mut content_length: Option<u64> = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                content_length = value.parse().ok();
            }
            builder = builder.header(name.trim(), value);
        }
    }
    let limit = content_length
        .unwrap_or(MAX_RESPONSE_BYTES)
        .min(MAX_RESPONSE_BYTES);
    let mut body = Vec::new();
    reader.take(limit).read_to_end(&mut body)?;
    Ok(builder.body(Bytes::from(body))?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn parses_a_response_with_a_body() {
        let raw = b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nnopeEXTRA";
        let response = read_response(&raw[..]).unwrap();
        assert_eq!(response.status(), 400);
        assert_eq!(response.body().as_ref(), b"nope");
    }

    #[test]
    fn rejects_a_malformed_status_line() {
        let err = read_response(&b"garbage\r\n\r\n"[..]).unwrap_err();
        assert!(err.to_string().contains("malformed status line"), "{err}");
    }

    #[test]
    fn refuses_https() {
        let request = Request::post("https://collector.example:4318/v1/traces")
            .body(Bytes::new())
            .unwrap();
        let err = send(request, Duration::from_secs(1)).unwrap_err();
        assert!(err.to_string().contains("only plain http://"), "{err}");
    }
}
