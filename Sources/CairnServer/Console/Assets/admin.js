// The admin API (/admin/v1/..., JSON) on the console's own origin, SigV4-signed like S3.

import { hex, sha256 } from "./sigv4.js";

export class AdminError extends Error {
  constructor(status, code, message) {
    super(`${code || "HTTP " + status}: ${message}`);
    this.status = status;
    this.code = code;
  }
}

export class AdminClient {
  constructor(signer) {
    this.signer = signer;
  }

  async call(method, path, { query = {}, body } = {}) {
    const url = new URL("/admin/v1/" + path, location.origin);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.append(k, v);
    const text = body === undefined ? "" : JSON.stringify(body);
    const headers = await this.signer.sign(method, url, body === undefined ? {} : { "content-type": "application/json" },
      hex(await sha256(text)));
    const response = await fetch(url, { method, headers, body: body === undefined ? undefined : text, cache: "no-store" });
    if (response.status === 204) return null;
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw new AdminError(response.status, json.error?.code, json.error?.message || response.statusText);
    return json;
  }

  users() { return this.call("GET", "users").then((r) => r.users); }
  addUser(name, admin) { return this.call("POST", "users", { body: { name, admin } }); }
  removeUser(name) { return this.call("DELETE", "users/" + encodeURIComponent(name)); }
  keys() { return this.call("GET", "keys").then((r) => r.keys); }
  createKey(user) { return this.call("POST", "keys", { body: { user } }); }
  setKeyEnabled(key, enabled) { return this.call("POST", `keys/${encodeURIComponent(key)}/${enabled ? "enable" : "disable"}`); }
  deleteKey(key) { return this.call("DELETE", "keys/" + encodeURIComponent(key)); }
  buckets() { return this.call("GET", "buckets").then((r) => r.buckets); }
  uploads() { return this.call("GET", "uploads").then((r) => r.uploads); }
  abortUpload(bucket, uploadId) { return this.call("POST", "uploads/abort", { body: { bucket, uploadIds: [uploadId] } }); }
}
