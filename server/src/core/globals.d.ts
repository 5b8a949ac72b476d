// The web-standard globals the core may use. They exist in Node.js and in browsers alike, so
// declaring them does not let Node's own APIs into the core (its tsconfig has `types: []`).
declare function atob(data: string): string;
declare function btoa(data: string): string;
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare const crypto: { getRandomValues<T extends ArrayBufferView | null>(array: T): T };
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
