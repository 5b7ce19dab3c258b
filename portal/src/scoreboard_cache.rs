//! The scoreboard cache: one computed board per (scenario, split), shared
//! by the API and the scoreboard page, the hot paths of the load test.
//!
//! Freshness: a board is served without any database query for
//! [`RECHECK`] after it was last checked; after that, one cheap change
//! marker (`COUNT(*)` and `MAX(finished_at)` of the finished pilots of that
//! scenario and split, from the `pilots_scenario` index) decides whether it
//! is rebuilt. A newly finished pilot therefore shows up within a second,
//! also when another process finished it. Reference rows
//! ([`crate::references`]) computed after a board was built replace it at
//! its next request (their generation is part of the board).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;

use crate::db::Db;
use crate::error::PortalError;
use crate::model::{self, ScoreboardRow};
use crate::references::{ReferenceRow, References};

/// How long a board is served before its change marker is checked again.
pub const RECHECK: Duration = Duration::from_secs(1);

type Marker = (i64, Option<i64>);

/// One scenario and split's scoreboard, as computed from the database.
#[derive(Debug)]
pub struct Board {
    /// Ranked rows.
    pub rows: Vec<ScoreboardRow>,
    /// The oracle and trivial rows (empty until computed).
    pub references: Arc<[ReferenceRow]>,
    /// [`References::generation`] when the board was built.
    generation: u64,
    marker: Marker,
    checked: Mutex<Instant>,
    json: OnceLock<Bytes>,
    pages: Mutex<HashMap<String, Arc<str>>>,
}

impl Board {
    /// The board rendered once by `render` (e.g. the API's JSON), then
    /// reused until the board changes.
    pub fn rendered(
        &self,
        render: impl FnOnce(&[ScoreboardRow], &[ReferenceRow]) -> Bytes,
    ) -> Bytes {
        self.json
            .get_or_init(|| render(&self.rows, &self.references))
            .clone()
    }

    /// A rendering of the board under `key` (e.g. the page's language and
    /// filters), made once by `render` and reused until the board changes.
    /// Keys come from validated filter values, so there are few of them.
    pub fn rendered_page(
        &self,
        key: &str,
        render: impl FnOnce(&[ScoreboardRow], &[ReferenceRow]) -> String,
    ) -> Arc<str> {
        if let Some(page) = self
            .pages
            .lock()
            .ok()
            .and_then(|pages| pages.get(key).cloned())
        {
            return page;
        }
        let page: Arc<str> = render(&self.rows, &self.references).into();
        if let Ok(mut pages) = self.pages.lock() {
            pages.insert(key.to_owned(), Arc::clone(&page));
        }
        page
    }
}

/// Boards by (scenario, split).
#[derive(Debug, Default)]
pub struct ScoreboardCache {
    boards: RwLock<HashMap<(String, String), Arc<Board>>>,
}

async fn marker(db: &Db, scenario: &str, split: &str) -> Result<Marker, PortalError> {
    let marker: Marker = sqlx::query_as(
        "SELECT COUNT(*), MAX(finished_at) FROM pilots \
         WHERE scenario = $1 AND split = $2 AND status = 'done'",
    )
    .bind(scenario)
    .bind(split)
    .fetch_one(db)
    .await?;
    Ok(marker)
}

impl ScoreboardCache {
    /// An empty cache.
    pub fn new() -> ScoreboardCache {
        ScoreboardCache::default()
    }

    /// The board of `scenario` and `split` (both already validated), with
    /// their reference rows from `references`.
    pub async fn get(
        &self,
        db: &Db,
        references: &References,
        scenario: &str,
        split: &str,
    ) -> Result<Arc<Board>, PortalError> {
        let cached = self.boards.read().ok().and_then(|boards| {
            boards
                .get(&(scenario.to_owned(), split.to_owned()))
                .cloned()
        });
        let generation = references.generation();
        let cached = cached.filter(|board| board.generation == generation);
        if let Some(board) = &cached
            && board
                .checked
                .lock()
                .is_ok_and(|checked| checked.elapsed() < RECHECK)
        {
            return Ok(Arc::clone(board));
        }
        let now = marker(db, scenario, split).await?;
        if let Some(board) = cached
            && board.marker == now
        {
            if let Ok(mut checked) = board.checked.lock() {
                *checked = Instant::now();
            }
            return Ok(board);
        }
        let rows = model::scoreboard(db, scenario, split).await?;
        let board = Arc::new(Board {
            rows,
            references: references.get(scenario, split),
            generation,
            marker: now,
            checked: Mutex::new(Instant::now()),
            json: OnceLock::new(),
            pages: Mutex::new(HashMap::new()),
        });
        if let Ok(mut boards) = self.boards.write() {
            boards.insert((scenario.to_owned(), split.to_owned()), Arc::clone(&board));
        }
        Ok(board)
    }
}
