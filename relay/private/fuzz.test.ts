import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeItem, PRIVATE_PROTOCOL } from "../../shared/privacy/headers";
import type { RelayLogEvent } from "../log";
import { startRelay, type RunningRelay } from "../relay";
import { batchItem, newKeys, PrivateClient, privateCommune } from "../testing/private-client";
import { tempDir } from "../testing/relay-harness";
import { encodeFrame } from "./protocol";

/**
 * Hostile sockets speaking the private protocol against one relay while two
 * members use it. Each gets as far as its recipe says (nothing, a hello, an
 * admission) and then sends something wrong: mutated hellos and proofs,
 * random bytes and JSON, put frames with lying lengths or cut short, items
 * of real members altered. Whatever they send can at worst close their own
 * socket: the relay keeps serving, logs no internal error, and stores
 * nothing but what members put.
 */
const CASES = 300;
const CONCURRENCY = 8;

type Stage = "before" | "after-challenge" | "admitted";
type Recipe =
  | { kind: "bytes"; stage: Stage; bytes: Uint8Array }
  | { kind: "json"; stage: Stage; value: unknown }
  | { kind: "hello-mutant"; field: string; value: unknown }
  | { kind: "proof-mutant"; value: unknown }
  | { kind: "put-length"; length: number; tail: Uint8Array }
  | { kind: "put-cut"; cut: number }
  | { kind: "put-flip"; at: number };

const stage = fc.constantFrom<Stage>("before", "after-challenge", "admitted");
const recipe: fc.Arbitrary<Recipe> = fc.oneof(
  fc.record({ kind: fc.constant("bytes" as const), stage, bytes: fc.uint8Array({ maxLength: 600 }) }),
  fc.record({ kind: fc.constant("json" as const), stage, value: fc.jsonValue({ maxDepth: 4 }) }),
  fc.record({
    kind: fc.constant("hello-mutant" as const),
    field: fc.constantFrom("type", "protocol", "commune", "nonce", "register", "extra"),
    value: fc.anything({ maxDepth: 2 }),
  }),
  fc.record({ kind: fc.constant("proof-mutant" as const), value: fc.anything({ maxDepth: 2 }) }),
  fc.record({ kind: fc.constant("put-length" as const), length: fc.nat(), tail: fc.uint8Array({ maxLength: 200 }) }),
  fc.record({ kind: fc.constant("put-cut" as const), cut: fc.double({ min: 0, max: 0.999, noNaN: true }) }),
  fc.record({ kind: fc.constant("put-flip" as const), at: fc.double({ min: 0, max: 0.999, noNaN: true }) }),
);

describe("the private protocol under fuzz", () => {
  const commune = privateCommune();
  let data: Awaited<ReturnType<typeof tempDir>>;
  let relay: RunningRelay;
  const logs: RelayLogEvent[] = [];

  beforeAll(async () => {
    data = await tempDir("commune-private-fuzz-");
    relay = await startRelay({ port: 0, dataDir: data.path, limits: { maxMessageBytes: 64 * 1024 }, log: (event) => logs.push(event) });
    const founder = await PrivateClient.connect(relay.url);
    await founder.join(commune.id, commune.firstId, commune.admission, { genesis: commune.genesis, epochs: [commune.first] });
    founder.close();
  });

  afterAll(async () => {
    await relay.close();
    await data.remove();
  });

  async function admitted(): Promise<PrivateClient> {
    const client = await PrivateClient.connect(relay.url);
    const welcome = await client.join(commune.id, commune.firstId, commune.admission);
    if (welcome.type !== "welcome") throw new Error(`not admitted: ${JSON.stringify(welcome)}`);
    return client;
  }

  async function attack(recipe: Recipe): Promise<void> {
    const client = await PrivateClient.connect(relay.url);
    try {
      const reach = async (wanted: Stage) => {
        if (wanted === "before") return;
        await client.hello(commune.id);
        if (wanted === "admitted") await client.prove(commune.firstId, commune.admission);
      };
      switch (recipe.kind) {
        case "bytes":
          await reach(recipe.stage);
          client.ws.send(recipe.bytes);
          break;
        case "json":
          await reach(recipe.stage);
          client.ws.send(JSON.stringify(recipe.value));
          break;
        case "hello-mutant": {
          const hello: Record<string, unknown> = { type: "hello", protocol: PRIVATE_PROTOCOL, commune: commune.id, nonce: client.nonce };
          hello[recipe.field] = recipe.value;
          client.ws.send(JSON.stringify(hello));
          break;
        }
        case "proof-mutant":
          await reach("after-challenge");
          client.ws.send(JSON.stringify({ type: "proof", epoch: commune.firstId, sig: recipe.value }));
          break;
        case "put-length": {
          await reach("admitted");
          const frame = new Uint8Array(4 + recipe.tail.length);
          new DataView(frame.buffer).setUint32(0, recipe.length % 2 ** 32);
          frame.set(recipe.tail, 4);
          client.ws.send(frame);
          break;
        }
        case "put-cut":
        case "put-flip": {
          await reach("admitted");
          const frame = encodeFrame({ type: "put" }, encodeItem(batchItem(commune.id, commune.firstId, newKeys())));
          if (recipe.kind === "put-cut") client.ws.send(frame.subarray(0, Math.floor(frame.length * recipe.cut)));
          else {
            frame[Math.floor(frame.length * recipe.at)]! ^= 0x40;
            client.ws.send(frame);
          }
          break;
        }
      }
      // Whatever the relay answers (a refusal, a rejection, a close), it answers or closes in time.
      await Promise.race([client.next().catch(() => undefined), client.waitClosed()]);
    } catch {
      // The relay may close before the recipe got as far as it wanted: that is a refusal too.
    } finally {
      client.close();
    }
  }

  it("keeps serving two members, stores nothing the attackers sent that a member would not, and logs no internal error", { timeout: 240_000 }, async () => {
    const ada = await admitted();
    const bo = await admitted();
    const cases = fc.sample(recipe, { numRuns: CASES, seed: 13 });
    const author = newKeys();
    let stored = 0;
    for (let start = 0; start < cases.length; start += CONCURRENCY) {
      await Promise.all(cases.slice(start, start + CONCURRENCY).map((recipe) => attack(recipe)));
      const item = batchItem(commune.id, commune.firstId, author, randomBytes(50));
      expect(await ada.put(item)).toMatchObject({ type: "stored" });
      stored++;
    }
    const { items } = await bo.fetch(0);
    // The first epoch, and what Ada put: an attacker's cut or altered put is refused (its signature covers header and payload).
    expect(items.length).toBe(1 + stored);
    expect(logs.filter((event) => event.event === "error")).toEqual([]);
    expect(ada.closed).toBeUndefined();
    ada.close();
    bo.close();
  });
});
