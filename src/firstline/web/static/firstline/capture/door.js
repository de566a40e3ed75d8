// firstline capture: door to door. The page embeds the building's doors and people
// ("capture-doors"), so that a leader in a stairwell with no signal can tap each person into the
// tube; each person's button shows what this device knows of them now (waiting, stored, refused).

import { M, building } from "./page.js";
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

// A tap on a person of the list puts them into the open tube (`take`, from tube.js).
export function wireDoor(take, unlockAudio) {
  document.addEventListener("click", (event) => {
    const person = event.target.closest(".cap-person");
    if (person && !person.disabled) {
      unlockAudio();
      const at = personById.get(Number(person.dataset.person));
      if (at) take({ person_id: at.person.id }, { label: at.person.name, personId: at.person.id }, at);
    }
  });
}
