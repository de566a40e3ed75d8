// firstline capture: the pooling and refusal rules, applied with no network exactly as the server
// describes them (testing/rules.py capture_rules, embedded in the page as "capture-rules"). This
// module knows no rule of its own — no capacity, no risk status, no message: it only reads the
// description, in the order scanning.py's `_place` checks. It touches no page and no storage, so a
// test can run it on the cases the server decides (tests/browser/test_capture_rules.py).
//
// A tube, as the device knows it: { code, capacity, filled, closed, full, per_household,
// household_id, for_resample } (capacity null and filled 0 for a tube the device has not filled).
// A person: { household_id (null when the page does not know it), resample, state }.

export const fmt = (text, values) => String(text).replace(/%\((\w+)\)s/g, (_match, key) => (values && values[key] != null ? values[key] : ""));

// The pooling a person's household gets; the page's own (its compound's, its building's) when the
// page does not know the household.
export function poolingOf(rules, householdId) {
  return (householdId != null && rules.households[String(householdId)]) || rules.default;
}

// The tube a person opens with a tube code the server has not seen.
export function tubeFor(rules, person) {
  if (person.resample) return { capacity: rules.resample.capacity, per_household: false, household_id: null, for_resample: true };
  const pooling = poolingOf(rules, person.household_id);
  return {
    capacity: pooling.capacity,
    per_household: pooling.per_household,
    household_id: pooling.per_household ? person.household_id : null,
    for_resample: false,
  };
}

// The code the server would refuse this person in this tube with, or "" when it would take them.
export function refusal(rules, tube, person) {
  if (rules.sampled_states.includes(person.state)) return "already_sampled";
  if (!tube.filled && !tube.closed) return "";
  if (tube.closed) return tube.full ? "tube_full" : "tube_closed";
  if (person.resample && tube.capacity !== rules.resample.capacity) return "needs_single_tube";
  // A per-household tube whose household this device does not know is left to the server.
  if (tube.per_household && tube.household_id != null && tube.household_id !== person.household_id) return "other_household";
  if (!person.resample) {
    const pooling = poolingOf(rules, person.household_id);
    if (pooling.per_household && !tube.per_household) return "needs_household_tube";
    if (tube.capacity && pooling.capacity < tube.capacity) return "needs_smaller_tube";
  }
  return "";
}

// What the page says of a refusal: the description's message, filled in with what the page knows.
export function refusalMessage(rules, code, values) {
  return fmt(rules.refusals[code] || "", values);
}

// The whole decision: refused with a code, or taken, with the tube the person goes into.
export function decide(rules, tube, person) {
  const code = refusal(rules, tube, person);
  if (code) return { code, tube: null };
  if (!tube.filled && !tube.closed) return { code: "", tube: tubeFor(rules, person) };
  return { code: "", tube: { capacity: tube.capacity, per_household: tube.per_household, household_id: tube.household_id,
    for_resample: tube.for_resample } };
}
