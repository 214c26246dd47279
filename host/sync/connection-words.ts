/**
 * A failed connection in words a member can act on. Node reports
 * "connect ECONNREFUSED 127.0.0.1:47617"; the sync panel and the CLI should
 * say what it means and what to try. The code is matched, never the rest of
 * the message, and a failure no code names keeps its own text.
 */
const WORDS: ReadonlyArray<[RegExp, string]> = [
  [/\bECONNREFUSED\b/, "Nothing answers at this address: the relay is not running there, or the port is wrong"],
  [/\bENOTFOUND\b|\bEAI_AGAIN\b/, "This relay's host name is unknown: check the address, or this machine's internet connection"],
  [/\bETIMEDOUT\b|\bEHOSTUNREACH\b|\bENETUNREACH\b/, "The relay's machine cannot be reached from here: this machine may be offline"],
  [/\bECONNRESET\b|\bEPIPE\b/, "The connection was cut: the relay stopped, or the network dropped it"],
  [/\bCERT_|\bSELF_SIGNED\b|certificate/i, "The relay's TLS certificate is not trusted by this machine"],
];

export function connectionProblemWords(message: string): string {
  for (const [code, words] of WORDS) if (code.test(message)) return words;
  return message;
}

/** Whether a relay's status reason is one of these failures to connect (not a refusal, a closed socket, or nothing tried yet). */
export const isConnectionFailure = (reason: string | undefined): boolean => reason !== undefined && WORDS.some(([, words]) => words === reason);
