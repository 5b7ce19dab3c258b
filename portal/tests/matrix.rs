//! The role × endpoint authorisation matrix: every API route, progress
//! stream and page route called by each kind of principal against a seeded
//! lab, with the status each must get.
//!
//! Each cell runs on a fresh seeded lab, so a write allowed in one cell
//! cannot change what another cell sees. To add a route, add a line to
//! [`MATRIX`]; `every_api_route_is_in_the_matrix` fails until every route
//! of the API router has one.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::{Lab, Seed};

/// One line per request:
///
/// `METHOD PATH | BODY | anon a b staff investor | public-anon`
///
/// - PATH and BODY may use the seed's placeholders (`{agent_a}`,
///   `{version_a}`, `{version_submitted}`, `{version_approved}`,
///   `{pilot_practice}`, `{pilot_eval}`, `{pilot_queued}`, `{agent_b}`,
///   `{version_b}`, `{pilot_b}`; see `support::Seed`).
/// - BODY: `-` for none, `@wasm` for the reference agent as
///   `application/wasm`, `form:a=1&b=2` for a urlencoded form, else JSON.
/// - Columns: anonymous, startup of team-a (which owns `*_a` and the
///   pilots but `pilot_b`), startup of team-b, staff, investor; the last
///   is anonymous again with `public_scoreboard = true`.
/// - A cell is an exact status (`200`) or a class (`2xx`, `4xx`).
///
/// Others' records answer 404 (their existence is not revealed); investors
/// get 403 on every write; anonymous callers get 401.
const MATRIX: &str = r#"
GET  /api/openapi.json                        | - | 200 200 200 200 200 | 200
GET  /api/me                                  | - | 401 200 200 200 200 | 401
GET  /api/lab-key                             | - | 200 200 200 200 200 | 200
GET  /api/scenarios                           | - | 401 200 200 200 200 | 200
PUT  /api/scenarios/appeals-triage            | {"enabled": false} | 401 403 403 200 403 | 401
GET  /api/scoreboard?scenario=appeals-triage  | - | 401 200 200 200 200 | 200
GET  /api/scoreboard?scenario=appeals-triage&split=practice | - | 401 200 200 200 200 | 200
GET  /api/agents                              | - | 401 200 200 200 403 | 401
POST /api/agents                              | {"name": "new-agent", "scenario": "appeals-triage", "team": "team-a"} | 401 201 201 201 403 | 401
GET  /api/agents/{agent_a}                    | - | 401 200 404 200 404 | 401
GET  /api/agents/{agent_b}                    | - | 401 404 200 200 404 | 401
GET  /api/agents/00000000000000000000000000000000 | - | 401 404 404 404 404 | 401
POST /api/agents/{agent_a}/versions?notes=n   | @wasm | 401 201 404 201 403 | 401
POST /api/agents/{agent_b}/versions           | @wasm | 401 404 201 201 403 | 401
GET  /api/versions/{version_a}                | - | 401 200 404 200 404 | 401
GET  /api/versions/{version_b}                | - | 401 404 200 200 404 | 401
POST /api/versions/{version_a}/submit         | - | 401 200 404 403 403 | 401
POST /api/versions/{version_b}/submit         | - | 401 404 200 403 403 | 401
POST /api/versions/{version_submitted}/review | {"approve": true, "note": "fine"} | 401 403 403 200 403 | 401
GET  /api/pilots                              | - | 401 200 200 200 200 | 401
POST /api/pilots                              | {"version_id": "{version_a}", "split": "practice", "cases": 200} | 401 201 404 201 403 | 401
POST /api/pilots                              | {"version_id": "{version_b}", "split": "practice", "cases": 200} | 401 404 201 201 403 | 401
POST /api/pilots                              | {"version_id": "{version_approved}", "split": "evaluation"} | 401 403 404 201 403 | 401
GET  /api/pilots/{pilot_practice}             | - | 401 200 404 200 200 | 200
GET  /api/pilots/{pilot_eval}                 | - | 401 200 404 200 200 | 200
GET  /api/pilots/{pilot_queued}               | - | 401 200 404 200 404 | 401
GET  /api/pilots/{pilot_b}                    | - | 401 404 200 200 200 | 200
GET  /api/pilots/{pilot_practice}/cases       | - | 401 200 404 200 403 | 403
GET  /api/pilots/{pilot_eval}/cases           | - | 401 403 404 200 403 | 403
GET  /api/pilots/{pilot_b}/cases              | - | 401 404 200 200 403 | 403
GET  /api/pilots/{pilot_practice}/scorecard   | - | 401 200 404 200 200 | 200
GET  /api/pilots/{pilot_b}/scorecard          | - | 401 404 200 200 200 | 200
GET  /api/pilots/{pilot_queued}/scorecard     | - | 401 404 404 404 404 | 401
GET  /api/compare?a={pilot_practice}&b={pilot_eval} | - | 401 403 403 200 403 | 401
GET  /api/audit                               | - | 401 403 403 200 403 | 401
GET  /metrics                                 | - | 200 200 200 200 200 | 200
GET  /healthz                                 | - | 200 200 200 200 200 | 200
GET  /readyz                                  | - | 200 200 200 200 200 | 200
# Live progress (server-sent events). Only finished pilots here: the stream
# of a queued pilot stays open until it ends (its 401/404 cells are the same
# code path, `actions::pilot_for`, as the JSON pilot rows above).
GET  /api/pilots/{pilot_practice}/events      | - | 401 200 404 200 200 | 200
GET  /pilots/{pilot_b}/events                 | - | 401 404 200 200 200 | 200
GET  /pilots/{pilot_eval}/events              | - | 401 200 404 200 200 | 200
# Pages: an anonymous visitor is sent to /login (303); errors are HTML
# pages with the same status as the API's; a successful form post
# redirects (303) to the page that shows its result.
GET  /                                        | - | 303 200 200 200 200 | 200
GET  /scoreboard?scenario=appeals-triage      | - | 303 200 200 200 200 | 200
GET  /pilots/{pilot_practice}                 | - | 303 200 404 200 200 | 200
GET  /pilots/{pilot_b}                        | - | 303 404 200 200 200 | 200
GET  /pilots/{pilot_queued}                   | - | 303 200 404 200 404 | 303
GET  /pilots/{pilot_practice}/verify          | - | 303 200 404 200 200 | 200
GET  /pilots/{pilot_b}/scorecard.json         | - | 303 404 200 200 200 | 200
GET  /agents                                  | - | 303 200 200 200 403 | 303
POST /agents                                  | form:name=page-agent&scenario=appeals-triage&team=team-a | 303 303 303 303 403 | 303
GET  /agents/{agent_a}                        | - | 303 200 404 200 404 | 303
GET  /agents/{agent_b}/upload                 | - | 303 404 200 200 404 | 303
POST /versions/{version_a}/submit             | form:- | 303 303 404 403 403 | 303
POST /versions/{version_b}/pilots             | form:split=practice&cases=200 | 303 404 303 303 403 | 303
POST /versions/{version_approved}/pilots      | form:split=evaluation | 303 403 404 303 403 | 303
POST /versions/{version_submitted}/review     | form:decision=approve&note=ok | 303 403 403 303 403 | 303
GET  /staff                                   | - | 303 403 403 200 403 | 303
POST /staff/scenarios/appeals-triage          | form:enabled=false | 303 403 403 303 403 | 303
GET  /compare?a={pilot_practice}&b={pilot_eval} | - | 303 403 403 200 403 | 303
GET  /login                                   | - | 200 200 200 200 200 | 200
GET  /assets/style.css                        | - | 200 200 200 200 200 | 200
"#;

/// One line of [`MATRIX`].
#[derive(Debug)]
struct Row {
    method: String,
    path: String,
    body: String,
    expected: Vec<String>,
}

fn rows() -> Vec<Row> {
    MATRIX
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let cols: Vec<&str> = line.split('|').map(str::trim).collect();
            assert_eq!(cols.len(), 4, "matrix line needs 4 columns: {line}");
            let (method, path) = cols[0]
                .split_once(char::is_whitespace)
                .expect("METHOD PATH");
            let mut expected: Vec<String> = cols[2].split_whitespace().map(str::to_owned).collect();
            expected.push(cols[3].to_owned());
            assert_eq!(
                expected.len(),
                6,
                "matrix line needs 6 expectations: {line}"
            );
            Row {
                method: method.to_owned(),
                path: path.trim().to_owned(),
                body: cols[1].to_owned(),
                expected,
            }
        })
        .collect()
}

const WHO: [&str; 6] = [
    "anonymous",
    "team-a",
    "team-b",
    "staff",
    "investor",
    "public anonymous",
];

fn status_matches(expected: &str, got: u16) -> bool {
    match expected.strip_suffix("xx") {
        Some(class) => class.parse::<u16>().is_ok_and(|c| got / 100 == c),
        None => expected.parse::<u16>().is_ok_and(|e| e == got),
    }
}

async fn run_cell(row: &Row, who: usize) -> Result<(), String> {
    let lab: Lab = if who == 5 {
        support::lab_with(|c| c.public_scoreboard = true).await
    } else {
        support::lab().await
    };
    let seed: Seed = support::seed(&lab.state).await;
    let token = match who {
        1 => Some(lab.team_a.as_str()),
        2 => Some(lab.team_b.as_str()),
        3 => Some(lab.staff.as_str()),
        4 => Some(lab.investor.as_str()),
        _ => None,
    };
    let path = seed.fill(&row.path);
    let (content_type, body) = match row.body.as_str() {
        "-" => (None, Vec::new()),
        "@wasm" => (Some("application/wasm"), support::agent_wasm()),
        other => match other.strip_prefix("form:") {
            Some(form) => (
                Some("application/x-www-form-urlencoded"),
                seed.fill(form).into_bytes(),
            ),
            None => (Some("application/json"), seed.fill(other).into_bytes()),
        },
    };
    let reply = support::call(&lab.router, &row.method, &path, token, content_type, body).await;
    if status_matches(&row.expected[who], reply.status.as_u16()) {
        Ok(())
    } else {
        Err(format!(
            "{} {} as {}: expected {}, got {} {}",
            row.method,
            row.path,
            WHO[who],
            row.expected[who],
            reply.status.as_u16(),
            reply.body
        ))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_by_endpoint_matrix() {
    let mut failures = Vec::new();
    let mut cells = 0;
    for row in rows() {
        for who in 0..WHO.len() {
            cells += 1;
            if let Err(failure) = run_cell(&row, who).await {
                failures.push(failure);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cells} matrix cells failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Whether a concrete matrix path is an instance of a route template.
fn instance_of(template: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && t.ends_with('}')) || t == p)
}

#[test]
fn every_api_route_is_in_the_matrix() {
    let rows = rows();
    let missing: Vec<String> = govlab_portal::api::ROUTES
        .iter()
        .filter(|(method, template)| {
            !rows.iter().any(|row| {
                row.method.eq_ignore_ascii_case(method) && instance_of(template, &row.path)
            })
        })
        .map(|(method, template)| format!("{} {template}", method.to_uppercase()))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without a matrix line: {missing:?}"
    );
}
