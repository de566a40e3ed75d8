// firstline capture: what every capture module shares — the page's settings (embedded by
// web/views/capture.py with json_script) and a few small DOM and text helpers.

function embedded(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

// The page's settings (null on a page that is not a capture page) and its messages, translated by
// the server (placeholders are %(name)s, filled in by fmt).
export const cfg = embedded("capture-config");
export const M = cfg ? cfg.messages : {};
// The round's pooling and refusal rules for this page (testing/rules.py capture_rules).
export const rules = embedded("capture-rules");
// The door page's building: its doors and people, so that it works with no network. The server
// sends them as short arrays (DOOR_FIELDS, PERSON_FIELDS in web/views/capture.py); here they become
// objects: { building, wells: [heading], doors: [{ id, label, floor, door, well, risk, sealed,
// capacity, per_household, people: [{ id, name, age, state, tube, immobile, to_sample }] }] }.
function expand(data) {
  if (!data) return null;
  const zip = (fields, row) => Object.fromEntries(fields.map((field, i) => [field, row[i]]));
  const doors = data.doors.map((row) => {
    const door = zip(data.door_fields, row);
    door.sealed = Boolean(door.sealed);
    door.per_household = Boolean(door.per_household);
    door.people = door.people.map((personRow) => {
      const person = zip(data.person_fields, personRow);
      person.immobile = Boolean(person.flags & 1);
      person.to_sample = Boolean(person.flags & 2);
      return person;
    });
    return door;
  });
  return { building: data.building, wells: data.wells, doors };
}
export const building = expand(embedded("capture-doors"));

export const $ = (id) => document.getElementById(id);
export { fmt } from "./rules.js";
export const fold = (value) => String(value || "").normalize("NFKC").trim();

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function newClientId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  // Not a secure context (plain http on a LAN): a version-4 UUID from the random source all browsers have.
  const bytes = new Uint8Array(16);
  if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function maskId(number) {
  return number.length > 7 ? number.slice(0, 3) + "*".repeat(number.length - 7) + number.slice(-4) : number;
}

// '王小芳' -> '王*芳', '王芳' -> '王*' (common.identity.mask_name): enough to confirm a person at a
// desk, not to list them.
export function maskName(value) {
  const name = String(value || "");
  if (name.length <= 1) return name;
  if (name.length === 2) return `${name[0]}*`;
  return name[0] + "*".repeat(name.length - 2) + name[name.length - 1];
}

export function clock(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
}

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  const field = document.querySelector("[name=csrfmiddlewaretoken]");
  if (field) return field.value;
  const headers = document.body.getAttribute("hx-headers");
  try { return JSON.parse(headers)["X-CSRFToken"]; } catch (error) { return ""; }
}
