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
 * change graph is not. Bo was invited with an invite that expired on the
 * 3rd. On the 4th, on a copy that holds Cy's joining of the 4th, he signs
 * his joining dated the 2nd: it was written after Cy's, so it counts from
 * then, when his invite had expired.
 */

const bo = testKeys(2);
const cy = testKeys(3);
type Doc = { events: unknown[] };
const append = (doc: A.Doc<Doc>, event: SignedMembershipEvent) => A.change(doc, (d) => void d.events.push(toStored(event)));

function story() {
  const commune = new CommuneBuilder();
  const bosInvite = commune.invite(commune.founder, T0 + DAY, T0 + 3 * DAY);
  const cysJoin = commune.join(cy, "Cy", T0 + 4 * DAY);
  const bosJoin = commune.event(bo, { type: "join", at: T0 + 2 * DAY, name: "Bo", invite: bosInvite });
  return { commune, cysJoin, bosJoin };
}

function judged(commune: CommuneBuilder, doc: A.Doc<Doc>) {
  const history = recordHistory(doc, new ChangeGraph(), new Map(), ["events"]);
  const records = { genesis: commune.genesis, events: commune.events, proposals: [], votes: [], eventsSeen: history.latestSeen };
  const state = communeState(nobleCrypto(), records, T0 + 5 * DAY);
  if (!state.ok) throw new Error(state.error.message);
  return state.value;
}

describe("a backdated membership event", () => {
  it("is judged at the time its history proves: Bo's joining, written after Cy's, came after his invite expired", () => {
    const { commune, cysJoin, bosJoin } = story();
    const doc = append(append(A.from<Doc>({ events: [] }), cysJoin), bosJoin);
    const state = judged(commune, doc);
    expect(statusAt(state, bo.publicKey, T0 + 5 * DAY)).toBeUndefined();
    expect(state.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ subject: "membership", id: bosJoin.sig, reason: "Bo could not join: the invite expired on 2026-01-04" }),
        expect.objectContaining({
          subject: "membership",
          id: bosJoin.sig,
          code: "record.backdated",
          reason: "Bo's joining is dated 3 January 2026, 00:00 UTC, but was written after Cy's joining of 5 January 2026, 00:00 UTC: it counts from then",
        }),
      ]),
    );
  });

  it("is not a joining written on a copy that did not hold Cy's: it counts at its own date", () => {
    const { commune, cysJoin, bosJoin } = story();
    const base = A.from<Doc>({ events: [] });
    const doc = A.merge(append(A.clone(base), cysJoin), append(A.clone(base), bosJoin));
    const state = judged(commune, doc);
    expect(statusAt(state, bo.publicKey, T0 + 5 * DAY)).toBe("active");
    expect(state.problems).toEqual([]);
  });

  it("without a history (a snapshot's events), is judged at its claimed date, as before", () => {
    const { commune } = story();
    expect(statusAt(commune.state(T0 + 5 * DAY), bo.publicKey, T0 + 5 * DAY)).toBe("active");
  });
});
