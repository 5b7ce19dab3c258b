//! `govlab-portal`: the lab's axum web app (accounts and OAuth2, agent
//! uploads, pilot runs, scoreboard). Empty until its issue is taken; it will
//! be the only crate that knows HTTP and the API's JSON wire format, and it
//! will run pilots through `govlab_scenarios::runner::run_pilot`.
