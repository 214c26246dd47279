import type { PartnerSharedView, PartnerView } from "../shared/commands/views";
import { COMMUNE_ID } from "../shared/docs/fields";
import { fail, ok, type Result } from "../shared/result";
import { clean, formatTime, shortId } from "./text";
import { always, days, defineVerb, never, planned } from "./verb";

/** Verbs of a partnership between communes (docs/partners.md): the offer, taking in what the other commune sent, ending it, the list. */

const VOTE_DAYS = { name: "days", kind: "value", value: "N", help: "how long the vote stays open (default 7)" } as const;

export const partnerOffer = defineVerb<"partner.offer">({
  verb: "partner offer",
  args: [],
  flags: [{ name: "days", kind: "value", value: "N", help: "how long the offer stays valid (default 14, at most 30)" }],
  summary: "make a partner offer to send to another commune; it commits this commune to nothing",
  scoped: true,
  writes: never,
  build(args) {
    const valid = days(args);
    if (!valid.ok) return valid;
    return planned("partner.offer", valid.value === undefined ? {} : { days: valid.value });
  },
  print: ({ value }) =>
    [
      `Send this to the other commune (valid until ${formatTime(value.expiresAt)}):`,
      "",
      value.offer,
      "",
      "They propose partnering with it: commune partner accept OFFER",
    ].join("\n"),
});

export const partnerAccept = defineVerb<"partner.accept">({
  verb: "partner accept",
  args: ["<OFFER>"],
  flags: [VOTE_DAYS],
  summary: "take in a partner offer or answer: propose partnering, or keep the answer of a commune already agreed to",
  details: [
    'An offer (or the answer to ours) becomes a proposal "Partner with ..."; once it passes, `commune execute PROPOSAL` grants the partner what this commune shares with it and shows the answer to send back.',
    "The answer of a commune this one already decided to partner with is kept without a vote.",
  ],
  scoped: true,
  writes: always,
  build(args) {
    const valid = days(args);
    if (!valid.ok) return valid;
    return planned("partner.accept", { offer: args.positionals[0]!, ...(valid.value === undefined ? {} : { deadline: { days: valid.value } }) });
  },
  print: ({ value }) =>
    "proposed" in value
      ? `Proposed partnering (proposal ${shortId(value.proposed)}). Once it passes: commune execute ${shortId(value.proposed)}`
      : `Kept the partner's answer: what it shares with this commune can now be read.`,
});

/** A partner commune's id as typed: 32 hex digits, any case. */
function partnerIdArgument(text: string): Result<string> {
  const partner = text.trim().toLowerCase();
  if (COMMUNE_ID.test(partner)) return ok(partner);
  return fail("usage.notACommune", `expected the partner commune's id (32 hex digits, from commune partner list), not ${JSON.stringify(text)}`);
}

export const partnerEnd = defineVerb<"proposal.create">({
  verb: "partner end",
  args: ["<COMMUNE-ID>"],
  flags: [VOTE_DAYS, { name: "title", kind: "value", value: "TEXT", help: 'the proposal\'s title (default "End the partnership")' }],
  summary: "propose ending a partnership; once passed and executed, nothing new is shared with that commune",
  scoped: true,
  writes: always,
  build(args) {
    const partner = partnerIdArgument(args.positionals[0]!);
    if (!partner.ok) return partner;
    const valid = days(args);
    if (!valid.ok) return valid;
    return planned("proposal.create", {
      kind: "partner-end",
      partner: partner.value,
      title: args.value("title") ?? "End the partnership",
      body: "",
      deadline: { days: valid.value ?? 7 },
      hideVotes: false,
    });
  },
  print: ({ value }) => `Proposed ending the partnership (proposal ${shortId(value.id)}). Once it passes: commune execute ${shortId(value.id)}`,
});

/** One partnership in words: who, decided how, granted, held, and the answer to send while granted. */
export function partnerText(view: PartnerView): string {
  const state =
    view.status === "ended"
      ? "ended"
      : view.endedByThem
        ? "ended by them: nothing more is shared with them"
        : view.active
          ? "active: each side holds the other's grant"
          : !view.granted
            ? "agreed: run commune execute on the passed proposal to grant it"
            : "granted by us: waiting for their answer";
  const lines = [`${clean(view.name)} (${view.commune}): ${state}; decided ${formatTime(view.decidedAt)} (proposal ${shortId(view.proposal)})`];
  if (view.granted) lines.push(`  shares with them: ${view.items} item${view.items === 1 ? "" : "s"}`);
  if (view.answer && !view.theirs) lines.push("  send them this answer:", `  ${view.answer}`);
  return lines.join("\n");
}

export const partnerList = defineVerb<"partner.list">({
  verb: "partner list",
  args: [],
  flags: [],
  summary: "the communes this one decided to partner with, and what each side has granted",
  scoped: true,
  writes: never,
  build: () => planned("partner.list", {}),
  print: ({ value }) => (value.length === 0 ? "No partnerships yet: commune partner offer makes an offer to send." : value.map(partnerText).join("\n")),
});

/** What a partner shares, one line per item, each saying whether it verifies against the partner's roster. */
export function partnerSharedText(view: PartnerSharedView): string {
  const lines = [
    `${clean(view.name)} shares ${view.items.length} item${view.items.length === 1 ? "" : "s"} with this commune${view.ended ? " (it ended the partnership: nothing new comes)" : ""}:`,
  ];
  for (const item of view.items)
    lines.push(
      `  [${item.kind}] ${clean(item.title)}${item.retired ? " (retired)" : ""}${item.verified ? "" : "  NOT VERIFIED: not signed by a member on its roster"}`,
    );
  if (view.exchanges.length > 0) lines.push(`Exchanges ${clean(view.name)} offers this commune:`);
  for (const exchange of view.exchanges) {
    lines.push(`  ${clean(exchange.words)}`);
    // The record is what accept and decline take: printed whole, so it can be pasted as it is.
    if (exchange.state === "offered")
      lines.push(`    answer with: commune exchange accept|decline '${JSON.stringify(exchange.record).replaceAll("'", "'\\''")}'`);
  }
  for (const problem of view.problems) lines.push(`  ! ${clean(problem)}`);
  return lines.join("\n");
}

export const partnerShared = defineVerb<"partner.shared">({
  verb: "partner shared",
  args: ["<COMMUNE-ID>"],
  flags: [],
  summary: "what a partner shares with this commune, read through its relay and checked against its roster",
  scoped: true,
  // Reading files what counts of the partner (its answers, its end) in the commune document: sent on to the relay before the CLI exits.
  writes: always,
  build(args) {
    const partner = partnerIdArgument(args.positionals[0]!);
    if (!partner.ok) return partner;
    return planned("partner.shared", { partner: partner.value });
  },
  print: ({ value }) => partnerSharedText(value),
});
