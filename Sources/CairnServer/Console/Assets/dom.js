// Small DOM helpers: elements from data (never from HTML strings), tables, sizes and dates.

export function h(tag, attributes = {}, ...content) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "text") element.textContent = value;
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of content.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

// A table with a caption and column headers; rows are arrays of cells (text or nodes).
export function table(caption, columns, rows, { empty = "None." } = {}) {
  if (rows.length === 0) return h("p", { class: "empty" }, empty);
  return h("table", {},
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((cell) => h("td", {}, cell))))));
}

export function bytes(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return "";
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let i = 0;
  let v = Number(n);
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

export function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return h("time", { datetime: iso, title: iso }, d.toLocaleString());
}

export function button(label, onclick, attributes = {}) {
  return h("button", { type: "button", onclick, ...attributes }, label);
}

// Runs an action, showing its error in the page's alert region.
export async function attempt(action) {
  try {
    return await action();
  } catch (e) {
    showStatus(e.message || String(e), true);
    return undefined;
  }
}

export function showStatus(message, isError = false) {
  const region = document.getElementById("status");
  region.textContent = message;
  region.className = isError ? "status error" : "status";
  region.setAttribute("role", isError ? "alert" : "status");
}
