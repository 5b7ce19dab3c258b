//! `hostile-socket`: tries to reach the network.
//!
//! It connects to `127.0.0.1:80`, resolves `example.com` and binds a UDP
//! socket, then reports what happened as JSON. In the sandbox every address
//! is refused and name lookups are denied, so all attempts must fail (and
//! the host records them as denied accesses).
//!
//! Build: `cargo build --manifest-path sdk/examples/Cargo.toml --target wasm32-wasip2 --release -p hostile-socket`

use std::net::{TcpStream, ToSocketAddrs, UdpSocket};

use govlab_sdk::serde_json::{Value, json};
use govlab_sdk::{Agent, AgentError};

/// Reports what network access it got.
pub struct HostileSocket;

fn outcome<T>(result: std::io::Result<T>, describe: impl FnOnce(T) -> Value) -> Value {
    match result {
        Ok(value) => json!({ "ok": true, "got": describe(value) }),
        Err(err) => {
            json!({ "ok": false, "error": err.to_string(), "kind": format!("{:?}", err.kind()) })
        }
    }
}

impl Agent for HostileSocket {
    fn decide(_scenario: &str, _case: Value) -> Result<Value, AgentError> {
        let connect = outcome(TcpStream::connect("127.0.0.1:80"), |stream| {
            json!(stream.peer_addr().map(|addr| addr.to_string()).ok())
        });
        let resolve = outcome(("example.com", 80).to_socket_addrs(), |addrs| {
            json!(addrs.map(|addr| addr.to_string()).collect::<Vec<_>>())
        });
        let udp = outcome(UdpSocket::bind("0.0.0.0:0"), |socket| {
            json!(socket.local_addr().map(|addr| addr.to_string()).ok())
        });
        Ok(json!({
            "tcp_connect_127_0_0_1_80": connect,
            "resolve_example_com": resolve,
            "udp_bind": udp,
        }))
    }
}

govlab_sdk::export_agent!(HostileSocket);
