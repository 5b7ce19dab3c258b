//! The JSON API over HTTP against the real router: each endpoint's happy
//! path and its clear errors (bad JSON, unknown scenario, too large, quota
//! and rate limits, unknown ids), CSRF on session calls, security headers,
//! metrics, the scoreboard cache, and the OpenAPI document against the
//! router's own route table.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeSet;

use govlab_portal::Role;
use serde_json::{Value, json};
use support::{call, get, send};

#[tokio::test]
async fn startup_flow_from_agent_to_scoreboard() {
    let lab = support::lab().await;
    let r = &lab.router;
    let a = Some(lab.team_a.as_str());
    let staff = Some(lab.staff.as_str());

    let me = get(r, "/api/me", a).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["role"], "startup");
    assert_eq!(me.body["team"], "team-a");
    assert_eq!(me.body["auth"], "bearer");

    let created = send(
        r,
        "POST",
        "/api/agents",
        a,
        &json!({"name": "triage", "scenario": "appeals-triage", "description": "rules"}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let agent_id = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(created.body["team"], "team-a");
    assert_eq!(
        created.headers["location"],
        format!("/api/agents/{agent_id}")
    );

    let again = send(
        r,
        "POST",
        "/api/agents",
        a,
        &json!({"name": "triage", "scenario": "appeals-triage"}),
    )
    .await;
    assert_eq!(again.status, 409);
    assert_eq!(again.code(), "conflict");

    let wasm = support::agent_wasm();
    let uploaded = call(
        r,
        "POST",
        &format!("/api/agents/{agent_id}/versions?notes=first%20try"),
        a,
        Some("application/wasm"),
        wasm,
    )
    .await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.body);
    let version_id = uploaded.body["id"].as_str().unwrap().to_owned();
    assert_eq!(uploaded.body["version"], 1);
    assert_eq!(uploaded.body["status"], "uploaded");
    assert_eq!(uploaded.body["notes"], "first try");
    assert_eq!(uploaded.body["sha256"].as_str().unwrap().len(), 64);

    let agent = get(r, &format!("/api/agents/{agent_id}"), a).await;
    assert_eq!(agent.status, 200);
    assert_eq!(agent.body["versions"][0]["id"], version_id.as_str());

    let listed = get(r, "/api/agents", a).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed.body["next_offset"], Value::Null);

    let version = get(r, &format!("/api/versions/{version_id}"), a).await;
    assert_eq!(version.status, 200);

    let pilot = send(
        r,
        "POST",
        "/api/pilots",
        a,
        &json!({"version_id": version_id, "split": "practice", "cases": 200}),
    )
    .await;
    assert_eq!(pilot.status, 201, "{}", pilot.body);
    let pilot_id = pilot.body["id"].as_str().unwrap().to_owned();
    assert_eq!(pilot.body["status"], "queued");
    assert_eq!(pilot.body["case_limit"], 200);

    let pilots = get(r, "/api/pilots?status=queued", a).await;
    assert_eq!(pilots.status, 200);
    assert_eq!(pilots.body["items"][0]["id"], pilot_id.as_str());
    let detail = get(r, &format!("/api/pilots/{pilot_id}"), a).await;
    assert_eq!(detail.body["access"], "full");
    let card = get(r, &format!("/api/pilots/{pilot_id}/scorecard"), a).await;
    assert_eq!(card.status, 404, "no scorecard before the pilot finishes");
    let cases = get(r, &format!("/api/pilots/{pilot_id}/cases"), a).await;
    assert_eq!(cases.status, 200);
    assert_eq!(cases.body["items"], json!([]));

    // Submit, approve, run an evaluation pilot as staff.
    let submitted = send(
        r,
        "POST",
        &format!("/api/versions/{version_id}/submit"),
        a,
        &json!({}),
    )
    .await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    assert_eq!(submitted.body["status"], "submitted");
    let twice = send(
        r,
        "POST",
        &format!("/api/versions/{version_id}/submit"),
        a,
        &json!({}),
    )
    .await;
    assert_eq!(twice.status, 409);
    let reviewed = send(
        r,
        "POST",
        &format!("/api/versions/{version_id}/review"),
        staff,
        &json!({"approve": true, "note": "good"}),
    )
    .await;
    assert_eq!(reviewed.status, 200, "{}", reviewed.body);
    assert_eq!(reviewed.body["status"], "approved");
    assert_eq!(reviewed.body["review_note"], "good");
    let eval = send(
        r,
        "POST",
        "/api/pilots",
        staff,
        &json!({"version_id": version_id, "split": "evaluation", "cases": 200}),
    )
    .await;
    assert_eq!(eval.status, 201, "{}", eval.body);
    let eval_id = eval.body["id"].as_str().unwrap().to_owned();

    // A worker finishes both; the scoreboard shows the agent's best.
    let t = govlab_portal::db::now_ms();
    support::finish_pilot(&lab.state, &pilot_id, 0.5, t).await;
    support::finish_pilot(&lab.state, &eval_id, 0.8, t).await;
    let board = get(r, "/api/scoreboard?scenario=appeals-triage", a).await;
    assert_eq!(board.status, 200, "{}", board.body);
    assert_eq!(board.body["split"], "evaluation");
    assert_eq!(board.body["rows"][0]["pilot_id"], eval_id.as_str());
    assert_eq!(board.body["rows"][0]["rank"], 1);
    assert_eq!(board.body["rows"][0]["composite"], 0.8);
    let practice = get(
        r,
        "/api/scoreboard?scenario=appeals-triage&split=practice",
        a,
    )
    .await;
    assert_eq!(practice.body["rows"][0]["pilot_id"], pilot_id.as_str());

    let card = get(r, &format!("/api/pilots/{eval_id}/scorecard"), a).await;
    assert_eq!(card.status, 200);
    assert!(card.body["certificate"].is_object());
    let detail = get(r, &format!("/api/pilots/{eval_id}"), a).await;
    assert_eq!(
        detail.body["access"], "scorecard",
        "own evaluation pilots: scorecard only"
    );
    assert!(
        detail.body["findings"]["first"].is_null(),
        "no per-case findings: {}",
        detail.body
    );
    assert!(
        detail.body["findings"]["by_rule"].is_object(),
        "findings counted per rule: {}",
        detail.body
    );
    let cases = get(r, &format!("/api/pilots/{pilot_id}/cases?limit=2"), a).await;
    assert_eq!(cases.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(cases.body["next_offset"], 2);
    let rest = get(
        r,
        &format!("/api/pilots/{pilot_id}/cases?limit=2&offset=2"),
        a,
    )
    .await;
    assert_eq!(rest.body["items"][0]["idx"], 2);
    assert_eq!(rest.body["next_offset"], Value::Null);

    let compare = get(r, &format!("/api/compare?a={pilot_id}&b={eval_id}"), staff).await;
    assert_eq!(compare.status, 200, "{}", compare.body);
    let delta = compare.body["delta"]["composite"].as_f64().unwrap();
    assert!((delta - 0.3).abs() < 1e-9, "{delta}");
    assert_eq!(compare.body["delta"]["fairness"], Value::Null);

    let audit = get(r, "/api/audit?limit=50", staff).await;
    assert_eq!(audit.status, 200);
    let actions: BTreeSet<&str> = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in ["agent_create", "upload", "submit", "approve", "run"] {
        assert!(actions.contains(action), "audit has {action}: {actions:?}");
    }
}

#[tokio::test]
async fn scenarios_lab_key_and_switching_a_scenario_off() {
    let lab = support::lab().await;
    let r = &lab.router;
    let seed = support::seed(&lab.state).await;
    let list = get(r, "/api/scenarios", Some(&lab.investor)).await;
    assert_eq!(list.status, 200);
    let triage = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "appeals-triage")
        .expect("listed")
        .clone();
    assert_eq!(triage["enabled"], true);
    assert!(triage["practice_cases"].as_u64().unwrap() > 0);

    let key = get(r, "/api/lab-key", None).await;
    assert_eq!(key.status, 200);
    assert_eq!(
        key.body["public_key_hex"],
        lab.state.lab_key.public_key().to_hex()
    );

    let off = send(
        r,
        "PUT",
        "/api/scenarios/appeals-triage",
        Some(&lab.staff),
        &json!({"enabled": false}),
    )
    .await;
    assert_eq!(off.status, 200, "{}", off.body);
    let list = get(r, "/api/scenarios", Some(&lab.staff)).await;
    assert!(
        list.body
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == "appeals-triage" && s["enabled"] == false)
    );
    let refused = send(
        r,
        "POST",
        "/api/pilots",
        Some(&lab.team_a),
        &json!({"version_id": seed.version_a, "cases": 200}),
    )
    .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(
        refused.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("switched")
    );
    let unknown = send(
        r,
        "PUT",
        "/api/scenarios/no-such",
        Some(&lab.staff),
        &json!({"enabled": true}),
    )
    .await;
    assert_eq!(unknown.status, 400);
}

#[tokio::test]
async fn bad_bodies_and_queries_are_json_errors_that_say_what_to_change() {
    let lab = support::lab().await;
    let r = &lab.router;
    let a = Some(lab.team_a.as_str());
    let broken = call(
        r,
        "POST",
        "/api/agents",
        a,
        Some("application/json"),
        b"{\"name\": ".to_vec(),
    )
    .await;
    assert_eq!(broken.status, 400);
    assert_eq!(broken.code(), "bad_request");
    assert!(
        broken.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("JSON")
    );
    let no_type = call(r, "POST", "/api/agents", a, None, b"{}".to_vec()).await;
    assert_eq!(no_type.status, 400);
    assert!(
        no_type.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Content-Type")
    );
    let unknown_field = send(
        r,
        "POST",
        "/api/agents",
        a,
        &json!({"name": "x", "scenario": "appeals-triage", "colour": "red"}),
    )
    .await;
    assert_eq!(unknown_field.status, 400);
    assert!(
        unknown_field.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("colour")
    );
    let bad_name = send(
        r,
        "POST",
        "/api/agents",
        a,
        &json!({"name": "Bad Name", "scenario": "appeals-triage"}),
    )
    .await;
    assert_eq!(bad_name.status, 400);

    let unknown = send(
        r,
        "POST",
        "/api/agents",
        a,
        &json!({"name": "x", "scenario": "no-such-scenario"}),
    )
    .await;
    assert_eq!(unknown.status, 400);
    let message = unknown.body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("no-such-scenario") && message.contains("appeals-triage"),
        "{message}"
    );
    let board = get(r, "/api/scoreboard?scenario=no-such-scenario", a).await;
    assert_eq!(board.status, 400);
    let split = get(
        r,
        "/api/scoreboard?scenario=appeals-triage&split=training",
        a,
    )
    .await;
    assert_eq!(split.status, 400);
    let status = get(r, "/api/pilots?status=finished", a).await;
    assert_eq!(status.status, 400);
    let limit = get(r, "/api/agents?limit=many", a).await;
    assert_eq!(limit.status, 400);
    assert_eq!(limit.code(), "bad_request");
    let compare = get(r, "/api/compare?a=x", Some(&lab.staff)).await;
    assert_eq!(compare.status, 400);
    // What the OpenAPI document says, the handlers do: limits past the
    // maximum are refused (not clamped), split values are checked in every
    // list, and an empty parameter is an absent one.
    for path in [
        "/api/agents?limit=501",
        "/api/agents?limit=0",
        "/api/pilots?limit=501",
    ] {
        let reply = get(r, path, a).await;
        assert_eq!(reply.status, 400, "{path}");
        assert!(
            reply.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("1 to 500")
        );
    }
    assert_eq!(get(r, "/api/agents?limit=500", a).await.status, 200);
    assert_eq!(get(r, "/api/pilots?split=training", a).await.status, 400);
    assert_eq!(get(r, "/api/pilots?scenario=no-such", a).await.status, 400);
    assert_eq!(get(r, "/api/pilots?split=&scenario=", a).await.status, 200);
    assert_eq!(
        get(r, "/api/scoreboard?scenario=&split=", a).await.status,
        200
    );
}

#[tokio::test]
async fn uploads_are_checked_for_type_content_and_size() {
    let lab = support::lab_with(|c| c.limits.upload_max_bytes = 4096).await;
    let r = &lab.router;
    let seed = support::seed(&lab.state).await;
    let a = Some(lab.team_a.as_str());
    let path = format!("/api/agents/{}/versions", seed.agent_a);
    let wrong_type = call(
        r,
        "POST",
        &path,
        a,
        Some("application/octet-stream"),
        b"\0asm".to_vec(),
    )
    .await;
    assert_eq!(wrong_type.status, 400);
    assert!(
        wrong_type.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("application/wasm")
    );
    let garbage = call(
        r,
        "POST",
        &path,
        a,
        Some("application/wasm"),
        b"not a component".to_vec(),
    )
    .await;
    assert_eq!(garbage.status, 400);
    assert!(
        garbage.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("sandbox"),
        "{}",
        garbage.body
    );
    let empty = call(r, "POST", &path, a, Some("application/wasm"), Vec::new()).await;
    assert_eq!(empty.status, 400);
    let big = call(
        r,
        "POST",
        &path,
        a,
        Some("application/wasm"),
        vec![0u8; 5000],
    )
    .await;
    assert_eq!(big.status, 413);
    assert_eq!(big.code(), "too_large");
    assert!(
        big.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("4096")
    );
}

#[tokio::test]
async fn bodies_over_the_cap_are_413_with_the_json_error() {
    let lab = support::lab_with(|c| c.limits.body_max_bytes = 1024).await;
    let r = &lab.router;
    let description = "x".repeat(2000);
    let big = send(
        r,
        "POST",
        "/api/agents",
        Some(&lab.team_a),
        &json!({"name": "big", "scenario": "appeals-triage", "description": description}),
    )
    .await;
    assert_eq!(big.status, 413);
    assert_eq!(big.code(), "too_large");
    assert!(
        big.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("1024")
    );
    assert!(big.headers.contains_key("x-content-type-options"));

    // A streamed body with no Content-Length is cut off at the cap too.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..4).map(|_| Ok(vec![b' '; 512])).collect();
    let body = axum::body::Body::from_stream(futures_util::stream::iter(chunks));
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/api/agents")
        .header("authorization", format!("Bearer {}", lab.team_a))
        .header("content-type", "application/json")
        .body(body)
        .unwrap();
    let response = tower::ServiceExt::oneshot(r.clone(), request)
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(&bytes).expect("JSON error");
    assert_eq!(body["error"]["code"], "too_large");
}

#[tokio::test]
async fn evaluation_quota_is_enforced_with_retry_after() {
    let lab = support::lab_with(|c| c.limits.evaluation_submissions_per_day = 1).await;
    let r = &lab.router;
    let seed = support::seed(&lab.state).await;
    // The seed already used team-a's submission today (v2 and v3); team-b
    // has its one.
    let refused = send(
        r,
        "POST",
        &format!("/api/versions/{}/submit", seed.version_a),
        Some(&lab.team_a),
        &json!({}),
    )
    .await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert_eq!(refused.code(), "rate_limited");
    let retry: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=86_400).contains(&retry));
    let ok = send(
        r,
        "POST",
        &format!("/api/versions/{}/submit", seed.version_b),
        Some(&lab.team_b),
        &json!({}),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
}

#[tokio::test]
async fn pilot_requests_are_rate_limited_per_principal() {
    let lab = support::lab_with(|c| c.limits.run_per_minute = 2).await;
    let r = &lab.router;
    let seed = support::seed(&lab.state).await;
    let body = json!({"version_id": seed.version_a, "cases": 200});
    for _ in 0..2 {
        let ok = send(r, "POST", "/api/pilots", Some(&lab.team_a), &body).await;
        assert_eq!(ok.status, 201, "{}", ok.body);
    }
    let limited = send(r, "POST", "/api/pilots", Some(&lab.team_a), &body).await;
    assert_eq!(limited.status, 429);
    assert!(
        limited.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    // Staff has its own bucket.
    let staff = send(r, "POST", "/api/pilots", Some(&lab.staff), &body).await;
    assert_eq!(staff.status, 201);
    let too_many_cases = send(
        r,
        "POST",
        "/api/pilots",
        Some(&lab.staff),
        &json!({"version_id": seed.version_a, "cases": 1_000_000}),
    )
    .await;
    assert_eq!(too_many_cases.status, 400);
}

#[tokio::test]
async fn unknown_and_foreign_ids_are_the_same_404() {
    let lab = support::lab().await;
    let r = &lab.router;
    let seed = support::seed(&lab.state).await;
    let b = Some(lab.team_b.as_str());
    for (foreign, unknown) in [
        (
            format!("/api/agents/{}", seed.agent_a),
            "/api/agents/ffffffffffffffffffffffffffffffff".to_owned(),
        ),
        (
            format!("/api/versions/{}", seed.version_a),
            "/api/versions/ffffffffffffffffffffffffffffffff".to_owned(),
        ),
        (
            format!("/api/pilots/{}", seed.pilot_practice),
            "/api/pilots/ffffffffffffffffffffffffffffffff".to_owned(),
        ),
        (
            format!("/api/pilots/{}/cases", seed.pilot_practice),
            "/api/pilots/ffffffffffffffffffffffffffffffff/cases".to_owned(),
        ),
    ] {
        let f = get(r, &foreign, b).await;
        let u = get(r, &unknown, b).await;
        assert_eq!(
            (f.status.as_u16(), u.status.as_u16()),
            (404, 404),
            "{foreign}"
        );
        assert_eq!(f.code(), u.code());
        // The message names only the id asked for.
        let message = f.body["error"]["message"].as_str().unwrap();
        assert!(
            !message.contains("team-a") && !message.contains("alpha"),
            "{message}"
        );
    }
    let pilots = get(r, "/api/pilots", b).await;
    assert!(
        pilots.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["team"] == "team-b")
    );
    let agents = get(r, "/api/agents", b).await;
    assert!(
        agents.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["team"] == "team-b")
    );
    let no_route = get(r, "/api/nothing-here", b).await;
    assert_eq!(no_route.status, 404);
}

#[tokio::test]
async fn session_calls_need_the_csrf_header_bearer_calls_do_not() {
    let lab = support::lab().await;
    let r = &lab.router;
    let without = support::session(&lab.state, Role::Startup, Some("team-a"), false).await;
    let with = support::session(&lab.state, Role::Startup, Some("team-a"), true).await;
    let body = json!({"name": "from-browser", "scenario": "appeals-triage"});
    let refused = send(r, "POST", "/api/agents", Some(&without), &body).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.code(), "csrf");
    let me = get(r, "/api/me", Some(&without)).await;
    assert_eq!(me.status, 200, "reads need no CSRF token");
    assert_eq!(me.body["auth"], "session");
    assert!(
        me.body["csrf_token"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    let accepted = send(r, "POST", "/api/agents", Some(&with), &body).await;
    assert_eq!(accepted.status, 201, "{}", accepted.body);
    let wrong = format!("{}x", with);
    let wrong_token = send(
        r,
        "POST",
        "/api/agents",
        Some(&wrong),
        &json!({"name": "other", "scenario": "appeals-triage"}),
    )
    .await;
    assert_eq!(wrong_token.status, 403);
    let bearer = send(
        r,
        "POST",
        "/api/agents",
        Some(&lab.team_a),
        &json!({"name": "from-cli", "scenario": "appeals-triage"}),
    )
    .await;
    assert_eq!(bearer.status, 201);
    let bad_token = get(r, "/api/me", Some("glt_not-a-token")).await;
    assert_eq!(bad_token.status, 401);
    assert_eq!(bad_token.code(), "unauthenticated");
}

#[tokio::test]
async fn every_response_has_the_security_headers() {
    let lab = support::lab().await;
    for (path, token) in [
        ("/api/me", Some(lab.team_a.as_str())),
        ("/api/me", None),
        ("/no/such/page", None),
        ("/healthz", None),
    ] {
        let reply = get(&lab.router, path, token).await;
        let csp = reply.headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("script-src 'self' 'unsafe-inline'"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(reply.headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(reply.headers["x-frame-options"], "DENY");
        assert!(reply.headers.contains_key("referrer-policy"));
    }
}

#[tokio::test]
async fn metrics_count_routes_by_template_and_pilots_by_status() {
    let lab = support::lab().await;
    let r = &lab.router;
    let seed = support::seed(&lab.state).await;
    get(r, "/api/me", Some(&lab.team_a)).await;
    get(
        r,
        &format!("/api/pilots/{}", seed.pilot_practice),
        Some(&lab.team_a),
    )
    .await;
    get(
        r,
        &format!("/api/pilots/{}", seed.pilot_b),
        Some(&lab.team_a),
    )
    .await;
    call(
        r,
        "POST",
        &format!("/api/agents/{}/versions", seed.agent_a),
        Some(&lab.team_a),
        Some("application/wasm"),
        b"nope".to_vec(),
    )
    .await;
    let metrics = get(r, "/metrics", None).await;
    assert_eq!(metrics.status, 200);
    assert!(
        metrics.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = metrics.body.as_str().expect("text");
    for line in [
        "govlab_http_requests_total{route=\"/api/me\",method=\"GET\",status=\"200\"} 1",
        "govlab_http_requests_total{route=\"/api/pilots/{id}\",method=\"GET\",status=\"200\"} 1",
        "govlab_http_requests_total{route=\"/api/pilots/{id}\",method=\"GET\",status=\"404\"} 1",
        "govlab_http_request_duration_seconds_count{route=\"/api/me\"} 1",
        "govlab_pilots{status=\"done\"} 3",
        "govlab_pilots{status=\"queued\"} 1",
        "govlab_worker_queue_depth 1",
        "govlab_uploads_total{result=\"refused\"} 1",
        "govlab_logins_total{result=\"ok\"} 0",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line:?} in\n{text}"
        );
    }
    assert!(
        !text.contains(&seed.pilot_practice),
        "ids never become labels"
    );
}

#[tokio::test]
async fn scoreboard_picks_up_a_newly_finished_pilot_within_a_second() {
    let lab = support::lab_with(|c| c.public_scoreboard = true).await;
    let r = &lab.router;
    let seed = support::seed(&lab.state).await;
    let page = "/scoreboard?scenario=appeals-triage&split=practice";
    // Render the page once so its cached body exists before the change.
    let page_before = get(r, page, None).await;
    assert_eq!(page_before.status, 200);
    let before = get(
        r,
        "/api/scoreboard?scenario=appeals-triage&split=practice",
        None,
    )
    .await;
    assert_eq!(before.status, 200);
    let rows = before.body["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{}", before.body);
    assert_eq!(rows[0]["team"], "team-a");
    // team-b's agent now beats team-a's.
    let pilot = support::queue_pilot(&lab.state, &seed.version_b, "practice").await;
    support::finish_pilot(&lab.state, &pilot, 0.99, govlab_portal::db::now_ms()).await;
    tokio::time::sleep(
        govlab_portal::scoreboard_cache::RECHECK + std::time::Duration::from_millis(50),
    )
    .await;
    let after = get(
        r,
        "/api/scoreboard?scenario=appeals-triage&split=practice",
        None,
    )
    .await;
    assert_eq!(after.body["rows"][0]["team"], "team-b", "{}", after.body);
    assert_eq!(after.body["rows"][0]["pilot_id"], pilot.as_str());
    let history = after.body["rows"][0]["history"].as_array().unwrap();
    assert_eq!(history.len(), 1);
    // The page's cached body belongs to the old board: it is re-rendered.
    let page_after = get(r, page, None).await;
    let html = page_after.body.as_str().unwrap_or_default();
    assert!(
        html.contains(&format!("/pilots/{pilot}")),
        "the scoreboard page shows the new pilot"
    );
    assert!(
        !page_before
            .body
            .as_str()
            .unwrap_or_default()
            .contains(&format!("/pilots/{pilot}"))
    );
}

#[tokio::test]
async fn lists_are_paginated() {
    let lab = support::lab().await;
    let r = &lab.router;
    let _seed = support::seed(&lab.state).await;
    let first = get(r, "/api/agents?limit=1", Some(&lab.staff)).await;
    assert_eq!(first.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(first.body["next_offset"], 1);
    let second = get(r, "/api/agents?limit=1&offset=1", Some(&lab.staff)).await;
    assert_eq!(second.body["next_offset"], Value::Null);
    assert_ne!(first.body["items"][0]["id"], second.body["items"][0]["id"]);
    let pilots = get(r, "/api/pilots?limit=2", Some(&lab.staff)).await;
    assert_eq!(pilots.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(pilots.body["next_offset"], 2);
    assert!(
        pilots.body["items"][0].get("scorecard").is_none(),
        "lists carry no documents"
    );
    let rest = get(r, "/api/pilots?limit=10&offset=2", Some(&lab.staff)).await;
    assert_eq!(rest.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(rest.body["next_offset"], Value::Null);
    let audit = get(r, "/api/audit?limit=1", Some(&lab.staff)).await;
    assert_eq!(audit.status, 200);
}

/// Routes in the document served by other modules.
const DOCUMENTED_ELSEWHERE: [(&str, &str); 2] =
    [("get", "/api/pilots/{id}/events"), ("get", "/metrics")];

#[tokio::test]
async fn openapi_documents_exactly_the_api_routes() {
    let lab = support::lab().await;
    let reply = get(&lab.router, "/api/openapi.json", None).await;
    assert_eq!(reply.status, 200);
    let spec = reply.body;
    assert_eq!(spec["openapi"], "3.1.0");
    let schemes = &spec["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["csrf"]["name"], "X-CSRF-Token");
    let mut documented = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            assert!(
                op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                "{method} {path} has responses"
            );
            assert!(op["summary"].is_string(), "{method} {path} has a summary");
            let params: Vec<&str> = op["parameters"]
                .as_array()
                .map(|p| {
                    p.iter()
                        .filter(|p| p["in"] == "path")
                        .filter_map(|p| p["name"].as_str())
                        .collect()
                })
                .unwrap_or_default();
            for segment in path.split('/').filter(|s| s.starts_with('{')) {
                let name = segment.trim_matches(|c| c == '{' || c == '}');
                assert!(
                    params.contains(&name),
                    "{method} {path} documents path parameter {name}"
                );
            }
            documented.insert((method.clone(), path.clone()));
        }
    }
    let mut routed: BTreeSet<(String, String)> = govlab_portal::api::ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    routed.extend(
        DOCUMENTED_ELSEWHERE
            .iter()
            .map(|(m, p)| ((*m).to_owned(), (*p).to_owned())),
    );
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from openapi.json: {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "openapi.json documents routes the API does not serve: {unrouted:?}"
    );
    // Every $ref resolves.
    let text = spec.to_string();
    for piece in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = piece.split('"').next().unwrap();
        assert!(
            spec["components"]["schemas"].get(name).is_some(),
            "dangling $ref {name}"
        );
    }
}

#[tokio::test]
async fn the_cli_client_lists_the_real_apis_agents() {
    // `govlab submit` finds an existing agent by name through this client:
    // it must read the API's own page shape (`items`), not a guess.
    let lab = support::lab().await;
    let created = send(
        &lab.router,
        "POST",
        "/api/agents",
        Some(lab.team_a.as_str()),
        &json!({"name": "triage", "scenario": "appeals-triage"}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = lab
        .router
        .clone()
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client =
        govlab_portal::auth::client::PortalClient::new(&format!("http://{addr}"), &lab.team_a)
            .unwrap();
    let agents = client.list_agents().await.unwrap();
    assert_eq!(agents.len(), 1, "{agents:?}");
    assert_eq!(agents[0].name, "triage");
    assert_eq!(agents[0].id, created.body["id"].as_str().unwrap());
}
