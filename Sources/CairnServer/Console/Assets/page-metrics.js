// The metrics at a glance: stored totals (admin API), readiness, and the request counters of
// /metrics when it is open to the page (not when --metrics-token protects it).

import { bytes, h, table, when } from "./dom.js";

// Prometheus text format: { name: [{ labels, value }] }.
export function parsePrometheus(text) {
  const out = {};
  for (const line of text.split("\n")) {
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/);
    if (!m) continue;
    const labels = {};
    for (const l of (m[2] || "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    (out[m[1]] ||= []).push({ labels, value: Number(m[3]) });
  }
  return out;
}

const sum = (series) => (series || []).reduce((n, s) => n + s.value, 0);

function tile(label, value) {
  return h("div", { class: "tile" }, h("span", { class: "tile-value" }, value), h("span", { class: "tile-label" }, label));
}

export async function render(session, page) {
  const [buckets, uploads, ready, scrape] = await Promise.all([
    session.admin.buckets(), session.admin.uploads(),
    fetch("/ready", { cache: "no-store" }).then(async (r) => ({ ok: r.ok, body: await r.json().catch(() => ({})) })),
    fetch("/metrics", { cache: "no-store" }).then(async (r) => (r.ok ? parsePrometheus(await r.text()) : null)),
  ]);
  const oldest = uploads.map((u) => u.initiated).sort()[0];
  page.append(h("h2", {}, "Metrics"),
    h("section", { class: "tiles", "aria-label": "Storage" },
      tile("Ready", ready.ok ? "yes" : `no (${Object.entries(ready.body).filter(([k]) => k !== "status").map(([k, v]) => `${k}: ${v}`).join("; ")})`),
      tile("Buckets", String(buckets.length)),
      tile("Objects", String(buckets.reduce((n, b) => n + b.objects, 0))),
      tile("Stored", bytes(buckets.reduce((n, b) => n + b.bytes, 0))),
      tile("Uploads in progress", String(uploads.length)),
      tile("Parts' bytes", bytes(buckets.reduce((n, b) => n + b.partBytes, 0))),
      tile("Oldest upload", oldest ? when(oldest) : "none")));
  if (!scrape) {
    page.append(h("p", {}, "/metrics is protected by --metrics-token: request metrics are not shown here."));
    return;
  }
  page.append(h("section", { class: "tiles", "aria-label": "Requests and process" },
    tile("S3 requests", String(sum(scrape.cairn_s3_requests_total))),
    tile("S3 errors", String(sum(scrape.cairn_s3_errors_total))),
    tile("In flight", String(sum(scrape.cairn_s3_requests_in_flight))),
    tile("Received", bytes(sum(scrape.cairn_s3_received_bytes_total))),
    tile("Sent", bytes(sum(scrape.cairn_s3_sent_bytes_total))),
    tile("Resident memory", bytes(sum(scrape.process_resident_memory_bytes))),
    tile("Open files", String(sum(scrape.process_open_fds)))));
  const byOperation = {};
  for (const s of scrape.cairn_s3_requests_total || []) byOperation[s.labels.operation] = (byOperation[s.labels.operation] || 0) + s.value;
  const errors = {};
  for (const s of scrape.cairn_s3_errors_total || []) errors[s.labels.operation] = (errors[s.labels.operation] || 0) + s.value;
  const rows = Object.entries(byOperation).sort((a, b) => b[1] - a[1]).slice(0, 15)
    .map(([op, n]) => [op, String(n), String(errors[op] || 0)]);
  page.append(table("Requests by S3 operation (busiest first)", ["Operation", "Requests", "Errors"], rows, { empty: "No S3 requests yet." }));
}
