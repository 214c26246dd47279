import { z } from "zod";
import { portProblem } from "../sync/port";
import { EXPORT_FORMATS, type ExportFormat } from "../snapshot/export-formats";
import { MAX_VOTING_DAYS } from "../commune/proposal-validity";
import { votingDaysProblem } from "../proposals/voting-time";
import { PERCENT_RANGES } from "../commune/rules";
import { SPEND_PERIODS } from "../commune/spend-period";
import { COMMUNE_ID, LIMITS, line, text } from "../docs/fields";
import { DISK_REFUSALS } from "./disk-refusals";
import { ballotInput, decisionInput, processInput } from "./process-inputs";
import { CURRENCY_CODE, MAX_DECIMALS } from "../money/currency";
import { ENTRY_KINDS } from "../purse/entry";
import { MAX_LINK_LENGTH } from "../docs/link";
import { MAX_INVITE_DAYS } from "../commune/events";
import type { Problem } from "../result";
import type {
  EmbeddedRelayView,
  HostInfoView,
  ItemView,
  LedgerPage,
  PurseHistoryView,
  CommuneListItem,
  CommuneView,
  IdentityView,
  MemberView,
  ProposalView,
  SyncStatusView,
  ProblemView,
  PartnerAccountView,
  PartnerOfferView,
  PartnerView,
  PartnerSharedView,
  PrivacyView,
} from "./views";

/**
 * The one command set of a member's host, used by the CLI now and by the
 * desktop app's renderer later (over preload IPC or the browser-mode socket).
 * Each command has a zod schema for its input, which every transport applies
 * before the host sees anything, and a result type. Inputs are what a person
 * typed (amounts as text, durations in days): the host turns them into
 * signed records with the shared/ rules, and a rule a person can break comes
 * back as a CommandError with a message for them.
 */

/** The largest TCP port; 0 asks the computer for any free one. */
export { MAX_PORT } from "../sync/port";
const key = z.string().regex(/^[0-9a-f]{64}$/, { error: "must be a member's public key (64 hex digits)" });
const commune = z.string().regex(COMMUNE_ID, { error: "must be a commune id (32 hex digits)" });
const recordId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "must be an id" });
const currencyCode = z.string().regex(CURRENCY_CODE, { error: "must be a currency code such as EUR" });
const amountText = z.string().max(40);
const itemKind = z.enum(["knowledge", "offer", "need"]);
const itemPrice = z.strictObject({ amount: amountText, currency: currencyCode });
/** Whom an item is shared with: "commune" (us only), "partners" (every partner) or chosen partner communes by id. */
const sharedWith = z.union([z.enum(["commune", "partners"]), z.array(commune).min(1).max(LIMITS.sharedWith)]);
/** portProblem's rule: 0, or 1024 to 65535. */
const listenPort = z.int().superRefine((port, context) => {
  const problem = portProblem(port);
  if (problem) context.addIssue({ code: "custom", message: problem });
});
const currency = z.strictObject({ code: currencyCode, name: line(LIMITS.currencyName), decimals: z.int().min(0).max(MAX_DECIMALS) });

const rulesInput = z.strictObject({
  quorumPercent: z.int().min(PERCENT_RANGES.quorumPercent.min).max(PERCENT_RANGES.quorumPercent.max).optional(),
  thresholdPercent: z.int().min(PERCENT_RANGES.thresholdPercent.min).max(PERCENT_RANGES.thresholdPercent.max).optional(),
  allowBlock: z.boolean().optional(),
  /** Currency code -> amount as text ("50.00"). */
  spendLimit: z.record(currencyCode, amountText).optional(),
  /** The calendar period the spend limit runs over; a new commune without one takes FOUNDING_DEFAULTS.spendPeriod. */
  spendPeriod: z.enum(SPEND_PERIODS).optional(),
  /** Currency code -> amount as text: entries above it are asked about before they are signed ("0": none). */
  confirmAbove: z.record(currencyCode, amountText).optional(),
  admission: z.enum(["direct", "proposal"]).optional(),
});

/**
 * A file on the host's machine named by its path. Only the CLI names files
 * this way (a person at a shell names their own); a page never does: every
 * link a page can reach refuses the fields of HOST_PATH_FIELDS before the
 * command runs, and takes a file grant instead.
 */
const hostPath = text(4096);

/** A file grant: 32 random bytes in base64url, handed out by the desktop app's main process for one file the member chose in its dialog. */
export const FILE_GRANT = /^[A-Za-z0-9_-]{43}$/;
const fileGrant = z.string().regex(FILE_GRANT, { error: "must be a file chosen in the file dialog" });

/**
 * A file's content sent by a page (browser mode's upload): UTF-8 text, or
 * base64 for a binary backup. The cap is the base64 length of the largest
 * backup (256 MiB); each format's own limit is checked by the host before it
 * decodes anything.
 */
const upload = z.strictObject({
  content: z.string().max(Math.ceil((256 * 1024 * 1024) / 3) * 4),
  encoding: z.enum(["utf8", "base64"]).default("utf8"),
});

/** A snapshot file handed to the host: a path on its machine (the CLI), or the file's content. */
const snapshotFile = z.union([z.strictObject({ path: hostPath }), upload]);
/** What a page hands over instead: a grant for a file the member chose in the desktop app's dialog, or the file's content. */
const pageSnapshotFile = z.union([z.strictObject({ grant: fileGrant }), upload]);

/** The member saw what is unusual about this entry (shared/purse/unusual.ts) and records it anyway; without it the host asks first ("entry.unusual"). */
const confirmed = z.boolean().default(false);

/**
 * The member's own entry this one replaces, and why: the host voids that
 * entry first (its own signed record, with the reason as its memo), then
 * writes this one citing it (shared/purse/entry.ts).
 */
const correcting = z.strictObject({ entry: recordId, reason: text(LIMITS.memo) }).optional();

const exportBase = {
  commune,
  format: z.enum(EXPORT_FORMATS),
  asOf: z.int().nonnegative().optional(),
};

const payee = z.union([z.strictObject({ member: key }), z.strictObject({ outside: line(LIMITS.name) })]);
const deadline = z
  .strictObject({
    days: z
      .number()
      .positive()
      .max(MAX_VOTING_DAYS)
      .superRefine((days, context) => {
        const tooShort = votingDaysProblem(days);
        if (tooShort) context.addIssue({ code: "custom", message: tooShort });
      }),
  })
  .or(z.strictObject({ at: z.int().nonnegative() }));
/** A pasted partner offer or answer (shared/partners/answer.ts): an answer carries a grant as well as an offer. */
const PARTNER_TEXT_MAX = 10_000;

const proposalBase = {
  commune,
  title: line(LIMITS.title),
  body: text(LIMITS.body).default(""),
  deadline,
  /** Keep the counts and who voted what out of sight until the proposal closes. */
  hideVotes: z.boolean().default(false),
  /** How the outcome is decided; absent, the yes/no vote. */
  process: processInput.optional(),
};

/** A partner's side as its shared document carries it: its exchange records, its rosters, and the keys its offer anchors the first roster in. */
export const partnerSideInput = z.strictObject({
  records: z.array(z.unknown()).max(100_000),
  rosters: z.array(z.unknown()).max(1_000),
  anchors: z.array(key).min(1).max(100),
});

export const commandInputs = {
  "identity.show": z.strictObject({}),
  "identity.rename": z.strictObject({ name: line(LIMITS.name) }),
  /** Where this host keeps its data and what it runs: the settings screen shows it. */
  "host.info": z.strictObject({}),

  "commune.list": z.strictObject({}),
  "commune.create": z.strictObject({
    name: line(LIMITS.name),
    currencies: z.array(currency).min(1).max(LIMITS.currencies),
    rules: rulesInput.default({}),
    relays: z.array(text(300)).max(10).default([]),
    /**
     * A private commune (issue 13): its relays store only ciphertext. The default; false founds a plaintext commune,
     * for a relay still on an older version (its relays read everything, and its founder's host never moves it).
     */
    private: z.boolean().default(true),
  }),
  "commune.show": z.strictObject({ commune }),
  "commune.invite": z.strictObject({ commune, days: z.number().positive().max(MAX_INVITE_DAYS).default(7) }),
  "commune.join": z.strictObject({ invite: z.string().max(8_000), name: line(LIMITS.name).optional() }),
  "commune.leave": z.strictObject({ commune }),
  "commune.admit": z.strictObject({ commune, member: key, name: line(LIMITS.name) }),
  "commune.relays": z.strictObject({ commune, add: z.array(text(300)).max(10).default([]), remove: z.array(text(300)).max(10).default([]) }),

  "purse.contribute": z.strictObject({ commune, amount: amountText, currency: currencyCode, memo: text(LIMITS.memo).default(""), confirmed, correcting }),
  "purse.disburse": z.strictObject({
    commune,
    amount: amountText,
    currency: currencyCode,
    payee,
    memo: text(LIMITS.memo).default(""),
    proposal: recordId.optional(),
    confirmed,
    correcting,
  }),
  "purse.transfer": z.strictObject({
    commune,
    amount: amountText,
    currency: currencyCode,
    to: key,
    memo: text(LIMITS.memo).default(""),
    confirmed,
    correcting,
  }),
  "purse.exchange": z.strictObject({
    commune,
    amount: amountText,
    currency: currencyCode,
    partner: line(LIMITS.name),
    direction: z.enum(["in", "out"]),
    memo: text(LIMITS.memo).default(""),
    proposal: recordId.optional(),
    confirmed,
    correcting,
  }),
  /** Takes back one of the member's own counted entries with a signed void; `reason` is its memo ("typed 5000 for 50"). */
  "purse.void": z.strictObject({ commune, entry: recordId, reason: text(LIMITS.memo) }),
  "purse.ledger": z.strictObject({
    commune,
    offset: z.int().min(0).default(0),
    limit: z.int().min(1).max(1000).default(50),
    member: key.optional(),
    kind: z.enum(ENTRY_KINDS).optional(),
    currency: currencyCode.optional(),
    status: z.enum(["counted", "overdrawn", "untrusted"]).optional(),
    from: z.int().nonnegative().optional(),
    until: z.int().nonnegative().optional(),
    /** Newest first unless false. */
    newestFirst: z.boolean().default(true),
  }),
  /** The purse balance over time per currency, cut down to at most `points` points each: the purse chart; with `member`, that member's standing instead. */
  "purse.history": z.strictObject({ commune, currency: currencyCode.optional(), points: z.int().min(2).max(2000).default(200), member: key.optional() }),

  "proposal.create": z.discriminatedUnion("kind", [
    z.strictObject({ ...proposalBase, kind: z.literal("spend"), amount: amountText, currency: currencyCode, payee }),
    z.strictObject({ ...proposalBase, kind: z.literal("admit"), member: key, name: line(LIMITS.name) }),
    z.strictObject({ ...proposalBase, kind: z.literal("remove"), member: key }),
    z.strictObject({
      ...proposalBase,
      kind: z.literal("rule"),
      change: rulesInput.extend({
        addCurrencies: z.array(currency).max(10).optional(),
        /** Partner commune id -> currency code -> amount as text: the most that partner may owe us through exchanges. */
        partnerCredit: z.record(commune, z.record(currencyCode, amountText)).optional(),
      }),
    }),
    z.strictObject({ ...proposalBase, kind: z.literal("general") }),
    /** Takes back `author`'s payment `entry` once passed (proposal.execute writes the void). */
    z.strictObject({ ...proposalBase, kind: z.literal("reverse"), entry: recordId, author: key }),
    /** Partner with the commune whose offer or answer is pasted in `offer`; proposal.execute grants it once passed. */
    z.strictObject({ ...proposalBase, kind: z.literal("partner"), offer: z.string().max(PARTNER_TEXT_MAX) }),
    /** Ends the partnership with `partner`; proposal.execute writes the end once passed. */
    z.strictObject({ ...proposalBase, kind: z.literal("partner-end"), partner: commune }),
  ]),
  "proposal.vote": z.strictObject({
    commune,
    proposal: recordId,
    choice: z.enum(["yes", "no", "abstain", "block"]),
    /** Why: shown beside the vote. Blank is no reason. */
    reason: text(LIMITS.reason).optional(),
    ...ballotInput,
  }),
  "proposal.execute": z.strictObject({ commune, proposal: recordId }),
  /** The proposer's decision on an advice process, after its deadline. */
  "proposal.decide": z.strictObject({ commune, proposal: recordId, ...decisionInput }),
  "proposal.list": z.strictObject({ commune }),
  /** Records what came of a decided proposal, with an optional date (ms) to look at it again. */
  "proposal.outcome": z.strictObject({ commune, proposal: recordId, statement: text(LIMITS.outcome), review: z.int().nonnegative().optional() }),
  /**
   * Says something in a proposal's discussion, open or closed: a comment
   * (`text`, with `replyTo` to answer a comment), a new version of one's own
   * comment (`edit` and the new `text`), or taking it back (`retract`).
   */
  "proposal.comment": z
    .strictObject({
      commune,
      proposal: recordId,
      text: text(LIMITS.comment).optional(),
      replyTo: recordId.optional(),
      edit: recordId.optional(),
      retract: recordId.optional(),
    })
    .refine((input) => [input.replyTo, input.edit, input.retract].filter((value) => value !== undefined).length <= 1, {
      error: "A comment either replies to a comment, edits one or retracts one, not more than one of these.",
    })
    .refine((input) => input.retract === undefined || input.text === undefined, { error: "A retraction carries no text.", path: ["text"] }),

  "inventory.add": z.strictObject({
    commune,
    title: line(LIMITS.title),
    body: text(LIMITS.body).default(""),
    link: text(MAX_LINK_LENGTH).optional(),
    tags: z.array(line(LIMITS.tag)).max(LIMITS.tags).default([]),
    kind: itemKind.default("knowledge"),
    /** What an offer asks or a need offers in return, typed as a person writes it; only on an offer or a need. */
    price: itemPrice.optional(),
    sharedWith: sharedWith.optional(),
  }),
  "inventory.edit": z.strictObject({
    commune,
    id: recordId,
    title: line(LIMITS.title).optional(),
    body: text(LIMITS.body).optional(),
    link: text(MAX_LINK_LENGTH).nullable().optional(),
    tags: z.array(line(LIMITS.tag)).max(LIMITS.tags).optional(),
    kind: itemKind.optional(),
    /** null takes the amount away. */
    price: itemPrice.nullable().optional(),
    sharedWith: sharedWith.optional(),
  }),
  /** Whether the commune is private, its epoch and who holds it, and what a relay operator can and cannot see. */
  "commune.privacy": z.strictObject({ commune }),
  /** A partner offer to send to another commune (docs/partners.md), valid for `days`. */
  "partner.offer": z.strictObject({ commune, days: z.number().positive().max(30).default(14) }),
  /** What a pasted partner offer says, checked, before anyone proposes anything. */
  "partner.read": z.strictObject({ commune, offer: z.string().max(PARTNER_TEXT_MAX) }),
  /**
   * Takes in what another commune sent: an offer (or an answer to an offer of
   * ours) is put to the commune as a `partner` proposal; the answer of a
   * commune we already agreed to partner with is kept, and needs no vote.
   */
  "partner.accept": z.strictObject({ commune, offer: z.string().max(PARTNER_TEXT_MAX), deadline: deadline.optional() }),
  /** Each commune this one decided to partner with: agreed or ended, granted, and whether we hold its grant. */
  "partner.list": z.strictObject({ commune }),
  /** What `partner` shares with us, read now through its relay and checked against its roster. */
  "partner.shared": z.strictObject({ commune, partner: commune }),
  /** Accepts a partner's exchange out (the signed record as its shared document carries it) into our purse, with our own entry citing it. */
  "exchange.accept": z.strictObject({ commune, exchange: z.unknown(), memo: text(LIMITS.memo).default("") }),
  /** Declines a partner's exchange out with a signed decline citing it; it moves nothing in our purse. */
  "exchange.decline": z.strictObject({ commune, exchange: z.unknown(), reason: text(LIMITS.declineReason).default("") }),
  /**
   * The account with one partner commune: exchanges both ways, the net
   * position, mismatches. `theirs`: the partner's exchange records and
   * rosters as its shared document carries them, with the keys its offer
   * anchors the roster in; without them nothing of the partner's can be
   * checked, and the account shows our side only.
   */
  "partner.account": z.strictObject({
    commune,
    partner: commune,
    name: line(LIMITS.name).optional(),
    theirs: partnerSideInput.optional(),
  }),
  /** Retires an item (a new version that says so; nothing is deleted), or with `retired: false` brings it back. */
  "inventory.retire": z.strictObject({ commune, id: recordId, retired: z.boolean().default(true) }),
  "inventory.list": z.strictObject({
    commune,
    query: text(200).default(""),
    /** Only items of this kind. */
    kind: itemKind.optional(),
    /** Retired items too (each marked `retired`). */
    retired: z.boolean().default(false),
  }),

  "sync.status": z.strictObject({ commune }),
  /** Marks notices about my own entries read (`SyncStatusView.notices`): those named, or, without ids, every one shown now. */
  "notices.read": z.strictObject({ commune, ids: z.array(z.string().min(1).max(200)).max(1_000).optional() }),

  /** Runs a relay inside this host (Settings: "host a relay for my commune"): for this machine only, or on the LAN too. Port 0 picks any free one. */
  "relay.host": z.strictObject({ port: listenPort.default(3030), lan: z.boolean().default(false) }),
  /** Stops the relay this host runs, if any. */
  "relay.stop": z.strictObject({}),

  /**
   * A purse snapshot: signed JSON, CSV, or an hledger/ledger journal (entries up to `asOf` (ms) only), or
   * the Automerge backup of every document with its full history (no `asOf`: a backup holds everything).
   */
  "snapshot.export": z.strictObject({
    ...exportBase,
    /** An absolute path on the host's machine (the CLI only): the host writes the file and returns no content. */
    out: hostPath.optional(),
  }),
  /** Verifies a snapshot (JSON) or backup (Automerge) before showing anything: a file on this machine, or its content (browser mode uploads it). */
  "snapshot.verify": snapshotFile,
  /** Merges an Automerge backup into this member's own copy of the same commune (recovery); refuses anything else. */
  "snapshot.import": snapshotFile,
} as const;

export type CommandName = keyof typeof commandInputs;
export type CommandInput<K extends CommandName> = z.input<(typeof commandInputs)[K]>;
export type ParsedInput<K extends CommandName> = z.output<(typeof commandInputs)[K]>;

/**
 * The input fields that name a file on the host's machine, per command. The
 * CLI may send them; a page may not (shared/link/page-input.ts refuses them
 * with "link.noPaths" before anything runs). A page sends `grant` in their
 * place: the link turns a valid grant into this field.
 */
export const HOST_PATH_FIELDS = { "snapshot.export": "out", "snapshot.verify": "path", "snapshot.import": "path" } as const satisfies Partial<
  Record<CommandName, string>
>;
export type FileCommand = keyof typeof HOST_PATH_FIELDS;

/** What a file grant lets the host do with the file: write it (a save dialog) or read it (an open dialog). */
export const FILE_OPERATIONS = { "snapshot.export": "save", "snapshot.verify": "open", "snapshot.import": "open" } as const satisfies Record<
  FileCommand,
  "save" | "open"
>;
export type FileOperation = (typeof FILE_OPERATIONS)[FileCommand];

/**
 * The command set as a page may send it over the link: the same schemas,
 * except that the commands taking a file take a grant or the file's content,
 * never a path.
 */
export const pageCommandInputs = {
  ...commandInputs,
  "snapshot.export": z.strictObject({ ...exportBase, grant: fileGrant.optional() }),
  "snapshot.verify": pageSnapshotFile,
  "snapshot.import": pageSnapshotFile,
} as const satisfies Record<CommandName, z.ZodType>;

export type PageCommandInput<K extends CommandName> = z.input<(typeof pageCommandInputs)[K]>;

export interface Written {
  /** Id of the record written (entry, proposal, item...). */
  id: string;
}

export interface CommandResults {
  "identity.show": IdentityView;
  "identity.rename": IdentityView;
  "host.info": HostInfoView;
  "commune.list": CommuneListItem[];
  "commune.create": { commune: string };
  "commune.show": CommuneView;
  "commune.invite": { invite: string; expiresAt: number };
  "commune.join": { commune: string; name: string; status: string };
  "commune.leave": Written;
  "commune.admit": Written;
  "commune.relays": { relays: string[] };
  "purse.contribute": Written;
  "purse.disburse": Written;
  "purse.transfer": Written;
  "purse.exchange": Written;
  "purse.void": Written;
  "purse.ledger": LedgerPage;
  "purse.history": PurseHistoryView[];
  "proposal.create": Written;
  "proposal.vote": Written;
  "proposal.execute": Written;
  "proposal.decide": Written;
  "proposal.list": ProposalView[];
  "proposal.comment": Written;
  "proposal.outcome": Written;
  "inventory.add": Written;
  "inventory.edit": Written;
  "inventory.retire": Written;
  "commune.privacy": PrivacyView;
  "partner.offer": { offer: string; expiresAt: number };
  "partner.read": PartnerOfferView;
  "partner.accept": { proposed: string } | { accepted: string };
  "partner.list": PartnerView[];
  "partner.shared": PartnerSharedView;
  "exchange.accept": Written;
  "exchange.decline": Written;
  "partner.account": PartnerAccountView;
  "inventory.list": ItemView[];
  "sync.status": SyncStatusView;
  "notices.read": { read: number };
  "relay.host": EmbeddedRelayView;
  "relay.stop": { stopped: boolean };
  /** `content` is the file (empty when the host wrote it to `out`): UTF-8 text, or base64 for the Automerge backup, as `encoding` says. */
  "snapshot.export": { format: ExportFormat; content: string; encoding: "utf8" | "base64"; entries: number; asOf: number; out?: string };
  "snapshot.verify": SnapshotSummary;
  "snapshot.import": ImportSummary;
}

/** What a verified snapshot says, for a person: whose, as of when, and the balances it proves. */
export interface SnapshotSummary {
  commune: string;
  name: string;
  exporter: string;
  createdAt: number;
  asOf: number;
  entries: number;
  purse: Record<string, number>;
  currencies: { code: string; name: string; decimals: number }[];
  /** "json" for a signed JSON snapshot, "automerge" for a backup of the documents. */
  format: "json" | "automerge";
}

/** What importing a backup added to this member's copy of the commune. */
export interface ImportSummary {
  commune: string;
  name: string;
  /** The member who exported the backup, and when. */
  exporter: string;
  createdAt: number;
  /** Documents in the file; of them, those this machine had changes missing from, and those it did not have at all. */
  documents: number;
  updated: number;
  added: number;
  entriesBefore: number;
  entriesAfter: number;
}

export type { MemberView, ProblemView };

export const COMMAND_ERROR_KINDS = ["invalid-input", "rejected", "not-found", "unavailable", "internal"] as const;

/**
 * The one error shape every transport carries: the Problem (its code for
 * programs, the input field it concerns, a message for people) and the kind
 * of failure, which says whether the command could not be read
 * ("invalid-input"), a rule refused it ("rejected"), or the host could not
 * answer.
 */
export interface CommandError extends Problem {
  kind: (typeof COMMAND_ERROR_KINDS)[number];
}

/**
 * Problem codes that say the input could not be read (an amount, a number of
 * days, a currency code, an invite's text), as opposed to a rule refusing
 * what was read. An area ("amount") covers all its codes. A front end tells
 * the two apart by the kind alone, never by re-reading the input itself.
 */
const UNREADABLE: ReadonlySet<string> = new Set([
  "amount",
  "days",
  "currency.badCode",
  "currency.badDecimals",
  "currency.noName",
  "currency.nameTooLong",
  "invite.empty",
  "invite.tooLong",
  "invite.notAnInvite",
  "invite.damaged",
]);

/** A handler's refusal as the transport carries it: unreadable input, a disk that refused the write (./disk-refusals.ts), or a rule's refusal of readable input. */
export function commandErrorOf(problem: Problem): CommandError {
  const unreadable = UNREADABLE.has(problem.code) || UNREADABLE.has(problem.code.slice(0, problem.code.indexOf(".")));
  return { kind: unreadable ? "invalid-input" : DISK_REFUSALS.has(problem.code) ? "unavailable" : "rejected", ...problem };
}

export type CommandOutcome<K extends CommandName> = { ok: true; value: CommandResults[K] } | { ok: false; error: CommandError };

/** Validates an untrusted {name, input} pair from a transport. */
export function parseCommand(
  name: unknown,
  input: unknown,
  schemas: Record<CommandName, z.ZodType> = commandInputs,
): { ok: true; name: CommandName; input: unknown } | { ok: false; error: CommandError } {
  if (typeof name !== "string" || !Object.hasOwn(schemas, name)) {
    return { ok: false, error: { kind: "invalid-input", code: "command.unknown", message: `Unknown command ${JSON.stringify(String(name)).slice(0, 60)}` } };
  }
  const schema = schemas[name as CommandName];
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? issue.path.join(".") : undefined;
    const where = field === undefined ? "" : `${field}: `;
    return {
      ok: false,
      error: {
        kind: "invalid-input",
        code: "input.invalid",
        ...(field === undefined ? {} : { field }),
        message: `${where}${issue?.message ?? "invalid input"}`,
      },
    };
  }
  return { ok: true, name: name as CommandName, input: parsed.data };
}
