import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decodeItem, idOfItem } from "../../shared/privacy/headers";
import { startRelay } from "../relay";
import { batchItem, newKeys, PrivateClient, privateCommune } from "../testing/private-client";
import { tempDir } from "../testing/relay-harness";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const IN_FLIGHT = 16;
const ACKNOWLEDGED_BEFORE_KILL = 40;

describe("a private relay killed with SIGKILL while members put", () => {
  it("serves, after a restart, every item it acknowledged, under the number it gave", { timeout: 120_000 }, async () => {
    const data = await tempDir("commune-private-kill-");
    const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "relay", "main.ts"), "--port", "0", "--data", data.path], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const listening = await new Promise<{ url: string }>((resolve, reject) => {
        createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line) as { url: string }));
        child.once("exit", () => reject(new Error("the relay exited before listening")));
      });
      const commune = privateCommune();
      const member = await PrivateClient.connect(listening.url);
      await member.join(commune.id, commune.firstId, commune.admission, { genesis: commune.genesis, epochs: [commune.first] });

      const author = newKeys();
      const acknowledged = new Map<number, string>();
      for (let sent = 0; sent < IN_FLIGHT; sent++) member.sendPut(batchItem(commune.id, commune.firstId, author));
      while (acknowledged.size < ACKNOWLEDGED_BEFORE_KILL) {
        const answer = await member.next();
        expect(answer.type).toBe("stored");
        acknowledged.set(answer.seq as number, answer.id as string);
        member.sendPut(batchItem(commune.id, commune.firstId, author));
      }
      // Puts are still arriving and being written when the process dies.
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
      member.close();

      const relay = await startRelay({ port: 0, dataDir: data.path });
      try {
        const back = await PrivateClient.connect(relay.url);
        const welcome = await back.join(commune.id, commune.firstId, commune.admission);
        expect(welcome.type).toBe("welcome");
        const { head, items } = await back.fetch(0);
        expect(head).toBeGreaterThanOrEqual(Math.max(...acknowledged.keys()));
        const found = new Map(
          items.map(({ seq, bytes }) => {
            const decoded = decodeItem(bytes);
            if (!decoded.ok) throw new Error(`item ${seq} does not decode: ${decoded.problem.message}`);
            return [seq, idOfItem(decoded.item)];
          }),
        );
        for (const [seq, id] of acknowledged) expect(found.get(seq), `item ${seq}`).toBe(id);
        back.close();
      } finally {
        await relay.close();
      }
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await data.remove();
    }
  });
});
