/**
 * The few web-platform globals that both Node and browsers provide and that
 * shared/ may use. shared/ compiles without DOM or Node types (so neither
 * leaks in); these declarations are the deliberate, minimal exception.
 * Excluded from the root tsconfig, where @types/node declares the real ones.
 */
declare class URL {
  constructor(url: string, base?: string);
  readonly href: string;
  readonly protocol: string;
  readonly username: string;
  readonly password: string;
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}

declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
