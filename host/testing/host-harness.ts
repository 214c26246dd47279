import type { CommandName, CommandResults } from "../../shared/commands/commands";
import type { RelayLinkFactory } from "../commune/relay-link";
import type { Host } from "../host";

/** For hosts in tests that never reach a relay: asking for a link is a bug in the test. */
export const noRelays: RelayLinkFactory = () => {
  throw new Error("no relays in these tests");
};

/** Runs a command that the test expects to succeed, and fails the test with the host's words when it does not. */
export async function must<K extends CommandName>(host: Host, name: K, input: unknown): Promise<CommandResults[K]> {
  const outcome = await host.run(name, input);
  if (!outcome.ok) throw new Error(`${name}: ${outcome.error.message}`);
  return outcome.value as CommandResults[K];
}
