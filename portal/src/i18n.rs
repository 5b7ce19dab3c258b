//! Interface text in English and Spanish, and how a request picks its
//! language: `?lang=` (remembered in the `lang` cookie by the pages layer),
//! then the cookie, then `Accept-Language`, then English.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri, header};

/// Name of the cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "lang";

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English (the default).
    En,
    /// Spanish.
    Es,
}

impl Lang {
    /// Every language, in switcher order.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// BCP 47 code, as in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The language's own name.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
        }
    }

    /// Parses `en`, `es`, `es-ES`, `en_GB`, …
    pub fn parse(text: &str) -> Option<Lang> {
        let primary = text.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            _ => None,
        }
    }

    /// The best supported language of an `Accept-Language` header, by
    /// q-value (ties: first listed).
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }

    /// The language of a request: `?lang=`, cookie, `Accept-Language`.
    pub fn of_request_headers(uri: &Uri, headers: &HeaderMap) -> Lang {
        uri.query()
            .and_then(query_lang)
            .and_then(Lang::parse)
            .or_else(|| crate::auth::cookie_value(headers, LANG_COOKIE).and_then(Lang::parse))
            .or_else(|| {
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or(Lang::En)
    }

    /// [`Lang::of_request_headers`] of request parts.
    pub fn of_request(parts: &Parts) -> Lang {
        Lang::of_request_headers(&parts.uri, &parts.headers)
    }

    /// The text of `key` in this language (the key itself if unknown, so a
    /// missing translation shows rather than breaks the page).
    pub fn t(self, key: &'static str) -> &'static str {
        match table().get(key) {
            Some([en, es]) => match self {
                Lang::En => en,
                Lang::Es => es,
            },
            None => key,
        }
    }

    /// A number with `decimals` decimals in this language's format
    /// (decimal comma in Spanish).
    pub fn number(self, value: f64, decimals: usize) -> String {
        let text = format!("{value:.decimals$}");
        match self {
            Lang::En => text,
            Lang::Es => text.replace('.', ","),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::of_request(parts))
    }
}

/// The value of `lang=` in a query string.
pub fn query_lang(query: &str) -> Option<&str> {
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("lang="))
        .filter(|v| !v.is_empty())
}

fn table() -> &'static HashMap<&'static str, [&'static str; 2]> {
    static TABLE: OnceLock<HashMap<&'static str, [&'static str; 2]>> = OnceLock::new();
    TABLE.get_or_init(|| TEXTS.iter().map(|(k, en, es)| (*k, [*en, *es])).collect())
}

/// Every text: key, English, Spanish.
const TEXTS: &[(&str, &str, &str)] = &[
    ("nav.skip", "Skip to content", "Saltar al contenido"),
    ("nav.label", "Main", "Principal"),
    ("nav.scoreboard", "Scoreboard", "Clasificación"),
    ("nav.agents", "Agents", "Agentes"),
    ("nav.staff", "Staff", "Personal"),
    ("nav.login", "Sign in", "Iniciar sesión"),
    ("nav.logout", "Sign out", "Cerrar sesión"),
    ("nav.language", "Language", "Idioma"),
    ("login.title", "Sign in", "Iniciar sesión"),
    (
        "login.with_provider",
        "Sign in with the lab's identity provider",
        "Iniciar sesión con el proveedor de identidad del laboratorio",
    ),
    ("login.token", "API token", "Token de API"),
    ("login.submit", "Sign in", "Iniciar sesión"),
    (
        "login.hint",
        "Ask the lab for a token (govlab tokens create).",
        "Pida un token al laboratorio (govlab tokens create).",
    ),
    (
        "login.use_provider",
        "Sign in with the lab's identity provider; API tokens work only for the API.",
        "Inicie sesión con el proveedor de identidad del laboratorio; los tokens de API solo sirven para la API.",
    ),
    (
        "login.invalid_token",
        "That token is not valid (it may have been revoked).",
        "Ese token no es válido (puede haber sido revocado).",
    ),
    (
        "login.refused",
        "Sign-in refused",
        "Inicio de sesión rechazado",
    ),
    (
        "login.expired",
        "This sign-in link has expired or was already used; sign in again.",
        "Este enlace de inicio de sesión ha caducado o ya se usó; vuelva a iniciar sesión.",
    ),
    ("login.back", "Back to sign in", "Volver a iniciar sesión"),
    (
        "footer.text",
        "govlab — a sandbox lab for AI agents in public services. Scores are signed by the lab; verify any scorecard with its public key.",
        "govlab — un laboratorio de pruebas para agentes de IA en servicios públicos. Las puntuaciones están firmadas por el laboratorio; verifique cualquier ficha con su clave pública.",
    ),
    ("role.startup", "startup", "startup"),
    ("role.staff", "staff", "personal del laboratorio"),
    ("role.investor", "investor", "inversor"),
    ("err.status", "HTTP status", "Código HTTP"),
    ("err.home", "Go to the scoreboard", "Ir a la clasificación"),
    (
        "err.forbidden",
        "You are not allowed to do this",
        "No tiene permiso para hacer esto",
    ),
    ("err.not_found", "Not found", "No encontrado"),
    (
        "err.bad_request",
        "The request cannot be accepted",
        "La solicitud no se puede aceptar",
    ),
    (
        "err.conflict",
        "This conflicts with the current state",
        "Esto entra en conflicto con el estado actual",
    ),
    (
        "err.too_large",
        "The upload is too large",
        "El archivo es demasiado grande",
    ),
    (
        "err.rate_limited",
        "Too many requests — please wait",
        "Demasiadas solicitudes: espere un momento",
    ),
    (
        "err.csrf",
        "The form has expired — reload the page and try again",
        "El formulario ha caducado: recargue la página e inténtelo de nuevo",
    ),
    ("err.unauthenticated", "Please sign in", "Inicie sesión"),
    (
        "err.internal",
        "Something went wrong on our side",
        "Algo ha fallado por nuestra parte",
    ),
    ("sb.title", "Scoreboard", "Clasificación"),
    ("sb.scenario", "Scenario", "Escenario"),
    ("sb.split", "Split", "Conjunto"),
    ("sb.country", "Country of data", "País de los datos"),
    ("sb.any_country", "Any country", "Cualquier país"),
    ("sb.sort_by", "Sort by", "Ordenar por"),
    ("sb.sorted_by", "sorted by", "ordenado por"),
    ("sb.apply", "Show", "Mostrar"),
    ("sb.version", "version", "versión"),
    ("sb.data_from", "data from", "datos de"),
    (
        "sb.no_country",
        "no national dataset",
        "ningún conjunto de datos nacional",
    ),
    ("sb.rank", "Rank", "Puesto"),
    (
        "sb.ties",
        "Composite scores carry their 95 % confidence interval. =N marks agents whose intervals overlap: the gap between them is not statistically meaningful.",
        "Cada puntuación global lleva su intervalo de confianza del 95 %. =N marca agentes cuyos intervalos se solapan: la diferencia entre ellos no es estadísticamente significativa.",
    ),
    ("sb.refs_title", "Floor and ceiling", "Suelo y techo"),
    (
        "sb.refs_caption",
        "reference baselines run by the same runner on the same split, not ranked",
        "referencias ejecutadas por el mismo ejecutor sobre el mismo conjunto, sin puesto",
    ),
    ("sb.ref_name", "Reference", "Referencia"),
    ("sb.ref_oracle", "Oracle", "Oráculo"),
    (
        "sb.ref_oracle_help",
        "Answers every case with the truth: the ceiling.",
        "Responde a cada caso con la verdad: el techo.",
    ),
    ("sb.ref_trivial", "Trivial baseline", "Referencia trivial"),
    (
        "sb.ref_trivial_help",
        "Gives every case the same answer: the floor.",
        "Da la misma respuesta a todos los casos: el suelo.",
    ),
    ("sb.near_trivial", "≈ trivial", "≈ trivial"),
    (
        "sb.near_trivial_help",
        "Its 95 % interval overlaps the trivial baseline's: statistically indistinguishable from the floor.",
        "Su intervalo del 95 % se solapa con el de la referencia trivial: estadísticamente indistinguible del suelo.",
    ),
    ("sb.team", "Team", "Equipo"),
    ("sb.agent", "Agent", "Agente"),
    ("sb.composite", "Composite", "Puntuación global"),
    ("sb.trend", "Trend", "Tendencia"),
    ("sb.finished", "Finished", "Terminado"),
    (
        "sb.empty",
        "No finished pilots yet for this scenario and split.",
        "Todavía no hay pilotos terminados para este escenario y conjunto.",
    ),
    (
        "sb.chart_dims",
        "Dimensions of the leading pilots",
        "Dimensiones de los pilotos en cabeza",
    ),
    (
        "sb.chart_history",
        "Composite by version",
        "Puntuación global por versión",
    ),
    ("split.practice", "practice", "práctica"),
    ("split.evaluation", "evaluation", "evaluación"),
    ("country.ES", "Spain (Madrid)", "España (Madrid)"),
    ("country.KZ", "Kazakhstan", "Kazajistán"),
    ("dim.effectiveness", "Effectiveness", "Eficacia"),
    (
        "dim.interoperability",
        "Interoperability",
        "Interoperabilidad",
    ),
    ("dim.efficiency", "Efficiency", "Eficiencia"),
    ("dim.reliability", "Reliability", "Fiabilidad"),
    ("dim.compliance", "Compliance", "Cumplimiento"),
    ("dim.fairness", "Fairness", "Equidad"),
    ("dim.na", "not applicable", "no aplicable"),
    (
        "chart.trend",
        "Composite by version",
        "Puntuación global por versión",
    ),
    ("chart.cases", "cases", "casos"),
    ("status.queued", "queued", "en cola"),
    ("status.running", "running", "en ejecución"),
    ("status.done", "done", "terminado"),
    ("status.failed", "failed", "fallido"),
    ("pilot.title", "Pilot", "Piloto"),
    ("pilot.scenario", "Scenario", "Escenario"),
    ("pilot.split", "Split", "Conjunto"),
    ("pilot.requested", "Requested", "Solicitado"),
    ("pilot.finished", "Finished", "Terminado"),
    ("pilot.status", "Status", "Estado"),
    ("pilot.progress", "Progress", "Progreso"),
    (
        "pilot.live_hint",
        "This page updates by itself until the pilot ends.",
        "Esta página se actualiza sola hasta que el piloto termine.",
    ),
    (
        "pilot.failed_because",
        "The pilot could not run:",
        "El piloto no se pudo ejecutar:",
    ),
    ("pilot.cases", "Cases", "Casos"),
    (
        "pilot.cases_note",
        "Outcomes of outputs produced by an AI agent.",
        "Resultados de salidas producidas por un agente de IA.",
    ),
    (
        "pilot.no_cases",
        "No per-case rows were kept for this pilot.",
        "No se guardaron filas por caso para este piloto.",
    ),
    ("pilot.page", "page", "página"),
    ("pilot.pages", "Pages of cases", "Páginas de casos"),
    ("pilot.prev", "Previous", "Anterior"),
    ("pilot.next", "Next", "Siguiente"),
    ("case.id", "Case", "Caso"),
    ("case.outcome", "Outcome", "Resultado"),
    ("case.fuel", "Fuel", "Combustible"),
    ("case.memory", "Peak memory", "Memoria máxima"),
    ("case.latency", "Time (µs)", "Tiempo (µs)"),
    ("case.findings", "Findings", "Hallazgos"),
    ("ai.badge", "AI-generated", "Generado por IA"),
    ("card.title", "Scorecard", "Ficha de puntuación"),
    (
        "card.chart",
        "Score per dimension (0–100)",
        "Puntuación por dimensión (0–100)",
    ),
    (
        "card.caption",
        "The six dimensions with their raw figures and weights",
        "Las seis dimensiones con sus cifras y pesos",
    ),
    ("card.dimension", "Dimension", "Dimensión"),
    ("card.score", "Score", "Puntuación"),
    ("card.weight", "Weight", "Peso"),
    ("card.figures", "Figures", "Cifras"),
    (
        "card.walltime",
        "Wall time (machine-dependent, not scored, not signed):",
        "Tiempo real (depende de la máquina, no puntúa ni se firma):",
    ),
    ("cert.title", "Certificate", "Certificado"),
    ("cert.agent_sha", "Agent SHA-256", "SHA-256 del agente"),
    ("cert.scenario", "Scenario version", "Versión del escenario"),
    ("cert.dataset", "Dataset hash", "Hash del conjunto de datos"),
    ("cert.key", "Key id", "Id de la clave"),
    ("cert.algorithm", "Algorithm", "Algoritmo"),
    ("cert.signature", "Signature", "Firma"),
    ("cert.verify", "Verify", "Verificar"),
    (
        "cert.download",
        "Download scorecard (JSON)",
        "Descargar la ficha (JSON)",
    ),
    ("tel.title", "Telemetry", "Telemetría"),
    ("tel.latency", "Time per case", "Tiempo por caso"),
    ("tel.fuel", "Fuel per case", "Combustible por caso"),
    ("tel.outcomes", "Outcomes", "Resultados"),
    (
        "tel.outcomes_chart",
        "Share of cases per outcome (%)",
        "Porcentaje de casos por resultado (%)",
    ),
    ("tel.median", "median", "mediana"),
    ("tel.memory", "Peak memory:", "Memoria máxima:"),
    (
        "tel.machine",
        "times depend on the machine and are not scored.",
        "los tiempos dependen de la máquina y no puntúan.",
    ),
    ("find.title", "Findings", "Hallazgos"),
    (
        "find.none",
        "No validation findings.",
        "Sin hallazgos de validación.",
    ),
    ("find.by_rule", "Findings per rule", "Hallazgos por regla"),
    ("find.rule", "Rule", "Regla"),
    ("find.count", "Count", "Número"),
    ("find.first", "First findings", "Primeros hallazgos"),
    ("find.location", "Where", "Dónde"),
    ("find.message", "What is wrong", "Qué falla"),
    (
        "find.ai_note",
        "These findings are about outputs produced by an AI agent.",
        "Estos hallazgos se refieren a salidas producidas por un agente de IA.",
    ),
    (
        "verify.title",
        "Certificate check",
        "Comprobación del certificado",
    ),
    (
        "verify.valid",
        "The certificate is valid",
        "El certificado es válido",
    ),
    (
        "verify.valid_text",
        "The scorecard was signed by this lab's key and has not been changed since.",
        "La ficha fue firmada con la clave de este laboratorio y no ha cambiado desde entonces.",
    ),
    (
        "verify.invalid",
        "The certificate is NOT valid",
        "El certificado NO es válido",
    ),
    (
        "verify.invalid_text",
        "Do not trust this scorecard. The reason:",
        "No confíe en esta ficha. El motivo:",
    ),
    (
        "verify.other_agent",
        "the scorecard names a different agent binary than this pilot ran",
        "la ficha nombra un binario de agente distinto del que ejecutó este piloto",
    ),
    (
        "verify.public_key",
        "Lab public key:",
        "Clave pública del laboratorio:",
    ),
    ("verify.back", "Back to the pilot", "Volver al piloto"),
    ("agents.title", "Agents", "Agentes"),
    (
        "agents.caption",
        "Your team's agents",
        "Los agentes de su equipo",
    ),
    ("agents.name", "Name", "Nombre"),
    (
        "agents.name_hint",
        "Lowercase letters, digits, '-', '_' or '.', up to 64.",
        "Minúsculas, dígitos, '-', '_' o '.', hasta 64.",
    ),
    ("agents.registered", "Registered", "Registrado"),
    (
        "agents.none",
        "No agents yet: register one below.",
        "Todavía no hay agentes: registre uno abajo.",
    ),
    (
        "agents.register",
        "Register an agent",
        "Registrar un agente",
    ),
    ("agents.register_button", "Register", "Registrar"),
    ("agents.description", "Description", "Descripción"),
    (
        "agents.upload_new",
        "Upload a new version",
        "Subir una nueva versión",
    ),
    (
        "agents.quota",
        "Evaluation submissions today:",
        "Envíos a evaluación hoy:",
    ),
    (
        "agents.quota_reset",
        "(the quota resets at 00:00 UTC)",
        "(el cupo se renueva a las 00:00 UTC)",
    ),
    (
        "agents.quota_left",
        "Submissions left today:",
        "Envíos restantes hoy:",
    ),
    ("agents.versions", "Versions", "Versiones"),
    (
        "agents.no_versions",
        "No versions yet: upload a .wasm component.",
        "Todavía no hay versiones: suba un componente .wasm.",
    ),
    ("agents.size", "Size", "Tamaño"),
    ("agents.uploaded", "Uploaded", "Subido"),
    ("agents.notes", "Notes", "Notas"),
    ("agents.review_note", "Review note", "Nota de revisión"),
    ("agents.cases", "Cases", "Casos"),
    (
        "agents.run_practice",
        "Run a practice pilot",
        "Ejecutar un piloto de práctica",
    ),
    (
        "agents.submit",
        "Submit for evaluation",
        "Enviar a evaluación",
    ),
    ("agents.approve", "Approve", "Aprobar"),
    ("agents.reject", "Reject", "Rechazar"),
    (
        "agents.run_evaluation",
        "Run the evaluation pilot",
        "Ejecutar el piloto de evaluación",
    ),
    ("agents.pilots", "Pilots", "Pilotos"),
    (
        "agents.no_pilots",
        "No pilots yet.",
        "Todavía no hay pilotos.",
    ),
    ("vs.uploaded", "uploaded", "subida"),
    ("vs.submitted", "submitted", "enviada"),
    ("vs.approved", "approved", "aprobada"),
    ("vs.rejected", "rejected", "rechazada"),
    (
        "upload.title",
        "Upload a version of",
        "Subir una versión de",
    ),
    (
        "upload.intro",
        "Choose the agent's WebAssembly component (.wasm). The lab's sandbox checks it before it is stored; the largest accepted file is",
        "Elija el componente WebAssembly del agente (.wasm). El entorno aislado del laboratorio lo comprueba antes de guardarlo; el tamaño máximo es",
    ),
    (
        "upload.file",
        "Component file (.wasm)",
        "Archivo del componente (.wasm)",
    ),
    ("upload.refused", "Not accepted:", "No aceptado:"),
    ("upload.button", "Upload", "Subir"),
    ("upload.back", "Back to the agent", "Volver al agente"),
    ("staff.title", "Lab staff", "Personal del laboratorio"),
    ("staff.queue", "Review queue", "Cola de revisión"),
    (
        "staff.queue_caption",
        "Versions submitted for evaluation, oldest first",
        "Versiones enviadas a evaluación, las más antiguas primero",
    ),
    (
        "staff.queue_empty",
        "Nothing to review.",
        "Nada que revisar.",
    ),
    ("staff.submitted", "Submitted", "Enviada"),
    ("staff.scenarios", "Scenarios", "Escenarios"),
    ("staff.state", "State", "Estado"),
    ("staff.version", "Version", "Versión"),
    ("staff.change", "Change", "Cambiar"),
    ("staff.enabled", "enabled", "activado"),
    ("staff.disabled", "disabled", "desactivado"),
    ("staff.enable", "Enable", "Activar"),
    ("staff.disable", "Disable", "Desactivar"),
    (
        "staff.compare",
        "Compare two pilots",
        "Comparar dos pilotos",
    ),
    ("staff.base", "Base pilot", "Piloto de referencia"),
    ("staff.candidate", "Candidate pilot", "Piloto candidato"),
    ("staff.compare_button", "Compare", "Comparar"),
    ("staff.recent", "Recent pilots", "Pilotos recientes"),
    ("staff.audit", "Audit log", "Registro de auditoría"),
    (
        "staff.audit_caption",
        "The newest 50 entries",
        "Las 50 entradas más recientes",
    ),
    ("staff.when", "When", "Cuándo"),
    ("staff.actor", "Who", "Quién"),
    ("staff.action", "Action", "Acción"),
    ("staff.target", "Target", "Objeto"),
    ("staff.detail", "Detail", "Detalle"),
    ("compare.title", "Comparison", "Comparación"),
    (
        "compare.caption",
        "Scores per dimension and the change from base to candidate",
        "Puntuación por dimensión y cambio de la referencia al candidato",
    ),
    ("compare.delta", "Change", "Cambio"),
    (
        "compare.chart",
        "Scores per dimension, side by side",
        "Puntuación por dimensión, lado a lado",
    ),
    (
        "compare.not_comparable",
        "These pilots ran on different scenario versions, splits or data: the comparison is indicative only.",
        "Estos pilotos usaron versiones de escenario, conjuntos o datos distintos: la comparación es solo orientativa.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_language() {
        assert_eq!(
            Lang::from_accept_language("es-ES,es;q=0.9,en;q=0.8"),
            Some(Lang::Es)
        );
        assert_eq!(
            Lang::from_accept_language("fr, en;q=0.5, es;q=0.7"),
            Some(Lang::Es)
        );
        assert_eq!(Lang::from_accept_language("de"), None);
        assert_eq!(Lang::parse("en_GB"), Some(Lang::En));
        assert_eq!(Lang::Es.number(12.25, 1), "12,2");
    }

    #[test]
    fn every_key_used_by_the_pages_is_translated() {
        let sources = [
            include_str!("pages/mod.rs"),
            include_str!("pages/scoreboard.rs"),
            include_str!("pages/pilots.rs"),
            include_str!("pages/agents.rs"),
            include_str!("pages/staff.rs"),
            include_str!("pages/charts.rs"),
            include_str!("auth/login.rs"),
        ];
        let keys: Vec<&str> = TEXTS.iter().map(|(k, _, _)| *k).collect();
        for source in sources {
            for piece in source.split("t(\"").skip(1) {
                let key = piece.split('"').next().unwrap_or_default();
                assert!(keys.contains(&key), "no text for {key:?}");
            }
        }
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), keys.len(), "a key is listed twice");
    }
}
