//! `caseload serve`: reads the scenario files named, binds the address,
//! says where to open the page, and answers until Ctrl-C.

use super::{Console, load_all, warn_all};
use crate::error::{Error, Result};
use crate::request::{Scenarios, Serve};
use crate::serve;

pub fn serve(request: &Serve, console: &mut Console) -> Result<()> {
    let loaded = load_all(&Scenarios {
        files: request.files.clone(),
        sets: Vec::new(),
    })?;
    warn_all(&loaded, console)?;
    let runtime = serve::runtime()?;
    let server = runtime.block_on(serve::bind(serve::Config {
        address: request.address,
        files: loaded,
    }))?;
    let address = server.address();
    if !serve::is_loopback(&address) {
        console.warn(format_args!(
            "listening on {address}: anyone who can reach this computer over the network can use the page and make it simulate; use --bind 127.0.0.1 to keep it to this computer"
        ))?;
    }
    let shown = if address.ip().is_unspecified() {
        format!("http://127.0.0.1:{}/", address.port())
    } else {
        format!("http://{address}/")
    };
    console.say(format_args!(
        "The workshop page is at {shown} (open it in a web browser; Ctrl-C stops the server)."
    ))?;
    console.out.flush().map_err(|e| Error::io("standard output", e))?;
    runtime.block_on(server.run(serve::stop_signal()))?;
    console.say("caseload serve: stopped.")
}
