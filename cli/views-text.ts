import { discussionUnder, outcomeUnder } from "./discussion-text";
import type {
  BalancesView,
  CommuneView,
  ItemView,
  LedgerPage,
  LedgerRow,
  MemberView,
  ProposalView,
  RecordNote,
  SyncStatusView,
  VoteView,
} from "../shared/commands/views";
import type { RuleChange, Rules } from "../shared/commune/rules";
import { perMemberPer, spendPeriodIn } from "../shared/commune/spend-period";
import { formatAmount } from "../shared/money/amount";
import type { Currency } from "../shared/money/currency";
import { CLOSED_EARLY } from "../shared/proposals/closing-words";
import { marksWords } from "../shared/proposals/processes/marks-words";
import { myProcessVote, processUnder, processVotesText } from "./process-text";
import { clean, cleanBlock, formatTime, money, plural, shortId, shortKey, table } from "./text";

/**
 * The host's views as text for a person at a terminal. Every function is
 * pure (view in, text out); --json prints the views themselves.
 */

export function rulesText(rules: Rules): string {
  const limits = rules.currencies.map((currency) => money(rules.spendLimit[currency.code] ?? 0, currency.code, rules.currencies)).join(", ");
  return [
    `Rules: quorum ${rules.quorumPercent}%, approval ${rules.thresholdPercent}% of yes and no votes, ` +
      `a block ${rules.allowBlock ? "vetoes" : "counts as no"}, new members ${rules.admission === "direct" ? "join by invite" : "are admitted by proposal"}`,
    `Spend limit without a proposal, ${perMemberPer(spendPeriodIn(rules))}: ${limits}`,
    ...confirmAboveText(rules),
  ].join("\n");
}

/** The commune's own "ask before signing" amounts, when it set any. */
function confirmAboveText(rules: Rules): string[] {
  const set = Object.entries(rules.confirmAbove ?? {}).filter(([, threshold]) => threshold > 0);
  if (set.length === 0) return [];
  return [`Members are asked to confirm an entry above: ${set.map(([code, threshold]) => money(threshold, code, rules.currencies)).join(", ")}`];
}

const standing = (member: MemberView, currency: Currency) => formatAmount(member.balances[currency.code] ?? 0, currency);

/** A record's notes (tampered, signed twice, ...), each a line under its row: the words the app shows beside the record. */
const notesUnder =
  (records: readonly { notes?: RecordNote[] }[]) =>
  (row: number): string[] =>
    (records[row]?.notes ?? []).map((note) => `! ${note.message}`);

export function membersText(members: MemberView[], currencies: Currency[], me?: string): string {
  if (members.length === 0) return "No members yet (the commune has not synced).";
  const rows = members.map((member) => [
    member.key === me ? `${member.name} (you)` : member.name,
    member.status,
    formatTime(member.since, false),
    member.fingerprint,
    shortKey(member.key),
    ...currencies.map((currency) => standing(member, currency)),
  ]);
  const firstAmount = 5;
  return table(
    ["name", "status", "since (utc)", "fingerprint", "key", ...currencies.map((c) => c.code)].map((h) => h.toUpperCase()),
    rows,
    currencies.map((_, i) => firstAmount + i),
    notesUnder(members),
  );
}

export function balancesText(balances: BalancesView, me?: string): string {
  const { currencies } = balances;
  const purse = table(
    ["CURRENCY", "NAME", "PURSE"],
    currencies.map((currency) => [currency.code, currency.name, formatAmount(balances.purse[currency.code] ?? 0, currency)]),
    [2],
  );
  const members = balances.members.filter((member) => member.status === "active" || Object.values(member.balances).some((value) => value !== 0));
  const standings = table(
    ["MEMBER", ...currencies.map((c) => c.code)],
    members.map((member) => [member.key === me ? `${member.name} (you)` : member.name, ...currencies.map((currency) => standing(member, currency))]),
    currencies.map((_, i) => 1 + i),
  );
  const lines = [
    purse,
    "",
    "Standing of each member: what they put into the purse, minus what the purse paid them, minus what they",
    "transferred to other members, plus what others transferred to them. Payments outside the commune and",
    "exchanges with partner communes are the commune's, so the standings need not add up to the purse.",
    standings,
    ...addsUpText(balances, members, me),
  ];
  const { overdrawn, untrusted } = balances.entries;
  if (overdrawn + untrusted > 0) {
    lines.push(
      "",
      `${plural(overdrawn + untrusted, "entry", "entries")} count for nothing (${overdrawn} overdrawn, ${untrusted} untrusted): see "commune ledger --status overdrawn" or "--status untrusted".`,
    );
  }
  return lines.join("\n");
}

/** "How this adds up", line by line, for the purse and each standing shown: the app's breakdown and the journal's accounts. */
function addsUpText(balances: BalancesView, members: readonly BalancesView["members"][number][], me: string | undefined): string[] {
  const { currencies, purseBreakdown } = balances;
  if (!purseBreakdown) return [];
  const amount = (minor: number, currency: Currency) => formatAmount(minor, currency);
  const rows: string[][] = [];
  for (const currency of currencies) {
    const b = purseBreakdown[currency.code];
    if (!b) continue;
    rows.push([
      "the purse",
      currency.code,
      `${amount(b.contributions, currency)} put in - ${amount(b.paidToMembers, currency)} paid to members - ${amount(b.paidOutside, currency)} paid outside + ${amount(b.exchangedIn, currency)} from partners - ${amount(b.exchangedOut, currency)} to partners`,
      amount(balances.purse[currency.code] ?? 0, currency),
    ]);
  }
  for (const member of members) {
    for (const currency of currencies) {
      const b = member.breakdown?.[currency.code];
      if (!b) continue;
      rows.push([
        member.key === me ? `${member.name} (you)` : member.name,
        currency.code,
        `${amount(b.putIn, currency)} put in - ${amount(b.drawn, currency)} paid to them - ${amount(b.transferredAway, currency)} transferred away + ${amount(b.received, currency)} received`,
        amount(member.balances[currency.code] ?? 0, currency),
      ]);
    }
  }
  return rows.length === 0
    ? []
    : [
        "",
        "How each figure adds up:",
        table(
          ["OF", "CURRENCY", "LINES", "="],
          rows.map((row) => row.map(clean)),
          [3],
        ),
      ];
}

function proposalDetails(proposal: ProposalView, currencies: Currency[]): string {
  if (proposal.spend) {
    const { amount, currency, payee, used } = proposal.spend;
    const paid = used > 0 ? ` (paid ${money(used, currency, currencies)})` : "";
    return `${money(amount, currency, currencies)} to ${payee}${paid}`;
  }
  if (proposal.member) return `${proposal.kind} ${proposal.member.name} (${shortKey(proposal.member.key)})`;
  if (proposal.change) return ruleChangeText(proposal.change, currencies);
  if (proposal.reverse) {
    const { amount, currency, payee, authorName, entry, done } = proposal.reverse;
    const what = amount !== undefined && currency !== undefined ? ` of ${money(amount, currency, currencies)}` : "";
    return `take back ${authorName}'s payment${what}${payee ? ` to ${payee}` : ""} (entry ${shortId(entry)})${done ? ", reversed" : ""}`;
  }
  return "";
}

function ruleChangeText(change: RuleChange, currencies: Currency[]): string {
  const added = change.addCurrencies ?? [];
  // A limit may name a currency the same change adds.
  const known = [...currencies, ...added];
  const parts: string[] = [];
  if (change.quorumPercent !== undefined) parts.push(`quorum ${change.quorumPercent}%`);
  if (change.thresholdPercent !== undefined) parts.push(`approval ${change.thresholdPercent}%`);
  if (change.allowBlock !== undefined) parts.push(change.allowBlock ? "blocks veto" : "blocks count as no");
  if (change.admission !== undefined) parts.push(`admission ${change.admission}`);
  for (const [code, limit] of Object.entries(change.spendLimit ?? {})) parts.push(`spend limit ${money(limit, code, known)}`);
  if (change.spendPeriod !== undefined) parts.push(`spend limit ${perMemberPer(change.spendPeriod)}`);
  for (const [code, threshold] of Object.entries(change.confirmAbove ?? {}))
    parts.push(threshold > 0 ? `confirm entries above ${money(threshold, code, known)}` : `no amount to confirm in ${code}`);
  for (const [partner, limits] of Object.entries(change.partnerCredit ?? {}))
    for (const [code, limit] of Object.entries(limits)) parts.push(`credit limit for partner ${partner.slice(0, 8)} ${money(limit, code, known)}`);
  for (const currency of added) parts.push(`adds ${currency.code} (${currency.name}, ${plural(currency.decimals, "decimal")})`);
  return parts.join(", ");
}

function votesText(proposal: ProposalView): string {
  if (proposal.hiddenVotes) return `votes hidden until it closes (${proposal.voted}/${proposal.electorate} voted)`;
  const counts = [`${proposal.yes} yes`, `${proposal.no} no`];
  if (proposal.abstain) counts.push(`${proposal.abstain} abstain`);
  if (proposal.block) counts.push(`${proposal.block} block`);
  return `${counts.join(", ")} (${proposal.voted}/${proposal.electorate} voted)`;
}

export function proposalsText(proposals: ProposalView[], currencies: Currency[]): string {
  if (proposals.length === 0) return 'No proposals yet. Make one with: commune propose general --title "…"';
  return table(
    ["ID", "KIND", "OUTCOME", "CLOSES (UTC)", "VOTES", "YOURS", "TITLE", "DETAILS"],
    proposals.map((p) => [
      shortId(p.id),
      p.kind,
      p.outcome,
      formatTime(p.decidesAt, false),
      processVotesText(p) ?? votesText(p),
      myProcessVote(p) ?? p.myVote ?? "-",
      p.title,
      proposalDetails(p, currencies),
    ]),
    [],
    // Under each proposal: what was done to it, its process's result, then who voted what (votes are signed records every member sees), then what came of it and what paid it, then its discussion.
    (row) => [
      ...notesUnder(proposals)(row),
      ...processUnder(proposals[row]),
      ...closedEarlyUnder(proposals[row]),
      ...votersUnder(proposals[row]),
      ...outcomeUnder(proposals[row], currencies),
      ...discussionUnder(proposals[row]),
    ],
  );
}

function closedEarlyUnder(proposal: ProposalView | undefined): string[] {
  return proposal?.early ? [`${CLOSED_EARLY[proposal.early]} (${formatTime(proposal.decidesAt)})`] : [];
}

function votersUnder(proposal: ProposalView | undefined): string[] {
  // An advice process's votes are its advice, told by its own lines (process-text.ts); a poll's and a meeting's say what each gave.
  if (!proposal?.votes || proposal.process?.kind === "advice") return [];
  const given = (vote: VoteView) => clean(marksWords(proposal.process, vote, (at) => formatTime(at)) ?? vote.choice);
  return [
    `votes: ${proposal.votes.map((vote) => `${vote.name} ${given(vote)} (${formatTime(vote.at)})${vote.reason ? `: ${JSON.stringify(clean(vote.reason))}` : ""}`).join(", ")}`,
  ];
}

/** Why the balances are not (yet) this machine's own count. */
function provisionalText(view: CommuneView): string[] {
  if (!view.provisional) return [];
  if (view.readOnly)
    return [`(read-only: ${clean(view.readOnly)} This is the commune as it was last read; nothing can be written until the document is repaired.)`];
  if (view.countedBy)
    return [
      `(${clean(view.countedBy.name)}'s signed count of ${formatTime(view.countedBy.at)}; this machine is still receiving and checking the full history.)`,
    ];
  return ["(saved when this commune was last open; the purse is still loading.)"];
}

/** Entries that count for nothing are said under the purse, not left for the ledger to reveal. */
function entriesNotCountedText(view: CommuneView): string[] {
  const { overdrawn, untrusted } = view.balances.entries;
  const lines: string[] = [];
  if (overdrawn > 0)
    lines.push(
      `${plural(overdrawn, "entry", "entries")} came out overdrawn and ${overdrawn === 1 ? "counts" : "count"} for nothing: the purse could not cover ${overdrawn === 1 ? "it" : "them"} when made (commune ledger --status overdrawn).`,
    );
  if (untrusted > 0)
    lines.push(
      `${plural(untrusted, "entry", "entries")} ${untrusted === 1 ? "counts" : "count"} for nothing because a rule refused ${untrusted === 1 ? "it" : "them"} (commune ledger --status untrusted says why).`,
    );
  return lines;
}

export function communeText(view: CommuneView): string {
  const { currencies } = view.balances;
  const open = view.proposals.filter((proposal) => proposal.outcome === "open");
  const lines = [
    `${clean(view.name)}  (id ${view.id})`,
    `You are ${view.myStatus ?? "not yet a member (the commune has not synced your join)"}.`,
    "",
    rulesText(view.rules),
    "",
    "Purse:",
    table(
      ["CURRENCY", "NAME", "BALANCE"],
      currencies.map((currency) => [currency.code, currency.name, formatAmount(view.balances.purse[currency.code] ?? 0, currency)]),
      [2],
    ),
    ...provisionalText(view),
    ...entriesNotCountedText(view),
    "",
    "Members (standing = what each put in minus what they drew):",
    membersText(view.balances.members, currencies, view.me),
    "",
  ];
  if (open.length === 0) lines.push("No open proposals.");
  else lines.push("Open proposals:", proposalsText(open, currencies));
  if (view.problems.length > 0) {
    // A tampered record still counts as signed: the reason, not this heading, says which way each one goes.
    lines.push("", `${plural(view.problems.length, "record")} in this commune with a problem (each reason says whether it still counts):`);
    for (const problem of view.problems.slice(0, 10)) lines.push(`  ${clean(problem.subject)} ${shortId(problem.id)}: ${clean(problem.reason)}`);
    if (view.problems.length > 10) lines.push(`  … and ${view.problems.length - 10} more (commune show --json lists them all).`);
  }
  return lines.join("\n");
}

function ledgerDetails(row: LedgerRow): string {
  const parts: string[] = [];
  if (row.kind === "transfer" || (row.kind === "disbursement" && row.to)) parts.push(`to ${row.toName ?? row.to ?? "?"}`);
  if (row.payee) parts.push(`to ${row.payee}`);
  if (row.partner) parts.push(`${row.direction === "in" ? "from" : "to"} ${row.partnerName ?? row.partner}`);
  if (row.offer) parts.push(`(offer ${shortId(row.offer)})`);
  if (row.proposal) parts.push(`(proposal ${shortId(row.proposal)})`);
  if (row.memo) parts.push(`"${row.memo}"`);
  if (row.voids) parts.push(`voids #${row.voids.n}`);
  if (row.corrects) parts.push(`corrects #${row.corrects.n}`);
  if (row.voidedBy) parts.push(`(voided by #${row.voidedBy.n}${row.voidedBy.memo ? `, "${row.voidedBy.memo}"` : ""})`);
  if (row.correctedBy) parts.push(`(corrected by #${row.correctedBy.n})`);
  if (row.declinedAt !== undefined) parts.push(`(declined by the partner on ${formatTime(row.declinedAt, false)})`);
  return parts.join(" ");
}

export function ledgerText(page: LedgerPage, currencies: Currency[], newestFirst: boolean): string {
  if (page.total === 0) return "No entries.";
  if (page.rows.length === 0) return `No entries from ${page.offset + 1}; there are ${page.total}.`;
  const last = page.offset + page.rows.length;
  const heading = `Entries ${page.offset + 1}–${last} of ${page.total}, ${newestFirst ? "newest" : "oldest"} first${last < page.total ? ` (more with --offset ${last})` : ""}:`;
  const rows = page.rows.map((row) => [
    String(row.n),
    shortId(row.id),
    formatTime(row.at, false),
    row.kind === "exchange" ? `exchange ${row.direction ?? ""}` : row.kind,
    row.byName,
    money(row.amount, row.currency, currencies),
    ledgerDetails(row),
    row.status === "counted" ? "counted" : `${row.status}: ${row.reason ?? ""}`,
  ]);
  return [heading, table(["#", "ID", "WHEN (UTC)", "KIND", "BY", "AMOUNT", "DETAILS", "STATUS"], rows, [0, 5], notesUnder(page.rows))].join("\n");
}

/** " 12.50 EUR" on an offer or need with a price; a code the commune never had (a peer may write any) shows as minor units, cleaned. */
function priceText(item: ItemView, currencies: readonly Currency[]): string {
  if (item.amount === undefined || item.currency === undefined) return "";
  return ` ${money(item.amount, item.currency, currencies)}`;
}

export function itemsText(items: ItemView[], query: string, currencies: readonly Currency[] = []): string {
  if (items.length === 0)
    return query
      ? `Nothing in the inventory matches ${JSON.stringify(clean(query))}.`
      : 'The inventory is empty. Add to it with: commune knowledge add --title "…"';
  const blocks = items.map((item) => {
    const tags = item.tags.length ? `  [${item.tags.map(clean).join(", ")}]` : "";
    const kind = item.kind === "knowledge" ? "" : `${item.kind.toUpperCase()}${priceText(item, currencies)}  `;
    const lines = [
      `${shortId(item.id)}  ${item.retired ? "(retired) " : ""}${kind}${clean(item.title)}${tags}`,
      `          by ${clean(item.authorName)}, ${formatTime(item.at)}${item.version > 1 ? `, version ${item.version}` : ""}${item.retired ? `, retired by ${clean(item.editorName)}` : ""}`,
    ];
    if (item.link) lines.push(`          ${clean(item.link)}`);
    for (const note of item.notes ?? []) lines.push(`          ! ${clean(note.message)}`);
    if (item.body)
      lines.push(
        ...cleanBlock(item.body)
          .split("\n")
          .map((line) => `          ${line}`),
      );
    return lines.join("\n");
  });
  return blocks.join("\n\n");
}

export function syncText(status: SyncStatusView, communeName: string): string {
  const lines = [clean(communeName)];
  if (status.loadProblem !== undefined) lines.push(`Not fully loaded on this machine: ${clean(status.loadProblem)}`);
  if (status.relays.length === 0) {
    lines.push("No relay: changes stay on this machine. Add one with: commune relays --add ws://HOST:PORT");
  } else {
    lines.push(
      table(
        ["RELAY", "STATE", "SINCE (UTC)", "REASON"],
        status.relays.map((relay) => [relay.url, relay.state, formatTime(relay.since, false), relay.reason ?? ""]),
      ),
    );
  }
  lines.push(`Peers connected: ${status.peers}`);
  lines.push(status.waiting === 0 ? "Nothing waiting to be sent." : `${plural(status.waiting, "document")} with changes a relay has not confirmed yet.`);
  lines.push(`Last synced with a relay: ${status.lastSynced === undefined ? "never" : formatTime(status.lastSynced)}`);
  if (status.notices.length > 0) {
    lines.push("", `About your entries (${plural(status.notices.length, "notice")}, unread):`);
    for (const notice of status.notices) lines.push(`  ! ${clean(notice.message)}`, `    What to do: ${clean(notice.advice)}`);
    lines.push("Mark them read with: commune notices read");
  }
  return lines.join("\n");
}
