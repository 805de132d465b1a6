// The console's S3 client: SigV4-signed requests from the browser to the S3 listener (another
// origin; the S3 listener answers CORS for the console's origin). Bucket and object work goes
// through the real S3 API, so the console is allowed exactly what the signed-in key is allowed.

import { base64, canonicalQuery, hex, sha256, uriEncode } from "./sigv4.js";

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export class S3Error extends Error {
  constructor(status, code, message) {
    super(code ? `${code}: ${message}` : `HTTP ${status}: ${message}`);
    this.status = status;
    this.code = code;
  }
}

function xmlText(node, name) {
  const found = node.getElementsByTagName(name)[0];
  return found ? found.textContent : "";
}

function children(node, name) {
  return Array.from(node.getElementsByTagName(name));
}

export class S3Client {
  constructor(endpoint, signer) {
    this.endpoint = endpoint;
    this.signer = signer;
  }

  url(bucket, key, query = {}) {
    let path = "/";
    if (bucket) path += uriEncode(bucket);
    if (key !== undefined) path += "/" + uriEncode(key, true);
    const url = new URL(this.endpoint + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) url.searchParams.append(k, v);
    return url;
  }

  // The URL exactly as signed (our own query encoding, never URLSearchParams' "+").
  static href(url) {
    const q = canonicalQuery(url.searchParams);
    return url.origin + url.pathname + (q ? "?" + q : "");
  }

  async send(method, url, { headers = {}, body = null } = {}) {
    const payloadHash = body === null ? EMPTY_SHA256 : hex(await sha256(typeof body === "string" ? new TextEncoder().encode(body) : body));
    const signed = await this.signer.sign(method, url, headers, payloadHash);
    const response = await fetch(S3Client.href(url), { method, headers: signed, body, cache: "no-store" });
    if (!response.ok) {
      const text = method === "HEAD" ? "" : await response.text();
      const doc = text ? new DOMParser().parseFromString(text, "application/xml") : null;
      throw new S3Error(response.status, doc ? xmlText(doc, "Code") : "", doc ? xmlText(doc, "Message") : response.statusText);
    }
    return response;
  }

  async xml(method, url, options) {
    const text = await (await this.send(method, url, options)).text();
    return new DOMParser().parseFromString(text, "application/xml");
  }

  createBucket(bucket) {
    return this.send("PUT", this.url(bucket));
  }

  // One page of ListObjectsV2 with "/" as delimiter: folders (common prefixes) and objects.
  async listObjects(bucket, prefix, token) {
    const doc = await this.xml("GET", this.url(bucket, undefined, {
      "list-type": "2", delimiter: "/", prefix, "continuation-token": token, "max-keys": "200" }));
    return {
      folders: children(doc, "CommonPrefixes").map((p) => xmlText(p, "Prefix")),
      objects: children(doc, "Contents").map((c) => ({
        key: xmlText(c, "Key"), size: Number(xmlText(c, "Size")), etag: xmlText(c, "ETag"),
        lastModified: xmlText(c, "LastModified"), checksumAlgorithm: xmlText(c, "ChecksumAlgorithm") })),
      next: xmlText(doc, "IsTruncated") === "true" ? xmlText(doc, "NextContinuationToken") : null,
    };
  }

  async headObject(bucket, key) {
    const r = await this.send("HEAD", this.url(bucket, key), { headers: { "x-amz-checksum-mode": "ENABLED" } });
    const headers = {};
    r.headers.forEach((value, name) => { headers[name] = value; });
    return headers;
  }

  // Size, ETag, checksum and the parts of a multipart object, with their checksums.
  async objectAttributes(bucket, key) {
    const doc = await this.xml("GET", this.url(bucket, key, { attributes: "" }), {
      headers: { "x-amz-object-attributes": "ETag,Checksum,ObjectParts,ObjectSize,StorageClass", "x-amz-max-parts": "1000" } });
    const parts = children(doc, "Part").map((p) => {
      const checksum = Array.from(p.children).find((c) => c.tagName.startsWith("Checksum"));
      return { number: Number(xmlText(p, "PartNumber")), size: Number(xmlText(p, "Size")),
        checksum: checksum ? `${checksum.tagName.slice(8)}:${checksum.textContent}` : "" };
    });
    return { partsCount: xmlText(doc, "TotalPartsCount"), parts };
  }

  async listVersions(bucket, key) {
    const doc = await this.xml("GET", this.url(bucket, undefined, { versions: "", prefix: key }));
    const entries = [...children(doc, "Version").map((v) => ({ v, marker: false })),
      ...children(doc, "DeleteMarker").map((v) => ({ v, marker: true }))];
    return entries.filter(({ v }) => xmlText(v, "Key") === key).map(({ v, marker }) => ({
      versionId: xmlText(v, "VersionId"), latest: xmlText(v, "IsLatest") === "true", marker,
      size: marker ? null : Number(xmlText(v, "Size")), lastModified: xmlText(v, "LastModified") }))
      .sort((a, b) => (a.lastModified < b.lastModified ? 1 : -1));
  }

  deleteObject(bucket, key, versionId) {
    return this.send("DELETE", this.url(bucket, key, { versionId }));
  }

  downloadURL(bucket, key, versionId) {
    const name = key.split("/").pop() || "download";
    return this.signer.presign(this.url(bucket, key, {
      // RFC 6266 / 5987: any file name, non-ASCII included, survives as filename*.
      versionId, "response-content-disposition": `attachment; filename*=UTF-8''${uriEncode(name)}` }));
  }

  async createMultipartUpload(bucket, key, contentType) {
    const headers = { "x-amz-checksum-algorithm": "SHA256" };
    if (contentType) headers["content-type"] = contentType;
    const doc = await this.xml("POST", this.url(bucket, key, { uploads: "" }), { headers });
    return xmlText(doc, "UploadId");
  }

  // One part, by XMLHttpRequest for its upload progress events. Signed with the part's SHA-256,
  // also sent as its x-amz-checksum-sha256. Resolves to { etag, checksum }.
  async uploadPart(bucket, key, uploadId, number, bytes, onProgress, register) {
    const digest = await sha256(bytes);
    const checksum = base64(digest);
    const url = this.url(bucket, key, { partNumber: String(number), uploadId });
    const headers = await this.signer.sign("PUT", url, { "x-amz-checksum-sha256": checksum }, hex(digest));
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      register(xhr);
      xhr.open("PUT", S3Client.href(url));
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (e) => onProgress(e.loaded);
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) resolve({ etag: xhr.getResponseHeader("ETag"), checksum });
        else {
          const doc = new DOMParser().parseFromString(xhr.responseText || "<x/>", "application/xml");
          reject(new S3Error(xhr.status, xmlText(doc, "Code"), xmlText(doc, "Message")));
        }
      };
      xhr.onerror = () => reject(new S3Error(0, "NetworkError", "the part's request failed"));
      xhr.onabort = () => reject(new S3Error(0, "Paused", "the part's request was stopped"));
      xhr.send(bytes);
    });
  }

  async completeMultipartUpload(bucket, key, uploadId, parts) {
    const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const body = "<CompleteMultipartUpload>" + parts.map((p) => `<Part><PartNumber>${p.number}</PartNumber>` +
      `<ETag>${escape(p.etag)}</ETag><ChecksumSHA256>${p.checksum}</ChecksumSHA256></Part>`).join("") +
      "</CompleteMultipartUpload>";
    const doc = await this.xml("POST", this.url(bucket, key, { uploadId }), { body });
    // A 200 may still carry an error (S3 reports late failures in the body).
    if (doc.documentElement.tagName === "Error") throw new S3Error(200, xmlText(doc, "Code"), xmlText(doc, "Message"));
    return xmlText(doc, "ETag");
  }

  abortMultipartUpload(bucket, key, uploadId) {
    return this.send("DELETE", this.url(bucket, key, { uploadId }));
  }
}
