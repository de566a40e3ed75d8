// firstline capture: door to door. The page embeds the building's doors and people
// ("capture-doors"), so that a leader in a stairwell with no signal can tap each person into the
// tube; each person's button shows what this device knows of them now (waiting, stored, refused).

import { M, building, cfg, el, fmt } from "./page.js";
import { here, ordered } from "./queue.js";

const doorById = new Map();
const personById = new Map();
if (building) {
  for (const door of building.doors) {
    doorById.set(door.id, door);
    for (const person of door.people) personById.set(person.id, { person, door });
  }
}

// A person of the building and their door ({ person, door }), or undefined.
export const personAt = (id) => personById.get(id);

export const doorLabel = (householdId) => (doorById.get(householdId) || {}).label || "";

// A person of the list as the rules see them (rules.js).
export function rulesPerson(at) {
  return { household_id: at.door.id, resample: at.person.state === "resample", state: at.person.state };
}

function localStates() {
  const states = new Map();
  for (const r of ordered()) {
    if (!here(r) || r.body.kind !== "sample") continue;
    if (r.state === "pending" && r.body.person_id) states.set(r.body.person_id, { state: "pending", tube: r.body.tube_code });
    for (const p of (r.outcome && r.outcome.people) || []) {
      if (p.person_id) states.set(p.person_id, { state: p.status, tube: r.body.tube_code, message: p.message });
    }
  }
  return states;
}

export function paintPeople() {
  const buttons = document.querySelectorAll(".cap-person");
  if (!buttons.length) return;
  const states = localStates();
  const labels = { pending: M.state_pending, stored: M.state_stored, duplicate: M.state_duplicate, refused: M.state_refused,
    conflict: M.state_conflict, resent: M.state_resent };
  for (const button of buttons) {
    const chip = button.querySelector(".cap-pstate");
    if (button.dataset.original === undefined) {
      button.dataset.original = chip.textContent;
      button.dataset.wasDisabled = button.disabled ? "1" : "";
    }
    const local = states.get(Number(button.dataset.person));
    if (local) {
      button.dataset.local = local.state;
      chip.textContent = `${labels[local.state]} · ${local.tube}${local.state === "refused" && local.message ? ` · ${local.message}` : ""}`;
      button.disabled = local.state !== "refused" || Boolean(button.dataset.wasDisabled);
    } else {
      delete button.dataset.local;
      chip.textContent = button.dataset.original;
      button.disabled = Boolean(button.dataset.wasDisabled);
    }
  }
}

// The words of a door's rule, true to what each of its people gets: the household's pooling (sealed:
// one person to a tube), and re-samples, who always go alone whatever the door's pooling.
export function doorRule(door) {
  const D = cfg.door_messages;
  const owed = door.people.filter((p) => p.to_sample);
  const resamples = owed.filter((p) => p.state === "resample").length;
  if (owed.length && resamples === owed.length) return D.door_resample_only;
  let text = door.capacity === 1 ? (door.sealed ? D.door_sealed_single : D.door_single) : fmt(D.door_pooled, { n: door.capacity });
  if (door.per_household && door.capacity > 1) text += ` · ${D.door_household}`;
  if (resamples) text += ` · ${D.door_resample_too}`;
  return text;
}

function personButton(door, person) {
  const D = cfg.door_messages;
  const label = cfg.state_labels[person.state] || person.state;
  return el("li", null, el("button", { type: "button", class: "cap-person", "data-person": String(person.id),
    "data-door": String(door.id), "data-state": person.state, "data-testid": "person", disabled: !person.to_sample },
  el("span", { class: "cap-name" }, person.name),
  person.age != null ? el("span", { class: "cap-age" }, fmt(D.aged, { age: person.age })) : null,
  person.immobile ? el("span", { class: "badge vuln" }, D.immobile) : null,
  el("span", { class: "cap-pstate", "data-testid": "person-state" }, person.tube ? `${label} · ${person.tube}` : label)));
}

function doorCard(door) {
  const D = cfg.door_messages;
  return el("article", { class: door.sealed ? "cap-door is-sealed" : "cap-door", "data-door": String(door.id), "data-testid": "door" },
    el("header", { class: "cap-door-head" },
      el("strong", { class: "cap-door-no" }, door.door),
      door.sealed ? el("span", { class: "badge sealed" }, D.sealed) : null,
      el("span", { class: "cap-door-rule muted", "data-testid": "door-rule" }, doorRule(door))),
    el("ul", { class: "cap-people" }, ...door.people.map((person) => personButton(door, person))));
}

// The building's doors, written once from the embedded data: a section per stairwell, floors bottom up.
export function renderDoors() {
  const box = document.getElementById("cap-doors");
  if (!box || !building) return;
  const sections = building.wells.map((heading) => el("section", { class: "cap-well" }, heading ? el("h2", null, heading) : null));
  let floorBox = null;
  let at = null;
  for (const door of building.doors) {
    if (!floorBox || at.well !== door.well || at.floor !== door.floor) {
      at = door;
      floorBox = el("div", { class: "cap-floor", "data-floor": String(door.floor ?? "") },
        door.floor ? el("h3", { class: "cap-floor-no" }, fmt(cfg.door_messages.floor, { floor: door.floor })) : null);
      sections[door.well].append(floorBox);
    }
    floorBox.append(doorCard(door));
  }
  box.replaceChildren(...sections);
}

// A tap on a person of the list puts them into the open tube (`take`, from tube.js).
export function wireDoor(take, unlockAudio) {
  renderDoors();
  document.addEventListener("click", (event) => {
    const person = event.target.closest(".cap-person");
    if (person && !person.disabled) {
      unlockAudio();
      const at = personById.get(Number(person.dataset.person));
      if (at) take({ person_id: at.person.id }, { label: at.person.name, personId: at.person.id }, at);
    }
  });
}
