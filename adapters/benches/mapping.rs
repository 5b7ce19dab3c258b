//! Throughput of the adapter pipeline against plain JSON handling, one run.
//!
//! Run with `cargo bench -p govlab-adapters --bench mapping`.
//!
//! All loops read the same input bytes (JSON lines of `madrid.request`
//! records). The baseline parses each line into a `serde_json::Value` and
//! serialises it again. Pipeline A parses the line, validates it against
//! `madrid.request`, maps it to `canonical.appeal` and on to `kz.appeal`,
//! validates the result against `kz.appeal` and serialises it. Pipeline B
//! also collects the findings of every invalid record (every Madrid request
//! is an invalid Kazakh appeal: no applicant, region or body), as
//! `govlab adapters check` does. Targets: ≥ 100,000 records/s on one core,
//! and at most 4× the baseline. `GOVLAB_BENCH_BREAKDOWN=1` adds per-stage
//! timings.

#![allow(clippy::unwrap_used, reason = "a benchmark over known-good input")]

use std::hint::black_box;
use std::time::Instant;

use govlab_adapters::Adapters;
use serde_json::{Value, json};

const RECORDS: usize = 50_000;

/// Deterministic, varied `madrid.request` records.
fn input_lines() -> Vec<String> {
    let tipos = [
        "sugerencia",
        "reclamacion",
        "felicitacion",
        "peticion_informacion",
        "aviso",
    ];
    let canales = ["web", "telefono_010", "presencial", "app", "correo"];
    let estados = ["registrada", "en_tramite", "respondida", "cerrada"];
    let unidades = ["AG-OEQ", "AG-UMM", "EM-EMT", "PM", "JMD-07", "OA-ATM"];
    let textos = [
        "La farola de la esquina lleva una semana apagada y la calle queda a oscuras.",
        "Hay un bache muy profundo en el carril bus frente al número 12.",
        "Solicito información sobre el calendario de recogida de muebles y enseres.",
        "Quiero felicitar al personal de la junta por la atención recibida.",
        "Propongo instalar más bancos y fuentes en el parque del barrio.",
    ];
    (0..RECORDS)
        .map(|i| {
            let aviso = i % 5 == 4;
            let day = 1 + i % 28;
            let month = 1 + (i / 28) % 12;
            let offset = if (4..=9).contains(&month) { "+02:00" } else { "+01:00" };
            let record = json!({
                "id": format!("MAD-2025-{i:07}"),
                "tipo": tipos[i % 5],
                "canal": canales[i % 5],
                "service_code": if aviso { json!("AV-CALZADA") } else { Value::Null },
                "service_name": if aviso { json!("Desperfecto en calzada") } else { Value::Null },
                "cod_distrito": format!("{:02}", 1 + i % 21),
                "direccion": if i % 3 == 0 { Value::Null } else { json!(format!("Calle de Toledo {}", i % 200)) },
                "lat": 40.38 + (i % 100) as f64 * 0.001,
                "lon": -3.72 + (i % 100) as f64 * 0.001,
                "texto": textos[i % 5],
                "fecha_registro": format!("2025-{month:02}-{day:02}T{:02}:15:00{offset}", i % 24),
                "fecha_respuesta": if i % 2 == 0 { Value::Null } else { json!(format!("2025-{month:02}-{day:02}T18:00:00{offset}")) },
                "fecha_limite": format!("2026-{month:02}-{day:02}T10:15:00{offset}"),
                "estado": estados[i % 4],
                "unidad_destino": unidades[i % 6],
            });
            serde_json::to_string(&record).unwrap()
        })
        .collect()
}

fn main() {
    let adapters = Adapters::builtin().unwrap();
    let lines = input_lines();
    let bytes: usize = lines.iter().map(String::len).sum();

    // Warm up both paths (code-list maps, validators, caches).
    for line in lines.iter().take(1_000) {
        let value: Value = serde_json::from_str(line).unwrap();
        black_box(serde_json::to_string(&value).unwrap());
        black_box(
            adapters
                .convert("madrid.request", "kz.appeal", &value)
                .unwrap(),
        );
    }

    let start = Instant::now();
    let mut out_bytes = 0usize;
    for line in &lines {
        let value: Value = serde_json::from_str(line).unwrap();
        out_bytes += black_box(serde_json::to_string(&value).unwrap()).len();
    }
    let baseline = start.elapsed();
    black_box(out_bytes);

    // Pipeline A: validity checked on both sides (is the record valid?).
    let start = Instant::now();
    let (mut source_valid, mut target_valid, mut out_bytes) = (0, 0, 0);
    for line in &lines {
        let value: Value = serde_json::from_str(line).unwrap();
        if adapters.is_valid("madrid.request", &value).unwrap() {
            source_valid += 1;
        }
        let appeal = adapters
            .convert_owned("madrid.request", "kz.appeal", value)
            .unwrap();
        if adapters.is_valid("kz.appeal", &appeal).unwrap() {
            target_valid += 1;
        }
        out_bytes += black_box(serde_json::to_string(&appeal).unwrap()).len();
    }
    let pipeline_valid = start.elapsed();
    black_box(out_bytes);

    // Pipeline B: as A, and every invalid target's findings are collected
    // (rule id, message, JSON pointer), as `govlab adapters check` does.
    let start = Instant::now();
    let (mut target_findings, mut out_bytes) = (0, 0);
    for line in &lines {
        let value: Value = serde_json::from_str(line).unwrap();
        if !adapters.is_valid("madrid.request", &value).unwrap() {
            target_findings += adapters
                .validate("madrid.request", &value)
                .unwrap()
                .findings
                .len();
        }
        let appeal = adapters
            .convert_owned("madrid.request", "kz.appeal", value)
            .unwrap();
        if !adapters.is_valid("kz.appeal", &appeal).unwrap() {
            target_findings += adapters
                .validate("kz.appeal", &appeal)
                .unwrap()
                .findings
                .len();
        }
        out_bytes += black_box(serde_json::to_string(&appeal).unwrap()).len();
    }
    let pipeline = start.elapsed();
    black_box(out_bytes);

    if std::env::var_os("GOVLAB_BENCH_TO_CANONICAL").is_some() {
        // Profiling aid: only the first hop, repeated.
        let values: Vec<Value> = lines
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        for _ in 0..10 {
            for v in &values {
                black_box(
                    adapters
                        .convert("madrid.request", "canonical.appeal", v)
                        .unwrap(),
                );
            }
        }
        return;
    }
    if std::env::var_os("GOVLAB_BENCH_BREAKDOWN").is_some() {
        breakdown(&adapters, &lines);
    }

    let rate = |d: std::time::Duration| RECORDS as f64 / d.as_secs_f64();
    let ratio = |d: std::time::Duration| d.as_secs_f64() / baseline.as_secs_f64();
    println!(
        "input: {RECORDS} madrid.request records, {bytes} bytes ({} bytes/record), one thread",
        bytes / RECORDS
    );
    println!(
        "baseline    serde_json parse + serialize:                        {:>9.0} records/s",
        rate(baseline)
    );
    println!(
        "pipeline A  parse, validate, map via canonical, validate, write: {:>9.0} records/s  ratio {:.2}x",
        rate(pipeline_valid),
        ratio(pipeline_valid)
    );
    println!(
        "pipeline B  as A, collecting the findings of invalid records:    {:>9.0} records/s  ratio {:.2}x",
        rate(pipeline),
        ratio(pipeline)
    );
    println!(
        "validity    source {source_valid}/{RECORDS}, target {target_valid}/{RECORDS} ({target_findings} findings collected in B)"
    );
    let verdict = |d: std::time::Duration| {
        format!(
            ">= 100000 records/s {}, <= 4x baseline {}",
            if rate(d) >= 100_000.0 {
                "met"
            } else {
                "MISSED"
            },
            if ratio(d) <= 4.0 { "met" } else { "MISSED" }
        )
    };
    println!(
        "targets     A: {}; B: {}",
        verdict(pipeline_valid),
        verdict(pipeline)
    );
}

/// Per-stage timings, to see where the pipeline spends its time.
fn breakdown(adapters: &Adapters, lines: &[String]) {
    let values: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let time = |name: &str, f: &mut dyn FnMut()| {
        let start = Instant::now();
        f();
        let per = start.elapsed().as_secs_f64() * 1e6 / RECORDS as f64;
        println!("stage     {name:<40} {per:>8.2} µs/record");
    };
    time("parse", &mut || {
        for l in lines {
            black_box(serde_json::from_str::<Value>(l).unwrap());
        }
    });
    time("is_valid madrid.request", &mut || {
        for v in &values {
            black_box(adapters.is_valid("madrid.request", v).unwrap());
        }
    });
    time("convert → canonical.appeal", &mut || {
        for v in &values {
            black_box(
                adapters
                    .convert("madrid.request", "canonical.appeal", v)
                    .unwrap(),
            );
        }
    });
    let canon: Vec<Value> = values
        .iter()
        .map(|v| {
            adapters
                .convert("madrid.request", "canonical.appeal", v)
                .unwrap()
        })
        .collect();
    time("convert canonical → kz.appeal", &mut || {
        for v in &canon {
            black_box(
                adapters
                    .convert("canonical.appeal", "kz.appeal", v)
                    .unwrap(),
            );
        }
    });
    let kz: Vec<Value> = canon
        .iter()
        .map(|v| {
            adapters
                .convert("canonical.appeal", "kz.appeal", v)
                .unwrap()
        })
        .collect();
    time("is_valid kz.appeal", &mut || {
        for v in &kz {
            black_box(adapters.is_valid("kz.appeal", v).unwrap());
        }
    });
    time("validate kz.appeal (findings)", &mut || {
        for v in &kz {
            black_box(adapters.validate("kz.appeal", v).unwrap());
        }
    });
    time("serialize kz.appeal", &mut || {
        for v in &kz {
            black_box(serde_json::to_string(v).unwrap());
        }
    });
}
