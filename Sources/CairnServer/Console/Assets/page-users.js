// Users and access keys (admin API): add and remove users; create keys (the secret is shown once),
// disable, enable and delete them.

import { attempt, button, h, showStatus, table, when } from "./dom.js";

export async function render(session, page) {
  const [users, keys] = await Promise.all([session.admin.users(), session.admin.keys()]);
  const again = () => session.navigate("#/users");
  const act = (message, action) => attempt(async () => { await action(); showStatus(message); again(); });

  const name = h("input", { id: "new-user", required: true, spellcheck: "false" });
  const isAdmin = h("input", { id: "new-user-admin", type: "checkbox" });
  const addUser = h("form", { class: "inline", "aria-labelledby": "add-user-title", onsubmit: (e) => {
    e.preventDefault();
    act(`Added user ${name.value}.`, () => session.admin.addUser(name.value, isAdmin.checked));
  } },
  h("h3", { id: "add-user-title" }, "Add a user"),
  h("label", { for: "new-user" }, "User name"), name,
  h("label", { for: "new-user-admin", class: "check" }, isAdmin, " Admin (may use this console and cairn admin)"),
  h("button", { type: "submit" }, "Add user"));

  const owner = h("select", { id: "key-user", required: true }, users.map((u) => h("option", { value: u.name }, u.name)));
  const secretBox = h("div", { id: "new-secret", "aria-live": "polite" });
  const createKey = h("form", { class: "inline", "aria-labelledby": "create-key-title", onsubmit: async (e) => {
    e.preventDefault();
    await attempt(async () => {
      const key = await session.admin.createKey(owner.value);
      secretBox.replaceChildren(h("div", { class: "card secret", role: "alert" },
        h("p", {}, `New key for ${key.userName}. Copy the secret now: it is not shown again.`),
        h("dl", {}, h("dt", {}, "Access key"), h("dd", { class: "mono" }, key.accessKey),
          h("dt", {}, "Secret key"), h("dd", { class: "mono" }, key.secretKey)),
        button("Done", again)));
    });
  } },
  h("h3", { id: "create-key-title" }, "Create an access key"),
  h("label", { for: "key-user" }, "For user"), owner, h("button", { type: "submit" }, "Create key"));

  page.append(h("h2", {}, "Users and keys"),
    table("Users", ["Name", "ID", "Admin", "Created", "Actions"], users.map((u) => [u.name, h("span", { class: "mono" }, u.id),
      u.admin ? "yes" : "no", when(u.created),
      button("Remove", () => confirm(`Remove user ${u.name}?`) && act(`Removed user ${u.name}.`, () => session.admin.removeUser(u.name)),
        { class: "danger", "aria-label": `Remove user ${u.name}` })])),
    addUser,
    table("Access keys", ["Access key", "User", "Enabled", "Created", "Actions"], keys.map((k) => [
      h("span", { class: "mono" }, k.accessKey), k.userName, k.enabled ? "yes" : "no", when(k.created),
      h("span", { class: "controls" },
        button(k.enabled ? "Disable" : "Enable", () => act(`${k.enabled ? "Disabled" : "Enabled"} key ${k.accessKey}.`,
          () => session.admin.setKeyEnabled(k.accessKey, !k.enabled)), { "aria-label": `${k.enabled ? "Disable" : "Enable"} key ${k.accessKey}` }),
        button("Delete", () => confirm(`Delete key ${k.accessKey}?`) && act(`Deleted key ${k.accessKey}.`,
          () => session.admin.deleteKey(k.accessKey)), { class: "danger", "aria-label": `Delete key ${k.accessKey}` }))])),
    createKey, secretBox);
}
