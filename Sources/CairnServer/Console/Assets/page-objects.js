// The object browser (#/browse/BUCKET/PREFIX): folders by "/", objects, download, delete and
// upload; and one object (#/object/BUCKET/KEY): metadata, checksums, parts, versions.

import { attempt, button, bytes, h, showStatus, table, when } from "./dom.js";

const browseHash = (bucket, prefix) => `#/browse/${encodeURIComponent(bucket)}/${encodeURIComponent(prefix)}`;
const objectHash = (bucket, key) => `#/object/${encodeURIComponent(bucket)}/${encodeURIComponent(key)}`;

export function render(session, page, name, args) {
  return name === "object" ? renderObject(session, page, args[0], args.slice(1).join("/"))
    : renderFolder(session, page, args[0], args.slice(1).join("/"));
}

function breadcrumbs(bucket, prefix) {
  const parts = prefix.split("/").filter(Boolean);
  const links = [h("a", { href: "#/buckets" }, "Buckets"), " / ", h("a", { href: browseHash(bucket, "") }, bucket)];
  parts.forEach((p, i) => links.push(" / ", h("a", { href: browseHash(bucket, parts.slice(0, i + 1).join("/") + "/") }, p)));
  return h("nav", { "aria-label": "Breadcrumbs", class: "crumbs" }, links);
}

async function download(session, bucket, key, versionId) {
  await attempt(async () => {
    const link = h("a", { href: await session.s3.downloadURL(bucket, key, versionId), rel: "noopener" });
    document.body.append(link);
    link.click();
    link.remove();
  });
}

async function remove(session, bucket, key, versionId, then) {
  const what = versionId ? `version ${versionId} of ${key}` : key;
  if (!confirm(`Delete ${what}?`)) return;
  await attempt(async () => {
    await session.s3.deleteObject(bucket, key, versionId);
    showStatus(`Deleted ${what}.`);
    then();
  });
}

async function renderFolder(session, page, bucket, prefix) {
  const here = () => session.navigate(browseHash(bucket, prefix));
  const body = h("tbody");
  const more = button("Load more", () => attempt(() => load(more.dataset.token)), { hidden: true });
  const load = async (token) => {
    const r = await session.s3.listObjects(bucket, prefix, token);
    for (const f of r.folders) {
      body.append(h("tr", {}, h("td", {}, h("a", { href: browseHash(bucket, f), class: "folder" }, f.slice(prefix.length))),
        h("td", {}, "folder"), h("td"), h("td")));
    }
    for (const o of r.objects) {
      body.append(h("tr", {},
        h("td", {}, h("a", { href: objectHash(bucket, o.key) }, o.key.slice(prefix.length))),
        h("td", {}, bytes(o.size)), h("td", {}, when(o.lastModified)),
        h("td", { class: "controls" },
          button("Download", () => download(session, bucket, o.key), { "aria-label": `Download ${o.key}` }),
          button("Delete", () => remove(session, bucket, o.key, undefined, here), { "aria-label": `Delete ${o.key}`, class: "danger" }))));
    }
    if (!body.children.length) body.append(h("tr", {}, h("td", { colspan: "4", class: "empty" }, "Nothing here yet.")));
    more.hidden = !r.next;
    more.dataset.token = r.next || "";
  };
  const file = h("input", { type: "file", id: "upload-file", multiple: true });
  const parallel = h("input", { type: "number", id: "upload-parallel", min: "1", max: "16", value: "4", required: true });
  const upload = h("form", { class: "inline", "aria-labelledby": "upload-title", onsubmit: (e) => {
    e.preventDefault();
    for (const f of file.files) session.startUpload(bucket, prefix + f.name, f, Number(parallel.value), () => {
      if (location.hash === browseHash(bucket, prefix)) here(); // still looking at this folder
    });
    file.value = "";
  } },
  h("h3", { id: "upload-title" }, "Upload"),
  h("label", { for: "upload-file" }, `Files to upload to ${bucket}/${prefix}`), file,
  h("label", { for: "upload-parallel" }, "Parts in flight"), parallel,
  h("button", { type: "submit", id: "upload-button" }, "Upload"));
  page.append(h("h2", {}, `Bucket ${bucket}`), breadcrumbs(bucket, prefix),
    h("table", {}, h("caption", {}, `Objects in ${bucket}/${prefix}`),
      h("thead", {}, h("tr", {}, ["Name", "Size", "Last modified", "Actions"].map((c) => h("th", { scope: "col" }, c)))), body),
    more, upload);
  await load();
}

async function renderObject(session, page, bucket, key) {
  const folder = key.includes("/") ? key.slice(0, key.lastIndexOf("/") + 1) : "";
  const head = await session.s3.headObject(bucket, key);
  const attributes = await session.s3.objectAttributes(bucket, key).catch(() => ({ parts: [] }));
  const versions = await session.s3.listVersions(bucket, key).catch(() => []);
  const shown = Object.entries(head).filter(([n]) => !["x-amz-request-id", "x-amz-id-2"].includes(n)).sort();
  const checksums = shown.filter(([n]) => n.startsWith("x-amz-checksum-"));
  const metadata = shown.filter(([n]) => !n.startsWith("x-amz-checksum-"));
  const again = () => session.navigate(objectHash(bucket, key));
  page.append(h("h2", {}, key), breadcrumbs(bucket, folder),
    h("p", { class: "controls" },
      button("Download", () => download(session, bucket, key)),
      button("Delete", () => remove(session, bucket, key, undefined, () => session.navigate(browseHash(bucket, folder))), { class: "danger" })),
    table("Metadata", ["Header", "Value"], metadata.map(([n, v]) => [n, h("span", { class: "mono" }, v)])),
    table("Checksums", ["Header", "Value"], checksums.map(([n, v]) => [n, h("span", { class: "mono" }, v)]),
      { empty: "No checksum stored." }),
    h("h3", {}, "Parts"),
    table(`Parts of ${key}`, ["Part", "Size", "Checksum"],
      attributes.parts.map((p) => [String(p.number), bytes(p.size), h("span", { class: "mono" }, p.checksum)]),
      { empty: attributes.partsCount ? `${attributes.partsCount} parts.` : "Not a multipart object." }),
    h("h3", {}, "Versions"),
    table(`Versions of ${key}`, ["Version", "Size", "Last modified", "Actions"], versions.map((v) => [
      h("span", { class: "mono" }, `${v.versionId}${v.latest ? " (latest)" : ""}${v.marker ? " (delete marker)" : ""}`),
      v.marker ? "" : bytes(v.size), when(v.lastModified),
      h("span", { class: "controls" },
        v.marker ? "" : button("Download", () => download(session, bucket, key, v.versionId), { "aria-label": `Download version ${v.versionId}` }),
        button("Delete", () => remove(session, bucket, key, v.versionId, again), { class: "danger", "aria-label": `Delete version ${v.versionId}` }))]),
    { empty: "No versions." }));
}
