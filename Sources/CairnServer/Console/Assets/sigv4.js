// SigV4 in the browser, with WebCrypto. The secret is used once, at sign-in, to derive the day's
// signing key (HMAC chain over date, region, "s3", "aws4_request"); only that key is kept, as a
// non-extractable CryptoKey in memory: never in localStorage, sessionStorage or a cookie. It is
// only valid for its UTC date, so the console asks to sign in again after midnight UTC.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html

const encoder = new TextEncoder();

export function hex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function base64(bytes) {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s);
}

export async function sha256(data) {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

async function hmacKey(raw, extractable) {
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, extractable, ["sign"]);
}

async function hmac(key, text) {
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(text)));
}

// RFC 3986 unreserved characters stay, everything else is %XX (S3's URI encoding).
export function uriEncode(text, keepSlash = false) {
  const encoded = encodeURIComponent(text).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  return keepSlash ? encoded.replace(/%2F/g, "/") : encoded;
}

export function amzDate(now = new Date()) {
  return now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

// The credentials of one signed-in session: the access key and the day's signing key.
export class Signer {
  static async signIn(accessKey, secretKey, region, now = new Date()) {
    const day = amzDate(now).slice(0, 8);
    let key = await hmac(await hmacKey(encoder.encode("AWS4" + secretKey), false), day);
    for (const part of [region, "s3"]) key = await hmac(await hmacKey(key, false), part);
    const signing = await hmacKey(await hmac(await hmacKey(key, false), "aws4_request"), false);
    return new Signer(accessKey, region, day, signing);
  }

  constructor(accessKey, region, day, key) {
    this.accessKey = accessKey;
    this.region = region;
    this.day = day;
    this.key = key;
  }

  get scope() {
    return `${this.day}/${this.region}/s3/aws4_request`;
  }

  // Still usable: the signing key is only good for its UTC day.
  get current() {
    return amzDate().slice(0, 8) === this.day;
  }

  async signature(date, canonicalRequest) {
    const stringToSign = ["AWS4-HMAC-SHA256", date, this.scope, hex(await sha256(canonicalRequest))].join("\n");
    return hex(await hmac(this.key, stringToSign));
  }

  // Headers for a request: url is a URL object whose pathname is already URI-encoded,
  // headers a plain object of the x-amz-* (and other) headers to sign.
  async sign(method, url, headers, payloadHash) {
    if (!this.current) throw new Error("The session's signing key has expired (a new UTC day): sign in again.");
    const date = amzDate();
    const all = { ...headers, host: url.host, "x-amz-date": date, "x-amz-content-sha256": payloadHash };
    const names = Object.keys(all).map((n) => n.toLowerCase()).sort();
    const lower = Object.fromEntries(Object.entries(all).map(([n, v]) => [n.toLowerCase(), String(v).trim()]));
    const canonical = [method, url.pathname, canonicalQuery(url.searchParams),
      names.map((n) => `${n}:${lower[n]}\n`).join(""), names.join(";"), payloadHash].join("\n");
    const signature = await this.signature(date, canonical);
    const out = { ...headers, "x-amz-date": date, "x-amz-content-sha256": payloadHash };
    out.authorization = `AWS4-HMAC-SHA256 Credential=${this.accessKey}/${this.scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
    return out;
  }

  // A presigned GET URL (for downloads the browser itself saves).
  async presign(url, expiresSeconds = 900) {
    if (!this.current) throw new Error("The session's signing key has expired (a new UTC day): sign in again.");
    const date = amzDate();
    const q = url.searchParams;
    q.set("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
    q.set("X-Amz-Credential", `${this.accessKey}/${this.scope}`);
    q.set("X-Amz-Date", date);
    q.set("X-Amz-Expires", String(expiresSeconds));
    q.set("X-Amz-SignedHeaders", "host");
    const canonical = ["GET", url.pathname, canonicalQuery(q), `host:${url.host}\n`, "host", "UNSIGNED-PAYLOAD"].join("\n");
    const signature = await this.signature(date, canonical);
    return `${url.origin}${url.pathname}?${canonicalQuery(q)}&X-Amz-Signature=${signature}`;
  }
}

export function canonicalQuery(params) {
  return Array.from(params.entries())
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}
