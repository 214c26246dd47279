/** Opening a member's host and waiting until its balances are complete, shared by the benchmark and its child processes. */
import { Host } from "../host/host";
import type { RelayLinkFactory } from "../host/commune/relay-link";
import { relayLinks } from "../host/sync/relay-links";
import { until } from "./measure";

export const samePurse = (a: Record<string, number>, b: Record<string, number>): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([code, value]) => b[code] === value);

export interface ShownPurse {
  purse: Record<string, number>;
  provisional: boolean;
}

export async function shownPurse(host: Host, commune: string): Promise<ShownPurse | undefined> {
  const shown = await host.run("commune.show", { commune });
  if (!shown.ok) return undefined;
  const view = shown.value as { balances: { purse: Record<string, number> }; provisional?: boolean };
  return { purse: view.balances.purse, provisional: view.provisional === true };
}

/** Waits until commune.show answers with `expected` and is not a provisional (cached) view. */
export async function untilBalances(host: Host, commune: string, expected: Record<string, number>, timeoutMs: number): Promise<void> {
  await until(
    async () => {
      const shown = await shownPurse(host, commune);
      return shown !== undefined && !shown.provisional && samePurse(shown.purse, expected);
    },
    timeoutMs,
    "the balances to be complete",
    10,
  );
}

export async function openHost(dataDir: string, links: RelayLinkFactory = relayLinks, joinTimeoutMs = 600_000): Promise<Host> {
  return Host.open({ dataDir, links, joinTimeoutMs });
}
