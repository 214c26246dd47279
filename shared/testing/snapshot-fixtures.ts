/**
 * Test-only: a commune with a purse that exercises every export — several
 * currencies, transfers, disbursements to members and to someone outside
 * under a passed spend proposal, exchanges, an overdrawn entry, an entry by a
 * non-member, two members called Ada, and memos a spreadsheet would trip on.
 */
import type { KeyPair } from "../identity/keys";
import { nobleSigner } from "../identity/crypto";
import { sign } from "../identity/signed";
import { HOUR } from "../money/currency";
import type { Entry, SignedEntry } from "../purse/entry";
import { CommuneBuilder, DAY, T0, testKeys } from "./commune-builder";
import type { SnapshotInput } from "../snapshot/json-snapshot";

export const ada = testKeys(1);
export const bo = testKeys(2);
export const cy = testKeys(3);
/** Also called Ada. */
export const ada2 = testKeys(4);
/** Never a member. */
export const zed = testKeys(9);

export const HEADS = { "automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ": ["ab".repeat(32)] };

export const AWKWARD_MEMOS = [
  "roof fund, phase 1",
  'the "big" repair',
  "line one\nline two\r\nline three",
  "=1+1",
  "+cash",
  "-2",
  "@SUM(A1:A2)",
  "\ttabbed; with # and  two spaces",
] as const;

export interface PurseStory {
  builder: CommuneBuilder;
  input: SnapshotInput;
  entries: SignedEntry[];
  /** When the last record was written. */
  end: number;
}

export function purseStory(): PurseStory {
  const builder = new CommuneBuilder({
    rules: {
      spendLimit: { EUR: 5000, HOUR: 10000 },
      currencies: [{ code: "EUR", name: "Euro", decimals: 2 }, HOUR, { code: "CO2", name: "Carbon credits", decimals: 0 }],
    },
  });
  builder.join(bo, "Bo", T0 + DAY);
  builder.join(cy, "Cy", T0 + DAY);
  builder.join(ada2, "Ada", T0 + 2 * DAY);
  const roof = builder.propose(ada, {
    kind: "spend",
    amount: 300_00,
    currency: "EUR",
    payee: { outside: "Roofers, Inc." },
    at: T0 + 3 * DAY,
    deadline: T0 + 10 * DAY,
    title: "New roof",
  });
  for (const voter of [ada, bo, cy, ada2]) builder.vote(voter, roof.id, "yes", T0 + 4 * DAY);

  let n = 0;
  const entries: SignedEntry[] = [];
  const write = (
    author: KeyPair,
    day: number,
    fields: Omit<Entry, "commune" | "id" | "at" | "currency" | "memo"> & Partial<Pick<Entry, "currency" | "memo">>,
  ) => {
    const signed = sign(
      nobleSigner,
      "entry",
      { commune: builder.id, id: `e${++n}`, at: T0 + day * DAY, currency: "EUR", memo: "", ...fields } as Entry,
      author,
    );
    entries.push(signed);
    return signed;
  };
  write(ada, 5, { kind: "contribution", amount: 1000_00, memo: AWKWARD_MEMOS[0] });
  write(bo, 5, { kind: "contribution", amount: 40_00, currency: "HOUR", memo: AWKWARD_MEMOS[1] });
  write(ada, 6, { kind: "transfer", amount: 100_00, to: bo.publicKey, memo: AWKWARD_MEMOS[3] });
  write(ada, 7, { kind: "disbursement", amount: 300_00, payee: "Roofers, Inc.", proposal: roof.id, memo: AWKWARD_MEMOS[2] });
  write(cy, 8, { kind: "disbursement", amount: 20_00, to: cy.publicKey, memo: AWKWARD_MEMOS[4] });
  write(bo, 9, { kind: "disbursement", amount: 45_00, currency: "HOUR", to: bo.publicKey, memo: "more hours than there are" });
  write(cy, 10, { kind: "exchange", amount: 10_00, partner: "fedcba9876543210fedcba9876543210", direction: "in", memo: AWKWARD_MEMOS[5] });
  write(cy, 11, { kind: "exchange", amount: 5_00, partner: "fedcba9876543210fedcba9876543210", direction: "out", memo: AWKWARD_MEMOS[6] });
  write(ada2, 12, { kind: "contribution", amount: 7, currency: "CO2", memo: AWKWARD_MEMOS[7] });
  write(zed, 12, { kind: "contribution", amount: 1_00, memo: "not a member" });
  write(bo, 13, { kind: "transfer", amount: 12_50, currency: "HOUR", to: ada2.publicKey, memo: "" });
  write(ada, 20, { kind: "contribution", amount: 50_00, memo: "after the first snapshot" });

  const byOwner = new Map<string, SignedEntry[]>();
  for (const entry of entries) byOwner.set(entry.by, [...(byOwner.get(entry.by) ?? []), entry]);
  const input: SnapshotInput = {
    genesis: builder.genesis,
    events: builder.events,
    proposals: builder.proposals,
    votes: builder.votes,
    shards: [...byOwner].map(([owner, list]) => ({ owner, period: "2026", entries: list })),
    heads: HEADS,
  };
  return { builder, input, entries, end: T0 + 21 * DAY };
}
