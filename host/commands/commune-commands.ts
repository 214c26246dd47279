import { communeIdOf, createGenesis } from "../../shared/commune/genesis";
import { FOUNDING_DEFAULTS, rulesProblem, type Rules } from "../../shared/commune/rules";
import { currentStatus, isActiveAt } from "../../shared/commune/state";
import type { ParsedInput } from "../../shared/commands/commands";
import { keptUnsaved } from "../../shared/commands/disk-refusals";
import { readCommuneDoc } from "../../shared/docs/documents";
import { parseRelayUrl } from "../../shared/docs/link";
import { randomId } from "../../shared/identity/keys";
import { createInvite, readInvite, type InviteEpoch } from "../../shared/invite/invite";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { validateCurrency, type Currency } from "../../shared/money/currency";
import { fail, failWith, ok, reworded, type Result } from "../../shared/result";
import { CommuneDocs } from "../commune/commune-docs";
import { amountsPerCurrency } from "./context";
import { CommuneNode } from "../commune/commune-node";
import type { CommuneRecord } from "../store/commune-index";
import type { RelayLink } from "../commune/relay-link";
import { isConnectionFailure } from "../sync/connection-words";
import type { Repo } from "@automerge/automerge-repo";
import { communeView } from "../commune/views";
import { checkpointFields, checkpointRecord, membershipRecord, membershipState } from "../commune/record-kinds";
import { writeRecord, writeRelayList } from "../commune/writer";
import { communeModel, type Handlers, type HostContext } from "./context";

type CommuneCommand = "commune.create" | "commune.list" | "commune.show" | "commune.invite" | "commune.join" | "commune.relays";

const DAY = 86_400_000;

function relayList(urls: string[]): Result<string[]> {
  const parsed: string[] = [];
  for (const url of urls) {
    const relay = parseRelayUrl(url);
    if (!relay.ok) return relay;
    if (!parsed.includes(relay.value)) parsed.push(relay.value);
  }
  return ok(parsed);
}

function foundingRules(input: ParsedInput<"commune.create">): Result<Rules> {
  const currencies: Currency[] = [];
  for (const currency of input.currencies) {
    const valid = validateCurrency({ ...currency, name: currency.name.trim() });
    if (!valid.ok) return valid;
    currencies.push(valid.value);
  }
  const currencyOf = (code: string) => currencies.find((c) => c.code === code);
  const spendLimit = amountsPerCurrency(input.rules.spendLimit ?? {}, currencyOf, "Spend limit", "rules.spendLimit");
  if (!spendLimit.ok) return spendLimit;
  const confirmAbove = amountsPerCurrency(input.rules.confirmAbove ?? {}, currencyOf, "Amount to confirm", "rules.confirmAbove");
  if (!confirmAbove.ok) return confirmAbove;
  const rules: Rules = {
    quorumPercent: input.rules.quorumPercent ?? FOUNDING_DEFAULTS.quorumPercent,
    thresholdPercent: input.rules.thresholdPercent ?? FOUNDING_DEFAULTS.thresholdPercent,
    allowBlock: input.rules.allowBlock ?? FOUNDING_DEFAULTS.allowBlock,
    admission: input.rules.admission ?? FOUNDING_DEFAULTS.admission,
    spendLimit: spendLimit.value,
    spendPeriod: input.rules.spendPeriod ?? FOUNDING_DEFAULTS.spendPeriod,
    ...(Object.keys(confirmAbove.value).length > 0 ? { confirmAbove: confirmAbove.value } : {}),
    currencies,
  };
  const problem = rulesProblem(rules);
  return problem ? fail("rules.invalid", `${problem}.`, { field: "rules" }) : ok(rules);
}

async function createCommune(input: ParsedInput<"commune.create">, host: HostContext): Promise<Result<{ commune: string }>> {
  const name = input.name.trim();
  if (name === "") return fail("commune.noName", "Give the commune a name.", { field: "name" });
  if (host.name() === "") return fail("identity.noName", 'Choose your own name first ("identity rename"): the other members will see it.');
  const rules = foundingRules(input);
  if (!rules.ok) return rules;
  const relays = relayList(input.relays);
  if (!relays.ok) return relays;
  // A private commune's genesis names its first epoch's admission key, so the commune id binds it: no one holding the genesis alone can register it.
  const first = input.private ? await host.privateCommunes.firstEpoch() : undefined;
  const genesis = createGenesis(
    host.crypto,
    { name, founderName: host.name(), at: host.now(), rules: rules.value, ...(first ? { admission: first.admission } : {}) },
    host.keys,
  );
  const id = communeIdOf(genesis);
  // A commune founded plaintext is so by choice: its founder's host does not move it to private (host/commune/moving-over.ts).
  const record: CommuneRecord = { id, name, doc: "", secret: randomId(32), relays: relays.value, ...(first ? {} : { plaintext: true as const }) };
  const privateLink = first ? await host.privateCommunes.found(id, genesis, first.epochKey, host.now()) : undefined;
  let repo: Repo | undefined;
  const links = CommuneNode.linksFor(record, genesis, host.links, () => repo, privateLink);
  repo = CommuneDocs.repoFor(
    host.dataDir,
    id,
    links.map((link) => link.adapter),
  );
  const docs = await CommuneDocs.found(repo, genesis, id, relays.value);
  record.doc = docs.commune.url;
  await host.remember(record);
  host.addNode(new CommuneNode(record, docs, links, host.nodeContext()));
  return ok({ commune: id });
}

async function joinCommune(input: ParsedInput<"commune.join">, host: HostContext) {
  let done = () => {};
  const joined = new Promise<void>((resolve) => (done = resolve));
  try {
    return await join(input, host, joined);
  } finally {
    done();
  }
}

/** The join itself; `joined` settles once it has answered, and a private link's latest snapshots of the purse wait for it (holdSnapshots). */
async function join(input: ParsedInput<"commune.join">, host: HostContext, joined: Promise<void>) {
  const invite = readInvite(host.crypto, input.invite, host.now());
  // Every reason an invite is refused concerns the text pasted as the invite.
  if (!invite.ok) return failWith({ ...invite.error, field: "invite" });
  const { commune, name: communeName } = invite.value;
  if (host.index.has(commune)) return fail("commune.alreadyMember", `You already belong to ${communeName}.`, { field: "invite" });
  const name = (input.name ?? host.name()).trim();
  if (name === "") return fail("member.noName", "Say what name the other members will know you by.", { field: "name" });
  if (host.name() === "") await host.rename(name);

  const epoch = invite.value.epoch;
  const record: CommuneRecord = {
    id: commune,
    name: communeName,
    doc: invite.value.doc,
    secret: invite.value.secret,
    relays: invite.value.relays,
    ...(epoch ? {} : { joinedPlaintext: true as const }),
  };
  // A private commune's invite carries its current epoch's key: the links prove it to the relays and open what they fetch.
  const privateLink = epoch ? await host.privateCommunes.joined(commune, { id: epoch.id, number: epoch.number, key: hexToBytes(epoch.key) }) : undefined;
  let repo: Repo | undefined;
  const links = CommuneNode.linksFor(record, undefined, host.links, () => repo, privateLink);
  repo = CommuneDocs.repoFor(
    host.dataDir,
    commune,
    links.map((link) => link.adapter),
  );
  // The few documents the join opens the commune with are read first; the purse's shards wait until it has answered.
  const inRepo = repo;
  const waits = (documentId: string) => {
    const opensWith = CommuneDocs.opensWith(inRepo, record.doc);
    return opensWith !== undefined && !opensWith.has(documentId);
  };
  for (const link of links) link.holdSnapshots?.(waits, joined);
  const docs = await fetchFromRelays(repo, record.doc, links, host.joinTimeoutMs);
  if (!docs.ok) {
    for (const link of links) link.adapter.disconnect();
    await repo.shutdown().catch(() => {});
    if (epoch) await host.privateCommunes.forget(commune);
    return fail(
      "join.unreachable",
      `Could not get ${communeName} from its relays (${record.relays.join(", ")}): ${docs.error.message} Check that a relay is running and reachable, then try again.`,
    );
  }
  const read = readCommuneDoc(docs.value.commune.doc());
  if (!read.ok || communeIdOf(read.value.doc.genesis) !== commune) {
    await docs.value.close();
    if (epoch) await host.privateCommunes.forget(commune);
    return fail("join.wrongDocument", "The relay sent a document that is not the commune this invite is for. Ask the inviter for a new invite.");
  }
  // Membership needs only the small documents: join first, so loading the
  // purse (one shard per turn of the event loop) does not hold the join up.
  // No node holds these documents yet, so nothing else writes to them: the join needs no queue of its own.
  const newcomer = { id: commune, docs: docs.value, exclusive: <T>(work: () => Promise<T>) => work() };
  const written = await writeRecord(newcomer, host, membershipRecord, () => ok({ type: "join" as const, name, invite: invite.value.grant }));
  const state = written.ok ? membershipState(host.crypto, newcomer, host.now()) : written;
  if (!state.ok) {
    await docs.value.close();
    if (epoch) await host.privateCommunes.forget(commune);
    // The writer says a change the disk refused is kept here; a join that does not go on is not: its documents are closed just above.
    if (keptUnsaved(state.error))
      return reworded(
        state.error,
        () =>
          `Could not save ${communeName} on this computer: ${String(state.error.params?.["why"])}. Nothing of it is kept here, though your join may already have reached its relays. Fix the disk, then try joining again.`,
        { params: { ...state.error.params, kept: false } },
      );
    return state;
  }
  await host.remember(record);
  // The purse arrives in the background, each shard whole from a relay, and
  // starts only now, so the command answers without waiting on it. Until it
  // is counted here, views show the newest member's signed count.
  // A private commune's purse may still be arriving through its link (the latest snapshots first): it is loaded once a link has caught up.
  const loading = Promise.all([docs.value.discoverShards(), ...(epoch ? [caughtUp(links)] : [])]).then(() => undefined);
  const node = new CommuneNode(record, docs.value, links, host.nodeContext(), loading);
  node.readAheadWhileLoading();
  host.addNode(node);
  // While a private link's snapshots of the purse wait (holdSnapshots), each of which holds the thread for a few hundred ms once read,
  // and its storage the disk: the first view (the inviter's signed count) is made, so the member's first look at the commune, right
  // after this answer, is served from memory.
  await node.viewNow();
  // The join was judged to count before it was written, so it made us a member or an applicant.
  const status = currentStatus(state.value, host.keys.publicKey);
  if (status === undefined) throw new Error("a join that counted left no membership status");
  return ok({ commune, name: communeName, status });
}

/**
 * A new member has nothing on disk: wait for a relay to admit us, then ask
 * for the commune's documents, asking again while the relay is still
 * catching up, until the deadline.
 */
/** How long every relay may fail to connect before a join gives up: a few of the client's retries (0.5 s, 1 s, 2 s apart). */
const UNREACHABLE_GRACE_MS = 3_000;

async function fetchFromRelays(repo: Repo, url: string, links: RelayLink[], timeoutMs: number): Promise<Result<CommuneDocs>> {
  const deadline = Date.now() + timeoutMs;
  let reason = "no relay admitted us in time.";
  let unreachableSince: number | undefined;
  while (Date.now() < deadline) {
    // Every relay failing to connect, again and again, will not change within the timeout: say so now rather than after it.
    const statuses = links.map((link) => link.status());
    if (statuses.length > 0 && statuses.every((status) => status.state === "offline" && isConnectionFailure(status.reason))) {
      unreachableSince ??= Date.now();
      if (Date.now() - unreachableSince >= UNREACHABLE_GRACE_MS)
        return fail(
          "join.unreachable",
          statuses.length === 1
            ? `${statuses[0]!.reason ?? "unreachable"}.`
            : statuses.map((status) => `${status.url}: ${status.reason ?? "unreachable"}.`).join(" "),
        );
    } else unreachableSince = undefined;
    const refused = links.map((link) => link.status()).find((status) => status.state === "refused");
    if (refused && links.every((link) => link.status().state === "refused")) {
      return fail(
        "join.refused",
        `${refused.reason ?? "the relay refused us"} (if the invite is brand new, the inviter's host may not have reached the relay yet: try again in a minute).`,
      );
    }
    if (!links.some((link) => link.status().state === "connected") && !CommuneDocs.held(repo, url)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    try {
      return ok(await CommuneDocs.open(repo, url, AbortSignal.timeout(Math.max(1, deadline - Date.now()))));
    } catch {
      reason = "the relay does not have the commune's documents (yet).";
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return fail("join.failed", reason);
}

/**
 * Resolves once one of the links is connected (a private link is, once it
 * has read the relay's log to its end), or none is trying any more (all
 * offline or refused): then the node serves what it holds, as it does when
 * a relay cannot be reached.
 */
function caughtUp(links: readonly RelayLink[]): Promise<void> {
  const settled = () => links.some((link) => link.status().state === "connected") || links.every((link) => link.status().state !== "connecting");
  if (settled()) return Promise.resolve();
  return new Promise((resolve) => {
    const stops = links.map((link) =>
      link.onStatus(() => {
        if (!settled()) return;
        for (const stop of stops) stop();
        resolve();
      }),
    );
  });
}

/** A private commune's current epoch, for its invite; nothing for a plaintext commune. */
function epochOf(host: HostContext, commune: string): { epoch?: InviteEpoch } {
  const current = host.privateCommunes.linkContext(commune)?.keyring.currentKey();
  return current ? { epoch: { id: current.id, number: current.epoch, key: bytesToHex(current.key) } } : {};
}

export const communeCommands: Handlers<CommuneCommand> = {
  "commune.create": createCommune,
  "commune.join": joinCommune,

  async "commune.list"(_input, host) {
    return ok(
      [...host.index.values()].map((record) => {
        const state = host.nodes.get(record.id)?.membershipState();
        return { id: record.id, name: state ? state.name : record.name, status: state ? currentStatus(state, host.keys.publicKey) : undefined };
      }),
    );
  },

  async "commune.show"(input, host) {
    const node = host.node(input.commune);
    if (!node.ok) return node;
    // While a large purse is still loading, the view saved last time answers at once.
    const view = await node.value.viewNow();
    if (view) return ok(view);
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    return ok(found.value.node.withSyncProblems(communeView(found.value.model, host.keys.publicKey, host.now())));
  },

  async "commune.invite"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    const { node, model } = found.value;
    const at = host.now();
    if (!isActiveAt(model.state, host.keys.publicKey, at)) return fail("member.notActive", "Only an active member can invite.");
    if (node.record.relays.length === 0) return fail("invite.noRelay", "Add a relay to this commune first: a new member reaches the commune through one.");
    const expiresAt = at + Math.round(input.days * DAY);
    const invite = createInvite(
      host.crypto,
      {
        commune: node.id,
        name: model.state.name,
        doc: node.record.doc,
        relays: node.record.relays,
        secret: node.record.secret,
        at,
        expiresAt,
        ...epochOf(host, node.id),
      },
      host.keys,
    );
    // The newcomer sees this count of the purse while their own copy receives
    // and checks the history. A purse still loading here is not counted: the
    // invite goes out without a checkpoint.
    await writeRecord(node, host, checkpointRecord, (current, at) => ok(checkpointFields(node, current, at)));
    return ok({ invite, expiresAt });
  },

  async "commune.relays"(input, host) {
    const node = host.node(input.commune);
    if (!node.ok) return node;
    const added = relayList(input.add);
    if (!added.ok) return added;
    const removed = relayList(input.remove);
    if (!removed.ok) return removed;
    const relays = [
      ...node.value.record.relays.filter((url) => !removed.value.includes(url)),
      ...added.value.filter((url) => !node.value.record.relays.includes(url)),
    ];
    const record = { ...node.value.record, relays };
    await host.remember(record);
    node.value.setRelays(record, host.links);
    const written = await writeRelayList(node.value, relays);
    return written.ok ? ok({ relays }) : written;
  },
};
