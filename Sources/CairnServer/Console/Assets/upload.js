// Uploads from the browser: S3 multipart, several parts in flight, a progress bar, pause (the
// parts in flight are stopped, the finished ones kept by the server) and resume (only the missing
// parts are sent). Each part is read from the file when it is sent, so memory holds at most
// `parallel` parts, whatever the file's size.

import { bytes, button, h } from "./dom.js";

const MiB = 1024 * 1024;
const MAX_PARTS = 10000;

export function partSizeFor(size) {
  // S3's smallest part is 5 MiB (but the last) and an upload has at most 10,000 parts.
  return Math.max(5 * MiB, Math.ceil(size / MAX_PARTS / MiB) * MiB);
}

export class Upload {
  constructor(s3, bucket, key, file, { parallel = 4, onChange = () => {}, onDone = () => {} } = {}) {
    Object.assign(this, { s3, bucket, key, file, parallel, onChange, onDone });
    this.partSize = partSizeFor(file.size);
    this.count = Math.max(1, Math.ceil(file.size / this.partSize));
    this.parts = new Map(); // number -> { etag, checksum }
    this.inFlight = new Map(); // number -> { loaded, xhr }
    this.state = "starting";
    this.generation = 0;
    this.error = null;
  }

  get sent() {
    let n = 0;
    for (const number of this.parts.keys()) n += this.sizeOf(number);
    for (const entry of this.inFlight.values()) n += entry.loaded;
    return Math.min(n, this.file.size);
  }

  sizeOf(number) {
    return Math.min(this.partSize, this.file.size - (number - 1) * this.partSize);
  }

  async start() {
    try {
      this.uploadId = await this.s3.createMultipartUpload(this.bucket, this.key, this.file.type);
    } catch (e) {
      return this.fail(e);
    }
    this.resume();
  }

  pause() {
    if (this.state !== "uploading") return;
    this.state = "paused";
    this.generation++;
    for (const entry of this.inFlight.values()) entry.xhr?.abort();
    this.inFlight.clear();
    this.onChange(this);
  }

  resume() {
    if (this.state !== "starting" && this.state !== "paused") return;
    this.state = "uploading";
    const generation = ++this.generation;
    this.onChange(this);
    Promise.all(Array.from({ length: this.parallel }, () => this.worker(generation))).then(() => this.finish(generation));
  }

  async cancel() {
    this.pause();
    this.state = "aborted";
    this.onChange(this);
    if (this.uploadId) await this.s3.abortMultipartUpload(this.bucket, this.key, this.uploadId);
  }

  nextPart() {
    for (let n = 1; n <= this.count; n++) if (!this.parts.has(n) && !this.inFlight.has(n)) return n;
    return null;
  }

  async worker(generation) {
    while (this.state === "uploading" && this.generation === generation) {
      const number = this.nextPart();
      if (number === null) return;
      const entry = { loaded: 0, xhr: null };
      this.inFlight.set(number, entry);
      try {
        const start = (number - 1) * this.partSize;
        const body = new Uint8Array(await this.file.slice(start, start + this.sizeOf(number)).arrayBuffer());
        if (this.generation !== generation) return;
        const part = await this.s3.uploadPart(this.bucket, this.key, this.uploadId, number, body,
          (loaded) => { entry.loaded = loaded; this.onChange(this); }, (xhr) => { entry.xhr = xhr; });
        if (this.generation === generation) this.parts.set(number, part);
      } catch (e) {
        if (this.generation === generation) this.fail(e);
        return;
      } finally {
        if (this.inFlight.get(number) === entry) this.inFlight.delete(number);
        this.onChange(this);
      }
    }
  }

  async finish(generation) {
    if (this.state !== "uploading" || this.generation !== generation || this.parts.size !== this.count) return;
    this.state = "completing";
    this.onChange(this);
    try {
      const parts = Array.from(this.parts.entries()).sort((a, b) => a[0] - b[0]).map(([number, p]) => ({ number, ...p }));
      this.etag = await this.s3.completeMultipartUpload(this.bucket, this.key, this.uploadId, parts);
      this.state = "done";
      this.onChange(this);
      this.onDone(this);
    } catch (e) {
      this.fail(e);
    }
  }

  fail(error) {
    this.state = "failed";
    this.error = error;
    this.generation++;
    for (const entry of this.inFlight.values()) entry.xhr?.abort();
    this.inFlight.clear();
    this.onChange(this);
  }
}

// One row of the transfers list, updated in place as the upload moves (its buttons are only
// replaced when the state changes, so that a click never lands on a button being redrawn).
export function renderUpload(upload, row) {
  const label = `${upload.bucket}/${upload.key}`;
  if (!row.firstChild) {
    row.append(h("span", { class: "transfer-name" }, label),
      h("progress", { max: "100", value: "0", "aria-label": `Upload of ${label}` }),
      h("span", { class: "transfer-state" }), h("span", { class: "controls" }));
  }
  const [, progress, state, controls] = row.children;
  const percent = upload.file.size === 0 ? (upload.state === "done" ? 100 : 0) : Math.floor((upload.sent / upload.file.size) * 100);
  progress.value = percent;
  progress.textContent = `${percent}%`;
  state.textContent = `${upload.state}: ${upload.parts.size} of ${upload.count} parts, ${bytes(upload.sent)} of ${bytes(upload.file.size)}`
    + (upload.error ? ` (${upload.error.message})` : "");
  state.dataset.parts = String(upload.parts.size);
  if (state.dataset.state === upload.state) return;
  state.dataset.state = upload.state;
  const buttons = [];
  if (upload.state === "uploading") buttons.push(button("Pause", () => upload.pause(), { "aria-label": `Pause ${label}` }));
  if (upload.state === "paused") buttons.push(button("Resume", () => upload.resume(), { "aria-label": `Resume ${label}` }));
  if (["uploading", "paused", "failed"].includes(upload.state)) {
    buttons.push(button("Abort", () => upload.cancel(), { "aria-label": `Abort ${label}`, class: "danger" }));
  }
  controls.replaceChildren(...buttons);
}
