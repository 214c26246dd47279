import type { PurseBreakdown, StandingBreakdown } from "../purse/balances";
import type { Process } from "../proposals/processes/process";
import type { MyMarksView, ProcessResultView } from "./process-views";
import type { MemberStatus } from "../commune/state";
import type { RuleChange, Rules } from "../commune/rules";
import type { PublicKey } from "../identity/keys";
import type { Currency } from "../money/currency";
import type { Choice, Outcome, ProposalKind } from "../proposals/proposal";
import type { EntryKind, EntryStatus, SignedEntry } from "../purse/entry";
import type { SignedExchangeDecline } from "../partners/exchange";
import type { BalancePoint } from "../purse/history";
import type { ItemKind } from "../inventory/item";

/**
 * What the host computes and the CLI and renderer show: plain JSON, no
 * documents, no keys. The renderer subscribes to these; the CLI prints them.
 */
export interface IdentityView {
  publicKey: PublicKey;
  name: string;
  fingerprint: string;
}

export interface HostInfoView {
  /** The folder this host keeps identity, communes and documents in. */
  dataDir: string;
  /** Commune's version. */
  version: string;
  /** The relay this host runs, when it runs one. */
  embeddedRelay?: EmbeddedRelayView;
}

/** A relay running inside the member's host. */
export interface EmbeddedRelayView {
  /** The address this machine reaches it at (ws://127.0.0.1:port). */
  url: string;
  port: number;
  /** Whether other machines on the network may connect. */
  lan: boolean;
  /** Addresses other machines on the LAN may use; empty when `lan` is false. */
  lanUrls: string[];
}

/** The purse balance of one currency over time (or a member's standing, when one was asked for), at most the asked number of points. */
export interface PurseHistoryView {
  currency: string;
  points: BalancePoint[];
  /** Whose standing this is; absent for the purse. */
  member?: PublicKey;
}

export interface CommuneListItem {
  id: string;
  name: string;
  /** My membership in it; undefined while the commune has not synced yet after joining. */
  status: MemberStatus | undefined;
}

/**
 * Something a member should know about one record, said on the record's own
 * row (ledger row, proposal, member, knowledge item) in a sentence that
 * needs no ids: what was done to it, and what counts. The problems list
 * still lists the same records; this is where they are shown.
 */
export interface RecordNote {
  code: RecordNoteCode;
  message: string;
}

/**
 * `record.tampered`: deleted or changed in the documents after it was
 * signed (the signed original counts). `record.equivocation`: its author
 * signed two versions of it (one counts). The order rules add `record.late`,
 * `record.backdated` and `record.future-dated`.
 */
export type RecordNoteCode = "record.tampered" | "record.equivocation" | "record.late" | "record.backdated" | "record.future-dated";

export interface MemberView {
  key: PublicKey;
  name: string;
  fingerprint: string;
  status: MemberStatus;
  since: number;
  why: string;
  /** Standing per currency code, in minor units. */
  balances: Record<string, number>;
  /** How each standing adds up, per currency (`StandingBreakdown`); absent in a view counted by another member or saved by an older version. */
  breakdown?: Record<string, StandingBreakdown>;
  /** What was done to this member's records or to the votes that decided their membership. */
  notes?: RecordNote[];
}

export interface BalancesView {
  commune: string;
  currencies: Currency[];
  /** Purse balance per currency code, in minor units. */
  purse: Record<string, number>;
  /** How each purse balance adds up (`PurseBreakdown`); absent in a view counted by another member or saved by an older version. */
  purseBreakdown?: Record<string, PurseBreakdown>;
  members: MemberView[];
  entries: { counted: number; overdrawn: number; untrusted: number };
}

export interface LedgerRow {
  /** Position in the commune's canonical order, from 1. */
  n: number;
  id: string;
  kind: EntryKind;
  at: number;
  by: PublicKey;
  byName: string;
  to?: PublicKey;
  toName?: string;
  payee?: string;
  partner?: string;
  /** The partner commune's name, where the commune lists it (issue 14). */
  partnerName?: string;
  /** On an exchange with a partner commune: the offer id both sides' entries share. */
  offer?: string;
  /** On an exchange out the partner declined: when; it counts for nothing from then on. */
  declinedAt?: number;
  direction?: "in" | "out";
  amount: number;
  currency: string;
  memo: string;
  proposal?: string;
  /** The title of the proposal it names, while this commune counts that proposal: the link from a payment back to its proposal. */
  proposalTitle?: string;
  status: EntryStatus;
  reason?: string;
  notes?: RecordNote[];
  /** The counted void that took this entry back: "voided by #12, 'typed 5000 for 50'". */
  voidedBy?: LinkedEntry & { memo: string };
  /** The counted entry that replaced this one after its void. */
  correctedBy?: LinkedEntry;
  /** What this entry cites: the entry a void takes back, or the voided entry a correction replaces. */
  voids?: LinkedEntry;
  corrects?: LinkedEntry;
}

/** Another row of the ledger, by id and by its number in the canonical order. */
export interface LinkedEntry {
  id: string;
  n: number;
}

export interface LedgerPage {
  total: number;
  offset: number;
  rows: LedgerRow[];
}

export interface ProposalView {
  id: string;
  kind: ProposalKind;
  title: string;
  body: string;
  by: PublicKey;
  byName: string;
  at: number;
  deadline: number;
  outcome: Outcome;
  decidesAt: number;
  /** Signed on the proposal: it closes as soon as its outcome can no longer change, not only once everyone has voted. */
  closesEarly?: true;
  /** The proposer hid the votes until it closes, and it is open: the counts read 0 and `votes` is absent; `voted` and `myVote` still show. */
  hiddenVotes?: true;
  /** Why it was decided before its deadline (shared/proposals/tally.ts `Tally.early`), said by `closedEarlyText`. */
  early?: "everyone-voted" | "settled";
  electorate: number;
  voted: number;
  yes: number;
  no: number;
  abstain: number;
  block: number;
  /** Whether enough of the electorate voted, and enough of yes-or-no was yes: shared/proposals/tally.ts decides, screens only show it. */
  quorumMet: boolean;
  thresholdMet: boolean;
  quorumPercent: number;
  thresholdPercent: number;
  /**
   * Whether this proposal takes block votes (a single block vetoes it). The
   * rules in force when it was made decide, as for the vote itself, not
   * today's: a later rule change cannot open or close blocking on a vote
   * already under way.
   */
  allowBlock: boolean;
  /** Each member's vote that counts, with when it was cast: votes are signed records every member may see. */
  votes?: VoteView[];
  myVote?: Choice;
  /** Reverse proposals: the payment they take back (its amount and payee while this member's copy has it) and whether a void has taken it back. */
  reverse?: { entry: string; author: PublicKey; authorName: string; amount?: number; currency?: string; payee?: string; done: boolean };
  /** Spend proposals: what they allow and how much of it is already paid out. */
  spend?: { amount: number; currency: string; payee: string; used: number };
  member?: { key: PublicKey; name: string };
  /** Rule proposals: the rules they change and the currencies they add. */
  change?: RuleChange;
  /** What was done to this proposal or its votes, and which version counts. */
  notes?: RecordNote[];
  /** What the commune says came of it, once decided: the latest statement (shared/proposals/outcome.ts). */
  outcomeStatement?: OutcomeView;
  /** The statements the current one replaced, oldest first. */
  history?: OutcomeView[];
  /** A spend proposal's payments out of the purse (the entries that drew on it), in the order counted. */
  paidBy?: { id: string; author: PublicKey; authorName: string; amount: number; currency: string; at: number; voided?: true }[];
  /** Its discussion in thread order (shared/proposals/discussion.ts); absent while no comment counts. */
  discussion?: CommentView[];
  /** How its outcome is decided (issue 17); absent for the yes/no vote. */
  process?: Process;
  /** What the process decided besides the outcome; absent while the votes are hidden. */
  result?: ProcessResultView;
  /** This member's pick, dots or times, as their counted vote marks them. */
  myMarks?: MyMarksView;
}

export interface OutcomeView {
  statement: string;
  by: PublicKey;
  byName: string;
  at: number;
  /** When the commune should look at it again (ms). */
  review?: number;
}

/** One member's vote that counts, as "who voted what" shows it. */
export interface VoteView {
  voter: PublicKey;
  name: string;
  choice: Choice;
  at: number;
  reason?: string;
  /** A poll's vote: the option picked (single choice), or the dots given to each option (a dot vote), by option index. */
  pick?: number;
  dots?: number[];
  /** A meeting poll's vote: the indices of the times the member can make (none fits: empty). */
  times?: number[];
}

/**
 * One comment as shown under a proposal: its latest version, or that it
 * was retracted (with when, its text withheld); replies follow the comment
 * they answer, one `depth` deeper.
 */
export interface CommentView {
  id: string;
  by: PublicKey;
  byName: string;
  at: number;
  depth: number;
  replyTo?: string;
  text?: string;
  /** When the text shown was written, when it is an edit. */
  edited?: number;
  /** Earlier versions, oldest first. */
  versions: { at: number; text: string }[];
  retracted?: { at: number };
  /** Written by the member this view is for: theirs to edit or retract. */
  mine?: true;
}

export interface ItemView {
  id: string;
  version: number;
  title: string;
  body: string;
  link?: string;
  tags: string[];
  kind: ItemKind;
  /** Minor units of `currency`, on an offer or a need that names one. */
  amount?: number;
  currency?: string;
  /** Retired by its newest version: kept, shown only when asked for. */
  retired?: true;
  /** Who wrote the newest version (the one that retired it, for a retired item). */
  editorName: string;
  author: PublicKey;
  authorName: string;
  at: number;
  notes?: RecordNote[];
}

export interface ProblemView {
  subject: string;
  id: string;
  by?: PublicKey;
  reason: string;
}

export interface RelayStatus {
  url: string;
  state: "connecting" | "connected" | "offline" | "refused";
  since: number;
  reason?: string;
}

export interface SyncStatusView {
  commune: string;
  relays: RelayStatus[];
  peers: number;
  /** When every document last matched what a relay holds; undefined before the first sync. */
  lastSynced?: number;
  /** Documents with changes a relay has not confirmed yet, plus listed shards not loaded here yet. */
  waiting: number;
  /** Why this commune's documents failed to load or be checked here; absent when they loaded. */
  loadProblem?: string;
  /** What happened to my own entries after I wrote them (a payment that lost a race), until I mark it read; empty while the commune loads. */
  notices: NoticeView[];
}

/**
 * Something that happened to one of the member's own entries after it was
 * written: it came out overdrawn after a sync (another payment reached the
 * purse first), or counts for nothing. Told on Home and by `commune status`
 * until the member marks it read.
 */
export interface NoticeView {
  /** Stable while the entry keeps this verdict: the entry's status and signature. */
  id: string;
  /** The entry's id, to find its ledger row. */
  entry: string;
  status: "overdrawn" | "untrusted";
  /** The entry's date. */
  at: number;
  /** What happened, in one sentence: "Your payment of 50.00 EUR to Garage on 4 December 2026 came out overdrawn: …". */
  message: string;
  /** What the member can do about it. */
  advice: string;
}

export interface CommuneView {
  id: string;
  name: string;
  me: PublicKey;
  myStatus: MemberStatus | undefined;
  rules: Rules;
  balances: BalancesView;
  proposals: ProposalView[];
  problems: ProblemView[];
  /** True while the purse is still loading: this is the view saved last time, or another member's count (countedBy). */
  provisional?: boolean;
  /** While this machine has not counted the purse itself: whose signed count the balances are, and when it was made. */
  countedBy?: { member: PublicKey; name: string; at: number };
  /** A document fails its schema: why. This is the view saved last time, and every write is refused until the document is repaired. */
  readOnly?: string;
}

/** A partner offer as a member reads it before the commune decides: who offers, from where, until when. */
export interface PartnerOfferView {
  commune: string;
  name: string;
  relays: string[];
  /** The member of that commune who made the offer, and their key's fingerprint to check with them. */
  by: PublicKey;
  fingerprint: string;
  at: number;
  expiresAt: number;
}

/** One exchange between our commune and a partner, as the partner account shows it (shared/partners/account.ts). */
export interface PartnerExchangeView {
  offer: string;
  /** out: we gave; in: the partner gave. */
  direction: "in" | "out";
  amount: number;
  currency: string;
  at: number;
  state: "offered" | "accepted" | "declined";
  words: string;
}

/** The account with one partner commune: what is owed either way, every exchange, and what the two sides' records do not agree on. */
export interface PartnerAccountView {
  partner: string;
  name: string;
  /** "Hillside owes us 30.00 EUR and 4.00 HOUR." */
  words: string;
  /** Per currency, minor units the partner owes us (negative: we owe it). */
  position: Record<string, number>;
  offeredByUs: Record<string, number>;
  exchanges: PartnerExchangeView[];
  mismatches: string[];
  /** Whether the partner's records could be checked against its roster; without, only our side is shown. */
  checked: boolean;
  /** Our signed records for the partner to read: our exchanges naming it and our declines of its exchanges (what our shared document for it carries). */
  records: (SignedEntry | SignedExchangeDecline)[];
}

/** A commune this one decided to partner with (docs/partners.md), as `partner.list` shows it. */
export interface PartnerView {
  commune: string;
  name: string;
  /** As the commune's passed proposals decided: agreed, or ended by a later one. */
  status: "agreed" | "ended";
  /** The passed proposal that decided it. */
  proposal: string;
  decidedAt: number;
  /** We made the shared document and granted its key (proposal.execute on the passed `partner` proposal), and have not ended it. */
  granted: boolean;
  /** What to send the partner while granted: our offer, our grant and where the shared document is. */
  answer?: string;
  /** How many items of ours the shared document holds. */
  items: number;
  /** We hold the partner's grant to us (its answer). */
  theirs: boolean;
  /** The partner ended it: its signed end record, read by a member of ours, is filed in our commune document. Nothing more is shared with it. */
  endedByThem: boolean;
  /** Both: granted and holding theirs, and ended by neither side. */
  active: boolean;
}

/** What a partner commune shares with us, read through its relay and checked against its roster (`partner.shared`). */
export interface PartnerSharedView {
  commune: string;
  name: string;
  /** The partner ended the partnership: nothing new comes. */
  ended: boolean;
  items: Array<{
    id: string;
    title: string;
    body: string;
    kind: ItemKind;
    /** Its tags, as its author gave them. */
    tags: string[];
    retired?: true;
    /** Signed by a key on the partner's roster at the item's time, and not altered. */
    verified: boolean;
  }>;
  /**
   * The partner's exchanges offered to us, signed by a member on its
   * roster, with what we did about each: `record` is the signed entry to
   * accept or decline (exchange.accept, exchange.decline).
   */
  exchanges: PartnerOfferedView[];
  /** Items and rosters that did not open or count, each with why. */
  problems: string[];
}

/** An exchange a partner commune offers us, as `partner.shared` lists it. */
export interface PartnerOfferedView {
  offer: string;
  amount: number;
  currency: string;
  memo: string;
  at: number;
  /** offered: not answered by us yet; accepted or declined by a member of ours. */
  state: "offered" | "accepted" | "declined";
  /** "Riverside offers 30.00 EUR (For the mill), on 2026-12-04: not answered yet." */
  words: string;
  record: SignedEntry;
}

/** Whether a commune is private, its current epoch and who holds it, and what a relay's operator can and cannot see of it. */
export interface PrivacyView {
  private: boolean;
  /** The current epoch of a private commune, as this machine holds it. */
  epoch?: {
    number: number;
    id: string;
    /** When and by whom it began; absent while only the invite's key is held (its record not yet seen). */
    startedAt?: number;
    startedBy?: string;
    /** The members its key was sealed to, by name; absent while its record has not been seen. */
    holders?: { key: PublicKey; name: string }[];
  };
  /** For a plaintext commune: why it is, and whether it will move (shared/privacy/what-relays-see.ts, PLAINTEXT_REASONS). */
  plaintextWhy?: string;
  operatorSees: string[];
  operatorCannotSee: string[];
}
