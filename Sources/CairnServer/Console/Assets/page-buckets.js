// Buckets with their usage (from the admin API) and CreateBucket (through S3).

import { attempt, button, bytes, h, showStatus, table, when } from "./dom.js";

export async function render(session, page) {
  const list = await session.admin.buckets();
  const name = h("input", { id: "new-bucket", name: "bucket", required: true, spellcheck: "false",
    pattern: "[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]", "aria-describedby": "new-bucket-help" });
  const form = h("form", { class: "inline", "aria-labelledby": "create-bucket-title", onsubmit: async (e) => {
    e.preventDefault();
    await attempt(async () => {
      await session.s3.createBucket(name.value);
      showStatus(`Created bucket ${name.value}.`);
      session.navigate("#/buckets");
    });
  } },
  h("h3", { id: "create-bucket-title" }, "Create a bucket"),
  h("label", { for: "new-bucket" }, "Bucket name"), name,
  h("small", { id: "new-bucket-help" }, "3 to 63 lowercase letters, digits, dots and hyphens."),
  h("button", { type: "submit" }, "Create bucket"));
  const rows = list.map((b) => [
    h("a", { href: `#/browse/${encodeURIComponent(b.name)}/` }, b.name), b.ownerName || b.owner, String(b.objects), bytes(b.bytes),
    String(b.uploads), bytes(b.partBytes), b.versioning || "off",
    b.quota ? [b.quota.maxBytes != null ? bytes(b.quota.maxBytes) : "", b.quota.maxObjects != null ? `${b.quota.maxObjects} objects` : ""]
      .filter(Boolean).join(", ") : "", when(b.created)]);
  page.append(h("h2", {}, "Buckets"),
    table("Buckets and their usage", ["Bucket", "Owner", "Objects", "Size", "Uploads in progress", "Parts' size", "Versioning", "Quota", "Created"],
      rows, { empty: "No buckets yet." }),
    button("Refresh", () => session.navigate("#/buckets")), form);
}
