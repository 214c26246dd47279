import type { FlagSpec } from "./args";
import { admit, create, invite, join, leave, list, members, name, noticesRead, relays, show, status, whoami } from "./commune-verbs";
import { privacy } from "./privacy-verbs";
import { partnerAccept, partnerEnd, partnerList, partnerOffer, partnerShared } from "./partner-verbs";
import { knowledgeAdd, knowledgeEdit, knowledgeList, knowledgeRestore, knowledgeRetire } from "./knowledge-verbs";
import { decide, execute, propose, proposals, vote } from "./proposal-verbs";
import { comment, outcome } from "./discussion-verbs";
import { balances, contribute, disburse, exchange, ledger, transfer, voidEntry } from "./purse-verbs";
import { exchangeAccept, exchangeDecline, partnerAccount } from "./exchange-verbs";
import { exportVerb, importVerb, verifyVerb } from "./snapshot-verbs";
import type { Verb } from "./verb";

/** Every verb of the CLI, in the groups `commune help` shows them in. */

/** What usage and help need of a verb. */
export interface VerbUsage {
  verb: string;
  args: string[];
  flags: FlagSpec[];
  summary: string;
  /** The flags part of the usage line, when the plain list would mislead ("(--to MEMBER | --payee NAME)"). */
  synopsis?: string;
  details?: string[];
}

/** `commune host`: not a command, the member's host itself. */
export const hostVerb: VerbUsage = {
  verb: "host",
  args: [],
  flags: [
    { name: "relay-port", kind: "value", value: "N", help: "also run a relay on this port (0: any free port)" },
    { name: "relay-host", kind: "value", value: "HOST", help: "the address the relay listens on (default 127.0.0.1; 0.0.0.0 for every interface)" },
  ],
  summary: "run your host: keep syncing, and serve other commune commands, until Ctrl-C",
  details: ["While it runs, other commune commands for the same data directory go through it."],
};

export const helpVerb: VerbUsage = { verb: "help", args: ["[VERB]"], flags: [], summary: "show usage, for every verb or one" };

export const GROUPS: { title: string; verbs: Verb[] }[] = [
  { title: "You", verbs: [whoami, name] },
  { title: "Communes", verbs: [create, list, show, members, invite, join, leave, admit] },
  { title: "Purse", verbs: [contribute, disburse, transfer, exchange, voidEntry, ledger, balances] },
  { title: "Proposals", verbs: [propose, proposals, vote, comment, decide, execute, outcome] },
  { title: "Partners", verbs: [exchangeAccept, exchangeDecline, partnerAccount] },
  { title: "Knowledge", verbs: [knowledgeAdd, knowledgeEdit, knowledgeList, knowledgeRetire, knowledgeRestore] },
  { title: "Partners", verbs: [partnerOffer, partnerAccept, partnerEnd, partnerList, partnerShared] },
  { title: "Snapshots", verbs: [exportVerb, verifyVerb, importVerb] },
  { title: "Sync", verbs: [status, noticesRead, relays, privacy] },
];

export const VERBS: Verb[] = GROUPS.flatMap((group) => group.verbs);

/** First words that need a second one: "knowledge add". */
export const VERB_GROUPS = [...new Set(VERBS.filter((verb) => verb.verb.includes(" ")).map((verb) => verb.verb.split(" ")[0]!))];

export const findVerb = (words: string): Verb | undefined => VERBS.find((verb) => verb.verb === words);

/** Every word a person may type first. */
export const FIRST_WORDS = [...new Set([...VERBS.map((verb) => verb.verb.split(" ")[0]!), hostVerb.verb, helpVerb.verb])];
