// Multipart uploads in progress, every one with its parts (number, size, ETag, checksum, when),
// from the admin API, and Abort.

import { attempt, button, bytes, h, showStatus, table, when } from "./dom.js";

export async function render(session, page) {
  const uploads = await session.admin.uploads();
  const refresh = () => session.navigate("#/uploads");
  page.append(h("h2", {}, "Uploads in progress"),
    h("p", {}, `${uploads.length} upload${uploads.length === 1 ? "" : "s"} in progress. `, button("Refresh", refresh)));
  if (uploads.length === 0) page.append(h("p", { class: "empty" }, "No multipart upload is in progress."));
  for (const u of uploads) {
    const title = `${u.bucket}/${u.key}`;
    const total = u.parts.reduce((n, p) => n + p.size, 0);
    page.append(h("article", { class: "card upload", "data-upload-id": u.uploadId, "aria-label": title },
      h("h3", {}, title),
      h("dl", {},
        h("dt", {}, "Upload ID"), h("dd", { class: "mono" }, u.uploadId),
        h("dt", {}, "Initiated"), h("dd", {}, when(u.initiated)),
        h("dt", {}, "Initiator"), h("dd", {}, u.owner),
        h("dt", {}, "Parts"), h("dd", {}, `${u.parts.length} (${bytes(total)})`)),
      table(`Parts of ${title}`, ["Part", "Size", "ETag", "Checksum", "Uploaded"],
        u.parts.map((p) => [String(p.partNumber), bytes(p.size), h("span", { class: "mono" }, p.etag),
          h("span", { class: "mono" }, p.checksum || ""), when(p.lastModified)]), { empty: "No parts uploaded yet." }),
      button("Abort", async () => {
        if (!confirm(`Abort the upload of ${title}? Its parts are deleted.`)) return;
        await attempt(async () => {
          await session.admin.abortUpload(u.bucket, u.uploadId);
          showStatus(`Aborted the upload of ${title}.`);
          refresh();
        });
      }, { class: "danger", "aria-label": `Abort upload of ${title}` })));
  }
}
