import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { toStored } from "../docs/automerge-form";
import { ChangeGraph, recordHistory } from "../history/change-graph";
import { nobleCrypto } from "../identity/crypto";
import { CommuneBuilder, DAY, T0, testKeys } from "../testing/commune-builder";
import { communeState } from "./commune-state";
import type { SignedMembershipEvent } from "./events";
import { statusAt } from "./state";

/**
 * A membership event's date is its author's word; the commune document's
 * change graph is not. Bo joined on the 2nd; on a copy that holds his
 * joining he signs his leaving dated the 1st, before he was a member: it was
 * written after his joining, so it counts from then. Only an author's own
 * events bear witness: Cy's honest joining, written after Bo's joining dated
 * ahead by a fast clock, is never made "backdated" by it.
 */

const bo = testKeys(2);
const cy = testKeys(3);
type Doc = { events: unknown[] };
const append = (doc: A.Doc<Doc>, event: SignedMembershipEvent) => A.change(doc, (d) => void d.events.push(toStored(event)));

function judged(commune: CommuneBuilder, doc: A.Doc<Doc>, now = T0 + 5 * DAY) {
  const history = recordHistory(doc, new ChangeGraph(), new Map(), ["events"]);
  const records = { genesis: commune.genesis, events: commune.events, proposals: [], votes: [], eventsSeen: history.latestSeen };
  const state = communeState(nobleCrypto(), records, now);
  if (!state.ok) throw new Error(state.error.message);
  return state.value;
}

describe("a backdated membership event", () => {
  it("is judged at the time its history proves: Bo's leaving, dated before he joined but written after, counts from then", () => {
    const commune = new CommuneBuilder();
    const joined = commune.join(bo, "Bo", T0 + 2 * DAY);
    const left = commune.event(bo, { type: "leave", at: T0 + DAY });
    const state = judged(commune, append(append(A.from<Doc>({ events: [] }), joined), left));
    expect(statusAt(state, bo.publicKey, T0 + 2 * DAY + 1)).toBe("left");
    expect(state.problems).toEqual([
      expect.objectContaining({
        subject: "membership",
        id: left.sig,
        code: "record.backdated",
        reason: "Bo's leaving is dated 2 January 2026, 00:00 UTC, but was written after Bo's joining of 3 January 2026, 00:00 UTC: it counts from then",
      }),
    ]);
  });

  it("is never another member's honest event written after one dated ahead by a fast clock, even once that date has come", () => {
    const commune = new CommuneBuilder();
    const aheadByADay = commune.join(bo, "Bo", T0 + 3 * DAY);
    const honest = commune.join(cy, "Cy", T0 + 2 * DAY);
    const doc = append(append(A.from<Doc>({ events: [] }), aheadByADay), honest);
    for (const now of [T0 + 2 * DAY, T0 + 5 * DAY]) {
      const state = judged(commune, doc, now);
      expect(statusAt(state, cy.publicKey, T0 + 2 * DAY)).toBe("active");
      expect(state.problems).toEqual([]);
    }
  });

  it("is not an event written on a copy that did not hold the later one: it counts at its own date", () => {
    const commune = new CommuneBuilder();
    const joined = commune.join(bo, "Bo", T0 + 2 * DAY);
    const left = commune.event(bo, { type: "leave", at: T0 + DAY });
    const base = A.from<Doc>({ events: [] });
    const state = judged(commune, A.merge(append(A.clone(base), joined), append(A.clone(base), left)));
    expect(state.problems).toEqual([expect.objectContaining({ id: left.sig, reason: expect.stringContaining("could not leave") })]);
  });
});
