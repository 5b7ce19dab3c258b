//! The HTML pages over HTTP: each page for the roles allowed (bearer API
//! tokens and anonymous visitors), forms with CSRF, error pages in English
//! and Spanish, the certificate check, uploads refused in words, and markup
//! that works on a phone.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use govlab_portal::auth::tokens;
use govlab_portal::db::now_ms;
use govlab_portal::model::{self, NewPilot};
use govlab_portal::{AppState, Config, Role};
use govlab_scoring::scorecard::{
    Dimension, Dimensions, Interval, SCORECARD_FORMAT, Scorecard, WallTime, Weights,
};
use tower::ServiceExt;

struct Lab {
    _dir: tempfile::TempDir,
    state: AppState,
    app: Router,
}

async fn lab(public_scoreboard: bool) -> Lab {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        public_scoreboard,
        ..Config::default()
    };
    let state = AppState::new(config).await.unwrap();
    let app = govlab_portal::router(state.clone());
    Lab {
        _dir: dir,
        state,
        app,
    }
}

struct Seeded {
    agent_id: String,
    version_id: String,
    pilot_id: String,
}

impl Lab {
    async fn token(&self, role: Role, team: Option<&str>) -> String {
        tokens::create(&self.state.db, role, team, "pages test")
            .await
            .unwrap()
            .secret
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, HeaderMap, String) {
        self.send(get(path, token)).await
    }

    async fn post_form(
        &self,
        path: &str,
        token: Option<&str>,
        cookie: Option<&str>,
        body: &str,
    ) -> (StatusCode, HeaderMap, String) {
        let mut request =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(body.to_owned())).unwrap())
            .await
    }

    /// A finished pilot of a new version of `team/name`, with a signed
    /// scorecard, telemetry, findings and per-case rows.
    async fn done_pilot(&self, team: &str, name: &str, split: &str, composite: f64) -> Seeded {
        let db = &self.state.db;
        let agent = match model::find_agent(db, team, name).await.unwrap() {
            Some(agent) => agent,
            None => model::create_agent(db, team, name, "appeals-triage", "test agent", "t")
                .await
                .unwrap(),
        };
        let sha = govlab_portal::store::sha256_hex(format!("{team}/{name}/{composite}").as_bytes());
        let version = model::create_version(db, &agent.id, &sha, 1234, "first try", "t")
            .await
            .unwrap();
        let pilot_id = model::create_pilot(
            db,
            &NewPilot {
                version: &version,
                agent: &agent,
                scenario_version: "1.0.0",
                split,
                case_limit: Some(3),
                requested_by: "t",
            },
        )
        .await
        .unwrap();
        let dim = |score: f64| Dimension {
            score: Some(score),
            interval: Some(Interval {
                low: (score - 3.0).max(0.0),
                high: (score + 3.0).min(100.0),
            }),
            figures: BTreeMap::from([("share".to_owned(), score / 100.0)]),
            ..Dimension::default()
        };
        let card = Scorecard {
            format: SCORECARD_FORMAT.to_owned(),
            scenario_id: "appeals-triage".into(),
            scenario_version: "1.0.0".into(),
            split: split.into(),
            agent_sha256: sha.clone(),
            dataset_hash: "d".repeat(64),
            cases: 200,
            minimum_cases: 200,
            dimensions: Dimensions {
                effectiveness: dim(composite),
                interoperability: dim(90.0),
                efficiency: dim(80.0),
                reliability: dim(100.0),
                compliance: dim(70.0),
                fairness: Dimension::default(),
            },
            weights: Weights {
                effectiveness: 0.4,
                interoperability: 0.15,
                efficiency: 0.1,
                reliability: 0.15,
                compliance: 0.1,
                fairness: 0.1,
            },
            composite: Some(composite),
            composite_interval: Some(Interval {
                low: composite - 2.0,
                high: composite + 2.0,
            }),
            wall_time: WallTime::default(),
        };
        let signed = self.state.lab_key.sign(&card).unwrap().to_json();
        let telemetry = serde_json::json!({
            "cases": 3, "by_outcome": {"ok": 2, "trap": 1},
            "fuel": {"median": 1000, "p95": 2000, "max": 2500},
            "peak_memory_bytes": {"median": 65536, "p95": 65536, "max": 131072},
            "latency_us": {"median": 120, "p95": 300, "max": 310},
            "findings": 1, "wall_ms": 5,
            "fuel_histogram": {"edges": [100, 1000, 10000], "counts": [1, 2]},
            "latency_histogram": {"edges": [10, 100, 1000], "counts": [1, 2]}
        });
        let findings = serde_json::json!({
            "by_rule": {"explanation-present": 1},
            "first": [{"case_id": "case-0002", "rule": "explanation-present",
                       "location": "/explanation", "message": "secret-detail-of-case"}]
        });
        sqlx::query(
            "UPDATE pilots SET status = 'done', finished_at = $2, cases_done = 3, cases_total = 3, \
             composite = $3, dim_effectiveness = $3, dim_interoperability = 90, dim_efficiency = 80, \
             dim_reliability = 100, dim_compliance = 70, scorecard = $4, telemetry = $5, findings = $6, \
             composite_low = $3 - 2, composite_high = $3 + 2 \
             WHERE id = $1",
        )
        .bind(&pilot_id)
        .bind(now_ms())
        .bind(composite)
        .bind(&signed)
        .bind(telemetry.to_string())
        .bind(findings.to_string())
        .execute(db)
        .await
        .unwrap();
        for (idx, outcome) in ["ok", "ok", "trap"].iter().enumerate() {
            sqlx::query(
                "INSERT INTO pilot_cases (pilot_id, idx, case_id, outcome, fuel, peak_memory_bytes, \
                 latency_us, findings) VALUES ($1, $2, $3, $4, 1000, 65536, 120, 0)",
            )
            .bind(&pilot_id)
            .bind(idx as i64)
            .bind(format!("case-{idx:04}"))
            .bind(*outcome)
            .execute(db)
            .await
            .unwrap();
        }
        Seeded {
            agent_id: agent.id,
            version_id: version.id,
            pilot_id,
        }
    }

    /// A browser session for `role`: through the token login form when the
    /// auth routes are there, else stored the way they store it. Returns
    /// the cookie header and the CSRF token the pages put in their forms.
    async fn session(&self, role: Role, team: Option<&str>) -> (String, String) {
        let token = self.token(role, team).await;
        let (status, headers, _) = self
            .post_form("/login", None, None, &format!("token={token}&next=%2F"))
            .await;
        let from_login = headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("govlab_session="))
            .and_then(|v| v.split(';').next())
            .filter(|v| status == StatusCode::SEE_OTHER && !v.is_empty())
            .map(str::to_owned);
        let cookie = match from_login {
            Some(secret) => format!("govlab_session={secret}"),
            None => {
                let id = format!("session-{}", govlab_portal::db::new_id());
                sqlx::query(
                    "INSERT INTO sessions (id_hash, subject, display_name, role, team, csrf, \
                     created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(govlab_portal::store::sha256_hex(id.as_bytes()))
                .bind(format!("user:{}", role.as_str()))
                .bind("Test User")
                .bind(role.as_str())
                .bind(team)
                .bind(format!("csrf-{}", govlab_portal::db::new_id()))
                .bind(now_ms())
                .bind(now_ms() + 3_600_000)
                .execute(&self.state.db)
                .await
                .unwrap();
                format!("govlab_session={id}")
            }
        };
        let request = Request::get("/scoreboard")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap();
        let (status, _, body) = self.send(request).await;
        assert_eq!(status, StatusCode::OK, "the session works");
        let csrf = body
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the sign-out form carries the CSRF token")
            .to_owned();
        (cookie, csrf)
    }
}

fn get(path: &str, token: Option<&str>) -> Request<Body> {
    let mut request = Request::get(path);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    request.body(Body::empty()).unwrap()
}

fn location(headers: &HeaderMap) -> &str {
    headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn private_scoreboard_sends_anonymous_visitors_to_login() {
    let lab = lab(false).await;
    let (status, headers, _) = lab.get("/", None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/login");
    let (status, headers, _) = lab.get("/scoreboard?split=practice", None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&headers),
        "/login?next=%2Fscoreboard%3Fsplit%3Dpractice"
    );
    let (status, headers, _) = lab.get("/agents", None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/login?next=%2Fagents");
    for role in Role::ALL {
        let team = (role == Role::Startup).then_some("team-a");
        let token = lab.token(role, team).await;
        let (status, _, body) = lab.get("/", Some(&token)).await;
        assert_eq!(status, StatusCode::OK, "{role}");
        assert!(body.contains("<table class=\"scoreboard\">"), "{role}");
    }
}

#[tokio::test]
async fn public_scoreboard_shows_ranked_agents_with_charts_and_filters() {
    let lab = lab(true).await;
    lab.done_pilot("team-a", "alpha", "evaluation", 61.5).await;
    lab.done_pilot("team-b", "beta", "evaluation", 72.25).await;
    lab.done_pilot("team-a", "alpha", "evaluation", 65.0).await;
    let (status, _, body) = lab.get("/", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<html lang=\"en\">"));
    assert!(body.contains("name=\"viewport\" content=\"width=device-width, initial-scale=1\""));
    let beta = body.find(">beta v1<").expect("beta listed");
    let alpha = body
        .find(">alpha v2<")
        .expect("alpha's best version listed");
    assert!(beta < alpha, "ranked by composite");
    assert!(body.contains("<svg class=\"spark\""), "trend sparkline");
    assert!(body.contains("Dimensions of the leading pilots"));
    assert!(body.contains("Composite by version"));
    assert!(body.contains("<caption>"));
    assert!(body.contains("scope=\"col\""));
    assert!(
        body.contains("class=\"table-wrap\""),
        "tables scroll on phones"
    );
    // Sorting by a dimension; the country filter keeps scenarios using its data.
    let (status, _, body) = lab
        .get(
            "/scoreboard?scenario=appeals-triage&split=evaluation&country=ES&dimension=compliance",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("aria-sort=\"descending\""));
    assert!(body.contains("Spain (Madrid)"));
    assert!(body.contains(">beta v1<"));
    let (_, _, body) = lab.get("/scoreboard?country=KZ", None).await;
    assert!(
        !body.contains("value=\"service-finder\""),
        "no national data"
    );
    assert!(body.contains("value=\"family-support\""));
    let (_, _, body) = lab.get("/scoreboard?country=ES", None).await;
    assert!(
        !body.contains("value=\"family-support\""),
        "Kazakh data only"
    );
    // Chart labels are short words of their own in every language (Spanish
    // "Eficacia" and "Eficiencia" once both read "Efic"; Cyrillic names were
    // not cut at all).
    let (_, _, es) = lab
        .get(
            "/scoreboard?scenario=appeals-triage&split=evaluation&lang=es",
            None,
        )
        .await;
    assert!(
        es.contains(">Eficac.</text>") && es.contains(">Eficien.</text>"),
        "{es}"
    );
    let (_, _, kk) = lab
        .get(
            "/scoreboard?scenario=appeals-triage&split=evaluation&lang=kk",
            None,
        )
        .await;
    assert!(kk.contains(">Нәтиж.</text>"), "{kk}");
    // The board downloads as CSV, ranked, with a link from the page.
    assert!(body.contains("href=\"/scoreboard.csv?scenario=appeals-triage&amp;split=evaluation\""));
    let (status, headers, csv) = lab
        .get(
            "/scoreboard.csv?scenario=appeals-triage&split=evaluation",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "scenario,split,rank,tied,team,agent,version,pilots,composite,composite_low,composite_high,effectiveness,interoperability,efficiency,reliability,compliance,fairness"
    );
    assert!(
        lines[1].starts_with("appeals-triage,evaluation,1,"),
        "{csv}"
    );
    assert!(lines[1].contains(",team-b,beta,1,1,72.25,"), "{csv}");
    // alpha's row is the best of its two pilots.
    assert!(lines[2].contains(",team-a,alpha,2,2,65,"), "{csv}");
    let (status, _, _) = lab.get("/scoreboard.csv?split=holdout", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // The practice split has no pilots.
    let (_, _, body) = lab.get("/scoreboard?split=practice", None).await;
    assert!(body.contains("No finished pilots yet"));
    // Every dimension is defined on the page, with the scenario's weight
    // (appeals-triage: effectiveness 0.40 of 1.00).
    assert!(body.contains("What the scores mean"));
    assert!(body.contains("Effectiveness · 40 %"), "{body}");
    assert!(body.contains("Fairness · 10 %"), "{body}");
    assert!(body.contains("flip when only a surname"));
}

#[tokio::test]
async fn the_scoreboard_opens_on_the_split_that_has_results() {
    let lab = lab(true).await;
    lab.done_pilot("team-a", "alpha", "practice", 55.0).await;
    // Only practice pilots: the landing page shows them, not an empty board.
    let (_, _, body) = lab.get("/", None).await;
    assert!(body.contains(">alpha v1<"), "practice results shown");
    // The version chart names only the versions there are.
    assert!(
        body.contains(">v1</text>") && !body.contains(">v2</text>"),
        "{body}"
    );
    assert!(
        body.contains("<option value=\"practice\" selected>"),
        "practice selected"
    );
    // Asked for explicitly, the empty evaluation board is still empty.
    let (_, _, body) = lab.get("/scoreboard?split=evaluation", None).await;
    assert!(body.contains("No finished pilots yet"));
    // Once evaluation results exist (and the board's cache has rechecked),
    // they are the default.
    lab.done_pilot("team-b", "beta", "evaluation", 70.0).await;
    tokio::time::sleep(
        govlab_portal::scoreboard_cache::RECHECK + std::time::Duration::from_millis(50),
    )
    .await;
    let (_, _, body) = lab.get("/", None).await;
    assert!(body.contains(">beta v1<"));
    assert!(!body.contains(">alpha v1<"));
}

#[tokio::test]
async fn spanish_by_accept_language_query_and_cookie() {
    let lab = lab(true).await;
    let request = Request::get("/")
        .header(header::ACCEPT_LANGUAGE, "es-ES,es;q=0.9,en;q=0.5")
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = lab.send(request).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<html lang=\"es\">"));
    assert!(body.contains("Clasificación"));
    assert!(body.contains("Puntuación global"));
    // ?lang= wins and is remembered in a cookie.
    let (_, headers, body) = lab.get("/?lang=en", None).await;
    assert!(body.contains("<html lang=\"en\">"));
    let cookie = headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap();
    assert!(cookie.starts_with("lang=en;"));
    let request = Request::get("/scoreboard")
        .header(header::COOKIE, "lang=es")
        .header(header::ACCEPT_LANGUAGE, "en")
        .body(Body::empty())
        .unwrap();
    let (_, _, body) = lab.send(request).await;
    assert!(body.contains("<html lang=\"es\">"));
    // The switcher links keep the other query parameters.
    assert!(body.contains("href=\"/scoreboard?lang=en\""));
    let (_, _, body) = lab.get("/scoreboard?split=practice&lang=es", None).await;
    assert!(body.contains("href=\"/scoreboard?split=practice&amp;lang=en\""));
}

#[tokio::test]
async fn kazakh_and_russian_pages_with_translated_scenario_titles() {
    let lab = lab(true).await;
    let request = Request::get("/scoreboard")
        .header(header::ACCEPT_LANGUAGE, "kk-KZ,ru;q=0.8")
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = lab.send(request).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<html lang=\"kk\">"));
    assert!(body.contains("Жиынтық балл"));
    assert!(body.contains("Азаматтардың өтініштерін сұрыптау"));
    assert!(body.contains("href=\"/scoreboard?lang=ru\""));
    assert!(body.contains(">Русский<"));
    let (status, _, body) = lab.get("/scoreboard?lang=ru", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<html lang=\"ru\">"));
    assert!(body.contains("Сводный балл"));
    assert!(body.contains("Сортировка обращений граждан"));
    assert!(body.contains(">Қазақша<"));
}

#[tokio::test]
async fn error_pages_are_html_in_the_visitors_language() {
    let lab = lab(false).await;
    let investor = lab.token(Role::Investor, None).await;
    let (status, headers, body) = lab.get("/agents", Some(&investor)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(body.contains("You are not allowed to do this"));
    assert!(body.contains("investors see the scoreboard"));
    let request = Request::get("/pilots/nope")
        .header(header::AUTHORIZATION, format!("Bearer {investor}"))
        .header(header::ACCEPT_LANGUAGE, "es")
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = lab.send(request).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("<html lang=\"es\">"));
    assert!(body.contains("No encontrado"));
    let (status, _, body) = lab.get("/staff?lang=es", Some(&investor)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("No tiene permiso"));
    // A bad bearer token on a page goes to the login page.
    let (status, headers, _) = lab.get("/agents", Some("glt_wrong")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location(&headers).starts_with("/login?next="));
}

#[tokio::test]
async fn startup_registers_an_agent_runs_practice_and_submits() {
    let lab = lab(false).await;
    let startup = lab.token(Role::Startup, Some("team-a")).await;
    let (status, _, body) = lab.get("/agents", Some(&startup)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Register an agent"));
    assert!(body.contains("value=\"appeals-triage\""));
    let (status, headers, _) = lab
        .post_form(
            "/agents",
            Some(&startup),
            None,
            "name=triage-one&scenario=appeals-triage&description=hello",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let agent_path = location(&headers).to_owned();
    assert!(agent_path.starts_with("/agents/"));
    // A refused name is shown next to the form, with what was typed.
    let (status, _, body) = lab
        .post_form(
            "/agents",
            Some(&startup),
            None,
            "name=Bad%20Name&scenario=appeals-triage&description=keep-me",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("an agent name is 1–64 characters"));
    assert!(body.contains(">keep-me</textarea>"));
    let (status, _, body) = lab.get(&agent_path, Some(&startup)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("team-a/triage-one"));
    assert!(body.contains("Evaluation submissions today:"));
    let (status, _, body) = lab
        .get(&format!("{agent_path}/upload"), Some(&startup))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("enctype=\"multipart/form-data\""));
    assert!(body.contains("name=\"file\""));

    // A version (stored directly: the upload path is tested below).
    let seeded = lab
        .done_pilot("team-a", "triage-one", "practice", 55.0)
        .await;
    let (status, _, body) = lab.get(&agent_path, Some(&startup)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Run a practice pilot"));
    assert!(body.contains("Submit for evaluation"));
    let (status, headers, _) = lab
        .post_form(
            &format!("/versions/{}/pilots", seeded.version_id),
            Some(&startup),
            None,
            "split=practice&cases=200",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let pilot_path = location(&headers).to_owned();
    let (status, _, body) = lab.get(&pilot_path, Some(&startup)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<progress"), "live progress");
    assert!(body.contains("http-equiv=\"refresh\""), "no-JS fallback");
    assert!(body.contains("/assets/pilot.js"));
    assert!(body.contains(&format!("data-events=\"{pilot_path}/events\"")));
    // Too many cases: an error page in words.
    let (status, _, body) = lab
        .post_form(
            &format!("/versions/{}/pilots", seeded.version_id),
            Some(&startup),
            None,
            "split=practice&cases=999999",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("a practice pilot runs at most"));
    // The error page keeps the signed-in visitor's navigation.
    assert!(body.contains("Sign out"), "{body}");
    assert!(!body.contains(">Sign in<"), "{body}");
    // Evaluation pilots are the staff's.
    let (status, _, _) = lab
        .post_form(
            &format!("/versions/{}/pilots", seeded.version_id),
            Some(&startup),
            None,
            "split=evaluation",
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, headers, _) = lab
        .post_form(
            &format!("/versions/{}/submit", seeded.version_id),
            Some(&startup),
            None,
            "",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), format!("/agents/{}", seeded.agent_id));
    let (_, _, body) = lab.get(&agent_path, Some(&startup)).await;
    assert!(body.contains("vs-submitted"));

    // Another team sees none of it.
    let other = lab.token(Role::Startup, Some("team-b")).await;
    let (status, _, _) = lab.get(&agent_path, Some(&other)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = lab
        .post_form(
            &format!("/versions/{}/submit", seeded.version_id),
            Some(&other),
            None,
            "",
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn upload_of_a_non_wasm_file_shows_the_sandbox_words_and_keeps_notes() {
    let lab = lab(false).await;
    let startup = lab.token(Role::Startup, Some("team-a")).await;
    let agent = model::create_agent(&lab.state.db, "team-a", "up", "appeals-triage", "", "t")
        .await
        .unwrap();
    let boundary = "XBOUNDARYX";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"notes\"\r\n\r\nmy careful notes\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"agent.wasm\"\r\n\
         Content-Type: application/wasm\r\n\r\nthis is not a component\r\n--{boundary}--\r\n"
    );
    let request = Request::post(format!("/agents/{}/versions", agent.id))
        .header(header::AUTHORIZATION, format!("Bearer {startup}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let (status, _, body) = lab.send(request).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("the sandbox refused this file"), "{body}");
    assert!(body.contains(">my careful notes</textarea>"));
    assert!(body.contains("aria-invalid=\"true\""));
    assert!(
        model::list_versions(&lab.state.db, &agent.id)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn session_forms_need_the_csrf_field() {
    let lab = lab(false).await;
    let (cookie, csrf) = lab.session(Role::Startup, Some("team-a")).await;
    let request = Request::get("/agents")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = lab.send(request).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&format!("name=\"csrf\" value=\"{csrf}\"")));
    let (status, _, body) = lab
        .post_form(
            "/agents",
            None,
            Some(&cookie),
            "name=no-csrf&scenario=appeals-triage&description=",
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("The form has expired"));
    let (status, _, _) = lab
        .post_form(
            "/agents",
            None,
            Some(&cookie),
            &format!("name=with-csrf&scenario=appeals-triage&description=&csrf={csrf}"),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        model::find_agent(&lab.state.db, "team-a", "no-csrf")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn pilot_page_scorecard_certificate_and_access_levels() {
    let lab = lab(true).await;
    let practice = lab.done_pilot("team-a", "alpha", "practice", 64.0).await;
    let evaluation = lab.done_pilot("team-a", "alpha", "evaluation", 66.0).await;
    let startup = lab.token(Role::Startup, Some("team-a")).await;
    let investor = lab.token(Role::Investor, None).await;
    let staff = lab.token(Role::Staff, None).await;

    // Full access: the team's own practice pilot.
    let path = format!("/pilots/{}", practice.pilot_id);
    let (status, _, body) = lab.get(&path, Some(&startup)).await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "Scorecard",
        "Effectiveness",
        "not applicable",
        "Certificate",
        "Verify",
        "Time per case",
        "Fuel per case",
        "Outcomes",
        "explanation-present",
        "secret-detail-of-case",
        "case-0002",
        "AI-generated",
        "<progress",
        "govlab verify scorecard.json",
    ] {
        assert!(body.contains(text), "{text} missing");
    }
    assert!(
        !body.contains("http-equiv=\"refresh\""),
        "finished: no refresh"
    );
    // Scorecard access: counts per rule, not the findings or the cases.
    let path = format!("/pilots/{}", evaluation.pilot_id);
    for token in [Some(investor.as_str()), None, Some(startup.as_str())] {
        let (status, _, body) = lab.get(&path, token).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("explanation-present"));
        assert!(!body.contains("secret-detail-of-case"));
        assert!(!body.contains("case-0002"));
    }
    let (_, _, body) = lab.get(&path, Some(&staff)).await;
    assert!(body.contains("secret-detail-of-case"));

    // The certificate verifies server-side; an edited card does not.
    let (status, _, body) = lab.get(&format!("{path}/verify"), Some(&investor)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("The certificate is valid"), "{body}");
    let (status, headers, json) = lab.get(&format!("{path}/scorecard.json"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    assert!(json.contains("\"certificate\""));
    let edited = json.replacen("\"cases\": 200", "\"cases\": 201", 1);
    assert_ne!(edited, json);
    sqlx::query("UPDATE pilots SET scorecard = $1 WHERE id = $2")
        .bind(&edited)
        .bind(&evaluation.pilot_id)
        .execute(&lab.state.db)
        .await
        .unwrap();
    let request = Request::get(format!("{path}/verify"))
        .header(header::ACCEPT_LANGUAGE, "es")
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = lab.send(request).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("El certificado NO es válido"));
    assert!(body.contains("edited after signing"));
}

#[tokio::test]
async fn staff_page_reviews_scenarios_and_compare() {
    let lab = lab(false).await;
    let a = lab.done_pilot("team-a", "alpha", "evaluation", 50.0).await;
    let b = lab.done_pilot("team-b", "beta", "evaluation", 70.0).await;
    let staff = lab.token(Role::Staff, None).await;
    let startup = lab.token(Role::Startup, Some("team-a")).await;
    // Submit alpha's version so it waits in the queue.
    let (status, _, _) = lab
        .post_form(
            &format!("/versions/{}/submit", a.version_id),
            Some(&startup),
            None,
            "",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, body) = lab.get("/staff", Some(&staff)).await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "Review queue",
        "team-a/alpha v1",
        "Scenarios",
        "Audit log",
        "Compare two pilots",
        "Recent pilots",
    ] {
        assert!(body.contains(text), "{text} missing");
    }
    // The queue carries the decision inline.
    assert!(body.contains(&format!("action=\"/versions/{}/review\"", a.version_id)));
    assert!(body.contains("name=\"back\" value=\"staff\""));
    // Rejecting beta from the queue comes back to the queue, without it.
    let startup_b = lab.token(Role::Startup, Some("team-b")).await;
    let (status, _, _) = lab
        .post_form(
            &format!("/versions/{}/submit", b.version_id),
            Some(&startup_b),
            None,
            "",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, headers, _) = lab
        .post_form(
            &format!("/versions/{}/review", b.version_id),
            Some(&staff),
            None,
            "decision=reject&note=no+explanations&back=staff",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/staff#queue");
    let (_, _, body) = lab.get("/staff", Some(&staff)).await;
    assert!(
        !body.contains(&format!("/versions/{}/review", b.version_id)),
        "rejected: out of the queue"
    );
    let (status, _, _) = lab.get("/staff", Some(&startup)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Review from the agent page's form.
    let (_, _, body) = lab
        .get(&format!("/agents/{}", a.agent_id), Some(&staff))
        .await;
    assert!(body.contains("value=\"approve\""));
    let (status, _, _) = lab
        .post_form(
            &format!("/versions/{}/review", a.version_id),
            Some(&staff),
            None,
            "decision=approve&note=looks+good",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, body) = lab
        .get(&format!("/agents/{}", a.agent_id), Some(&startup))
        .await;
    assert!(body.contains("looks good"));
    assert!(body.contains("vs-approved"));
    // Staff see how to run the evaluation pilot only when the portal can:
    // without the lab's evaluation key, a hint instead of a button that
    // would end on an error page.
    let (_, _, body) = lab
        .get(&format!("/agents/{}", a.agent_id), Some(&staff))
        .await;
    if lab.state.evaluation_key.is_none() {
        assert!(!body.contains("Run the evaluation pilot"), "{body}");
        assert!(body.contains("no-eval-key"), "{body}");
        assert!(body.contains("evaluation_key_file"), "{body}");
    } else {
        assert!(body.contains("Run the evaluation pilot"), "{body}");
    }
    // Scenario switch.
    let (status, _, _) = lab
        .post_form(
            "/staff/scenarios/appeals-triage",
            Some(&staff),
            None,
            "enabled=false",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        !model::scenario_enabled(&lab.state.db, "appeals-triage")
            .await
            .unwrap()
    );
    let (status, _, _) = lab
        .post_form(
            "/staff/scenarios/appeals-triage",
            Some(&startup),
            None,
            "enabled=true",
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Compare.
    let compare = format!("/compare?a={}&b={}", a.pilot_id, b.pilot_id);
    let (status, _, body) = lab.get(&compare, Some(&staff)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("+20.0"), "composite delta");
    assert!(body.contains("Scores per dimension, side by side"));
    let (status, _, _) = lab.get(&compare, Some(&startup)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn assets_are_served_with_cache_headers() {
    let lab = lab(false).await;
    let (status, headers, body) = lab.get("/assets/style.css", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(body.contains("@media (max-width"));
    assert!(
        !body.contains("http://") && !body.contains("https://"),
        "self-contained"
    );
    let (status, _, body) = lab.get("/assets/pilot.js", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("EventSource"));
}

#[tokio::test]
async fn scoreboard_shows_floor_and_ceiling_and_flags_agents_near_the_floor() {
    let lab = lab(true).await;
    let page = "/scoreboard?scenario=appeals-triage&split=practice";
    // Tests start no workers, so nothing is computed in the background.
    let (_, _, body) = lab.get(page, None).await;
    assert!(!body.contains("Floor and ceiling"));
    assert!(
        lab.state
            .references
            .get("appeals-triage", "practice")
            .is_empty()
    );

    // Computed directly, on the scenario's minimum (production: the full split).
    govlab_portal::references::compute(&lab.state, "appeals-triage", "practice", Some(200))
        .await
        .unwrap();
    let refs = lab.state.references.get("appeals-triage", "practice");
    let names: Vec<&str> = refs.iter().map(|r| r.name).collect();
    assert_eq!(names, ["oracle", "trivial"]);
    let oracle = refs[0].composite.expect("oracle composite");
    let floor = refs[1].composite.expect("trivial composite");
    assert!(oracle >= 95.0, "oracle {oracle}");
    assert!(floor < oracle, "floor {floor} below ceiling {oracle}");
    // No evaluation key in this lab: no evaluation rows, and no error.
    if lab.state.evaluation_key.is_none() {
        govlab_portal::references::compute(&lab.state, "appeals-triage", "evaluation", None)
            .await
            .unwrap();
        assert!(
            lab.state
                .references
                .get("appeals-triage", "evaluation")
                .is_empty()
        );
    }

    // The cached board is replaced at once (its references are stale).
    let (status, _, body) = lab.get(page, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Floor and ceiling"), "{body}");
    assert!(body.contains("data-reference=\"oracle\""));
    assert!(body.contains("data-reference=\"trivial\""));
    assert!(body.contains("Answers every case with the truth"));
    let oracle_text = format!("{oracle:.1}");
    assert!(
        body.contains(&oracle_text),
        "oracle composite {oracle_text}"
    );
    assert!(!body.contains("near-trivial"), "no agents yet");

    // An agent at the floor is flagged; one far above it is not.
    lab.done_pilot("team-a", "flat", "practice", floor).await;
    lab.done_pilot("team-b", "sharp", "practice", (floor + 20.0).min(99.0))
        .await;
    tokio::time::sleep(
        govlab_portal::scoreboard_cache::RECHECK + std::time::Duration::from_millis(50),
    )
    .await;
    let (_, _, body) = lab.get(page, None).await;
    let sharp = body.find(">sharp v1<").expect("sharp listed");
    let flat = body.find(">flat v1<").expect("flat listed");
    assert!(sharp < flat, "ranked by composite");
    assert_eq!(body.matches("badge near-trivial").count(), 1, "{body}");
    let badge = body.find("badge near-trivial").unwrap();
    assert!(badge > flat, "the flag is on flat's row");
    assert!(body.contains("≈ trivial"));
    let refs_table = body.find("Floor and ceiling").unwrap();
    assert!(
        refs_table > badge,
        "references are not among the ranked rows"
    );

    // Spanish.
    let (_, _, body) = lab.get(&format!("{page}&lang=es"), None).await;
    assert!(body.contains("Suelo y techo"));

    // The API lists both rows, unranked.
    let (status, _, body) = lab
        .get(
            "/api/scoreboard?scenario=appeals-triage&split=practice",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let board: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(board["rows"].as_array().unwrap().len(), 2);
    let references = board["references"].as_array().expect("references");
    assert_eq!(references.len(), 2);
    assert_eq!(references[0]["name"], "oracle");
    assert_eq!(references[1]["name"], "trivial");
    assert!(references[0]["composite"].as_f64().unwrap() >= 95.0);
    for reference in references {
        assert_eq!(reference["composite_interval"].as_array().unwrap().len(), 2);
        assert!(reference["dimensions"]["effectiveness"].is_number());
        assert!(reference.get("rank").is_none());
    }
}
