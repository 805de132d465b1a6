// The console's shell: sign-in, the session (in memory only), hash routes to the pages, and the
// list of uploads running from this browser (kept across pages).

import { AdminClient } from "./admin.js";
import { attempt, h, showStatus } from "./dom.js";
import * as buckets from "./page-buckets.js";
import * as metrics from "./page-metrics.js";
import * as objects from "./page-objects.js";
import * as uploads from "./page-uploads.js";
import * as users from "./page-users.js";
import { S3Client } from "./s3.js";
import { Signer } from "./sigv4.js";
import { renderUpload, Upload } from "./upload.js";

const pages = { buckets, browse: objects, object: objects, uploads, users, metrics };
let session = null;
const running = []; // this session's uploads
let leave = null; // the current page's clean-up (timers)

const byId = (id) => document.getElementById(id);

async function signIn(event) {
  event.preventDefault();
  const accessKey = byId("access-key").value;
  const secret = byId("secret-key");
  if (!window.crypto?.subtle) {
    showStatus("This page needs WebCrypto, which browsers only give to secure contexts: open it over https or on localhost (e.g. through an SSH tunnel).", true);
    return;
  }
  await attempt(async () => {
    const config = await (await fetch("/console/config.json", { cache: "no-store" })).json();
    const signer = await Signer.signIn(accessKey, secret.value, config.region);
    secret.value = "";
    const admin = new AdminClient(signer);
    await admin.users(); // the admin API answers admin users' keys only
    // Behind a reverse proxy the server names the S3 URL (--console-s3-url).
    const s3 = new S3Client(config.s3URL ?? `${config.s3Scheme}://${location.hostname}:${config.s3Port}`, signer);
    session = { signer, admin, s3, startUpload, navigate };
    byId("sign-in").hidden = true;
    byId("nav").hidden = false;
    byId("sign-out").hidden = false;
    byId("who").textContent = `Signed in as ${accessKey}`;
    showStatus("Signed in.");
    if (!location.hash || location.hash === "#") location.hash = "#/buckets";
    else route();
  });
  secret.value = "";
}

function signOut() {
  // The uploads stop with the session that signs them (their finished parts stay on the server,
  // listed on the uploads page until completed or aborted).
  for (const upload of running.splice(0)) upload.pause();
  byId("transfer-list").replaceChildren();
  byId("transfers").hidden = true;
  session = null;
  leave?.();
  byId("page").replaceChildren();
  byId("sign-in").hidden = false;
  byId("nav").hidden = true;
  byId("sign-out").hidden = true;
  byId("who").textContent = "";
  showStatus("Signed out.");
}

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

// "#/page/arg1/arg2": arguments URI-encoded.
async function route() {
  if (!session) return;
  leave?.();
  leave = null;
  const [name, ...args] = location.hash.replace(/^#\//, "").split("/");
  const page = pages[name] || buckets;
  for (const link of byId("nav").querySelectorAll("a")) {
    if (link.getAttribute("href") === `#/${name}`) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const container = h("div", { class: "page", "data-page": name || "buckets" });
  byId("page").replaceChildren(container);
  await attempt(async () => {
    leave = await page.render(session, container, name, args.map(decodeURIComponent));
  });
  // Keyboard and screen reader users land on the new page's heading, not at the top of the document.
  const heading = container.querySelector("h2");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

function startUpload(bucket, key, file, parallel, onDone) {
  const row = h("li", { class: "transfer" });
  byId("transfer-list").prepend(row);
  byId("transfers").hidden = false;
  const upload = new Upload(session.s3, bucket, key, file, { parallel,
    onChange: (u) => renderUpload(u, row),
    onDone: (u) => { showStatus(`Uploaded ${u.bucket}/${u.key}.`); onDone?.(u); },
  });
  renderUpload(upload, row);
  running.push(upload);
  upload.start();
  return upload;
}

byId("sign-in").addEventListener("submit", signIn);
byId("sign-out").addEventListener("click", signOut);
window.addEventListener("hashchange", route);
