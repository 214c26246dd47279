import { EUR, HOUR, type Currency } from "../shared/money/currency";
import { clean, table } from "./text";
import { SPEND_PERIODS } from "../shared/commune/spend-period";
import { all, always, currencySpec, days, defineVerb, never, oneOf, planned, spendLimits, wholeNumber } from "./verb";
import { communeText, membersText, syncText } from "./views-text";

/** Verbs about who I am and the communes I belong to. */

export const whoami = defineVerb<"identity.show">({
  verb: "whoami",
  args: [],
  flags: [],
  summary: "show your name, public key and fingerprint",
  scoped: false,
  writes: never,
  build: () => planned("identity.show", {}),
  print: ({ value }) =>
    [
      value.name ? clean(value.name) : '(no name yet: choose one with: commune name "Your Name")',
      `key          ${value.publicKey}`,
      `fingerprint  ${value.fingerprint}`,
    ].join("\n"),
});

export const name = defineVerb<"identity.rename">({
  verb: "name",
  args: ["<NAME>"],
  flags: [],
  summary: "choose the name other members know you by",
  scoped: false,
  writes: never,
  build: (args) => planned("identity.rename", { name: args.positionals[0]! }),
  print: ({ value }) => `You are now called ${clean(value.name)}.`,
});

const DEFAULT_CURRENCIES: Currency[] = [EUR, HOUR];

export const create = defineVerb<"commune.create">({
  verb: "create",
  args: ["<NAME>"],
  flags: [
    {
      name: "currency",
      kind: "list",
      value: "CODE:Name:DECIMALS",
      help: "a currency (repeatable; EUR and HOUR may be given by code alone); default EUR:Euro:2 and HOUR:Labour hours:2",
    },
    { name: "relay", kind: "list", value: "URL", help: "a relay to sync through, such as ws://relay.example:3030 (repeatable)" },
    { name: "quorum", kind: "value", value: "PERCENT", help: "share of members who must vote for a decision (default 50)" },
    { name: "threshold", kind: "value", value: "PERCENT", help: "share of yes among yes and no needed to pass (default 50)" },
    { name: "block", kind: "boolean", help: "a single block vote vetoes a proposal" },
    {
      name: "spend-limit",
      kind: "list",
      value: "CODE=AMOUNT",
      help: "most each member may take out without a proposal in a spend period (repeatable; default 0)",
    },
    { name: "spend-period", kind: "value", value: "day|week|month|year", help: "the calendar period (UTC) the spend limit runs over (default month)" },
    { name: "admission", kind: "value", value: "direct|proposal", help: "an invite admits directly (default), or admission needs a proposal" },
    {
      name: "plaintext",
      kind: "boolean",
      help: "let a relay on an older version read everything: its relays store the documents as they are (communes are private by default)",
    },
  ],
  summary: "found a commune",
  details: ["Example: commune create Riverside --currency EUR --currency HOUR --relay ws://127.0.0.1:3030 --spend-limit EUR=50.00 --spend-period month"],
  scoped: false,
  writes: always,
  wroteTo: ({ value }) => value.commune,
  build(args) {
    const currencies: Currency[] = [];
    for (const text of args.list("currency")) {
      const currency = currencySpec(text);
      if (!currency.ok) return currency;
      currencies.push(currency.value);
    }
    const parts = all(
      wholeNumber(args, "quorum", true),
      wholeNumber(args, "threshold", true),
      spendLimits(args),
      oneOf(args.value("admission"), ["direct", "proposal"] as const, "--admission"),
      oneOf(args.value("spend-period"), SPEND_PERIODS, "--spend-period"),
    );
    if (!parts.ok) return parts;
    const [quorumPercent, thresholdPercent, spendLimit, admission, spendPeriod] = parts.value;
    const rules = {
      ...(quorumPercent !== undefined ? { quorumPercent } : {}),
      ...(thresholdPercent !== undefined ? { thresholdPercent } : {}),
      ...(args.flag("block") ? { allowBlock: true } : {}),
      ...(spendLimit ? { spendLimit } : {}),
      ...(spendPeriod ? { spendPeriod } : {}),
      ...(admission ? { admission } : {}),
    };
    return planned("commune.create", {
      name: args.positionals[0]!,
      currencies: currencies.length ? currencies : DEFAULT_CURRENCIES,
      rules,
      relays: args.list("relay"),
      ...(args.flag("plaintext") ? { private: false } : {}),
    });
  },
  print: ({ value }, { input }) => {
    const relays = input.relays as string[];
    const lines = [`Founded ${clean(String(input.name))} (id ${value.commune}).`];
    if (relays.length === 0) lines.push("It has no relay yet: add one (commune relays --add ws://HOST:PORT) before you invite anyone.");
    else lines.push("Invite members with: commune invite");
    return lines.join("\n");
  },
});

export const list = defineVerb<"commune.list">({
  verb: "list",
  args: [],
  flags: [],
  summary: "list your communes",
  scoped: false,
  writes: never,
  build: () => planned("commune.list", {}),
  print: ({ value }) =>
    value.length === 0
      ? "You belong to no commune yet. Found one (commune create NAME) or join one (commune join INVITE)."
      : table(
          ["NAME", "ID", "YOU"],
          value.map((c) => [c.name, c.id, c.status ?? "joining (not synced yet)"]),
        ),
});

export const show = defineVerb<"commune.show">({
  verb: "show",
  args: [],
  flags: [],
  summary: "the commune: rules, purse, members, open proposals",
  scoped: true,
  writes: never,
  build: () => planned("commune.show", {}),
  print: ({ value }) => communeText(value),
});

export const members = defineVerb<"commune.show">({
  verb: "members",
  args: [],
  flags: [],
  summary: "the members with status, fingerprint and standing",
  scoped: true,
  writes: never,
  build: () => planned("commune.show", {}),
  json: ({ value }) => value.balances.members,
  print: ({ value }) => membersText(value.balances.members, value.balances.currencies, value.me),
});

export const invite = defineVerb<"commune.invite">({
  verb: "invite",
  args: [],
  flags: [{ name: "days", kind: "value", value: "N", help: "how long the invite stays valid (default 7, at most 90)" }],
  summary: "make a single-use invite (prints only the invite, for $(commune invite))",
  scoped: true,
  // Signing an invite changes no document: there is nothing to send.
  writes: never,
  build(args) {
    const valid = days(args);
    if (!valid.ok) return valid;
    return planned("commune.invite", valid.value === undefined ? {} : { days: valid.value });
  },
  print: ({ value }) => value.invite,
});

export const join = defineVerb<"commune.join">({
  verb: "join",
  args: ["<INVITE>"],
  flags: [{ name: "name", kind: "value", value: "NAME", help: "the name the members will know you by (default: your name)" }],
  summary: "join a commune with an invite",
  scoped: false,
  writes: always,
  wroteTo: ({ value }) => value.commune,
  build(args) {
    const name = args.value("name");
    return planned("commune.join", { invite: args.positionals[0]!, ...(name !== undefined ? { name } : {}) });
  },
  print: ({ value }) =>
    value.status === "applicant"
      ? `Asked to join ${clean(value.name)} (id ${value.commune}). The members decide by proposal; until one passes you can read the commune but not write to it. "commune show" says when you are in.`
      : `Joined ${clean(value.name)} (id ${value.commune}); you are ${value.status}.`,
});

export const leave = defineVerb<"commune.leave">({
  verb: "leave",
  args: [],
  flags: [],
  summary: "leave the commune",
  scoped: true,
  writes: always,
  build: () => planned("commune.leave", {}),
  print: (_answer, { commune }) => `You have left ${clean(commune?.name ?? "the commune")}.`,
});

export const admit = defineVerb<"commune.admit">({
  verb: "admit",
  args: ["<MEMBER>", "<NAME>"],
  flags: [],
  summary: "admit someone directly (when the commune admits by invite)",
  details: ["MEMBER is a public key, a unique key prefix (8+ hex digits) or the name of someone who has applied."],
  scoped: true,
  writes: always,
  build: (args) =>
    planned("commune.admit", { member: args.positionals[0]!, name: args.positionals[1]! }, [{ kind: "member", path: ["member"], text: args.positionals[0]! }]),
  print: (_answer, { input }) => `Admitted ${clean(String(input.name))}.`,
});

export const relays = defineVerb<"sync.status" | "commune.relays">({
  verb: "relays",
  args: [],
  flags: [
    { name: "add", kind: "list", value: "URL", help: "sync through this relay too (repeatable)" },
    { name: "remove", kind: "list", value: "URL", help: "stop syncing through this relay (repeatable)" },
  ],
  summary: "list the commune's relays, or add and remove them",
  scoped: true,
  writes: (input) => "add" in input,
  build(args) {
    const add = args.list("add");
    const remove = args.list("remove");
    if (add.length === 0 && remove.length === 0) return planned("sync.status", {});
    return planned("commune.relays", { add, remove });
  },
  json: (answer) => (answer.name === "sync.status" ? { relays: answer.value.relays.map((relay) => relay.url) } : answer.value),
  print(answer) {
    const urls = answer.name === "sync.status" ? answer.value.relays.map((relay) => `${relay.url}  (${relay.state})`) : answer.value.relays;
    return urls.length === 0 ? "No relays: changes stay on this machine. Add one with: commune relays --add ws://HOST:PORT" : urls.map(clean).join("\n");
  },
});

export const noticesRead = defineVerb<"notices.read">({
  verb: "notices read",
  args: [],
  flags: [],
  summary: "mark the notices `commune status` shows about your entries as read",
  scoped: true,
  writes: never,
  build: () => planned("notices.read", {}),
  print: ({ value }) => (value.read === 0 ? "No unread notices." : `Marked ${value.read === 1 ? "1 notice" : `${value.read} notices`} read.`),
});

export const status = defineVerb<"sync.status">({
  verb: "status",
  args: [],
  flags: [],
  summary: "how the commune syncs: relays, peers, changes waiting",
  scoped: true,
  writes: never,
  build: () => planned("sync.status", {}),
  print: ({ value }, { commune }) => syncText(value, commune?.name ?? value.commune),
});
