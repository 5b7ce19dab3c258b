//! Who is asking: the authenticated principal, its role and team.
//!
//! Authentication (sessions, OIDC, bearer tokens) lives in [`crate::auth`];
//! it turns a request into a [`Principal`]. What each role may do lives in
//! [`crate::actions`] and [`crate::model`]; handlers never decide it.

use serde::{Deserialize, Serialize};

/// The three kinds of users of the lab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A startup team member: uploads agents, runs practice pilots.
    Startup,
    /// Lab staff: runs evaluation pilots, approves agents, sees everything.
    Staff,
    /// An investor: scoreboard, scorecards and certificates only.
    Investor,
}

impl Role {
    /// Every role, in display order.
    pub const ALL: [Role; 3] = [Role::Startup, Role::Staff, Role::Investor];

    /// The role's name as stored and as written in claims and tokens.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Startup => "startup",
            Role::Staff => "staff",
            Role::Investor => "investor",
        }
    }

    /// Parses a role name (`startup`, `staff`, `investor`).
    pub fn parse(text: &str) -> Option<Role> {
        match text.trim().to_ascii_lowercase().as_str() {
            "startup" => Some(Role::Startup),
            "staff" => Some(Role::Staff),
            "investor" => Some(Role::Investor),
            _ => None,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the principal proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthMethod {
    /// A browser session cookie; unsafe requests must carry this CSRF token.
    Session {
        /// The session's CSRF token (hidden form field `csrf`).
        csrf: String,
    },
    /// An `Authorization: Bearer` token (API token or IdP JWT); no CSRF
    /// check, since browsers never attach it on their own.
    Bearer,
}

/// An authenticated user or API client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Stable subject: the IdP's `sub`, or `token:<id>` for API tokens.
    pub subject: String,
    /// Name to show.
    pub display_name: String,
    /// What the principal may do.
    pub role: Role,
    /// The startup's team; `None` for staff and investors.
    pub team: Option<String>,
    /// Session or bearer.
    pub method: AuthMethod,
}

impl Principal {
    /// Whether this principal is lab staff.
    pub fn is_staff(&self) -> bool {
        self.role == Role::Staff
    }

    /// Whether this principal belongs to `team` (staff belong to none).
    pub fn in_team(&self, team: &str) -> bool {
        self.role == Role::Startup && self.team.as_deref() == Some(team)
    }

    /// The CSRF token forms must carry, for session logins.
    pub fn csrf_token(&self) -> Option<&str> {
        match &self.method {
            AuthMethod::Session { csrf } => Some(csrf),
            AuthMethod::Bearer => None,
        }
    }
}
