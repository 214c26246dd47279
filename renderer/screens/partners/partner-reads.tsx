import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import type { CommandError } from "../../../shared/commands/commands";
import type { PartnerSharedView } from "../../../shared/commands/views";
import type { Progress } from "../../link/link";
import { useLink } from "../../link/hooks";

/**
 * What each partner shared when it was last read. `partner.shared` reads
 * through the partner's relay (seconds, not a live view), so the answer is
 * kept for the window's life, shared by the Partners and Knowledge screens,
 * and read again only when a member asks; each read says when it was made.
 */
export interface PartnerRead {
  reading: boolean;
  progress?: Progress;
  /** The last answer, kept while a new read runs or after one fails. */
  view?: PartnerSharedView;
  /** When `view` was read (this machine's clock). */
  at?: number;
  error?: CommandError;
}

type Reads = Readonly<Record<string, PartnerRead>>;

interface PartnerReadsValue {
  reads: Reads;
  read(commune: string, partner: string): Promise<PartnerSharedView | undefined>;
}

const PartnerReadsContext = createContext<PartnerReadsValue | undefined>(undefined);

const keyOf = (commune: string, partner: string) => `${commune}/${partner}`;

/** Holds the reads for every screen below it: one per window, around the commune's screens. */
export function PartnerReadsProvider({ children }: { children: ReactNode }) {
  const link = useLink();
  const [reads, setReads] = useState<Reads>({});
  const read = useCallback(
    async (commune: string, partner: string) => {
      const key = keyOf(commune, partner);
      const change = (next: (previous: PartnerRead) => PartnerRead) => setReads((all) => ({ ...all, [key]: next(all[key] ?? { reading: false }) }));
      change(({ view, at }) => ({ reading: true, ...(view && at !== undefined ? { view, at } : {}) }));
      const outcome = await link.command("partner.shared", { commune, partner }, (progress) => change((previous) => ({ ...previous, progress })));
      change(({ view, at }) =>
        outcome.ok
          ? { reading: false, view: outcome.value, at: Date.now() }
          : { reading: false, error: outcome.error, ...(view && at !== undefined ? { view, at } : {}) },
      );
      return outcome.ok ? outcome.value : undefined;
    },
    [link],
  );
  const value = useMemo(() => ({ reads, read }), [reads, read]);
  return <PartnerReadsContext.Provider value={value}>{children}</PartnerReadsContext.Provider>;
}

/** The last read of each partner of `commune`, and a way to read one again. */
export function usePartnerReads(commune: string): {
  readOf(partner: string): PartnerRead | undefined;
  read(partner: string): Promise<PartnerSharedView | undefined>;
} {
  const value = useContext(PartnerReadsContext);
  if (!value) throw new Error("usePartnerReads needs a PartnerReadsProvider above it (App puts one around the commune's screens)");
  const { reads, read } = value;
  return useMemo(
    () => ({ readOf: (partner: string) => reads[keyOf(commune, partner)], read: (partner: string) => read(commune, partner) }),
    [reads, read, commune],
  );
}
