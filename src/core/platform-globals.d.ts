// The few web-platform globals core uses. Core is type-checked without the DOM and without Node's types
// so that it cannot reach for either; these exist in browsers and in Node 20 alike, so core may use them.
// Each declaration matches lib.dom.d.ts, so it merges with the DOM's where both are in one program; next
// to Node's types alone they differ in form only, which skipLibCheck (set in every tsconfig here) lets pass.

/* eslint-disable no-var -- global values are declared with var, as lib.dom.d.ts does; let or const would clash with it. */

interface TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}
declare var TextEncoder: {
  prototype: TextEncoder;
  new (): TextEncoder;
};

interface TextDecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}
interface TextDecoder {
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare var TextDecoder: {
  prototype: TextDecoder;
  new (label?: string, options?: TextDecoderOptions): TextDecoder;
};

declare function btoa(data: string): string;

interface Crypto {
  getRandomValues<T extends ArrayBufferView>(array: T): T;
}
declare var crypto: Crypto;
