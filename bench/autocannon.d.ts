/** The part of autocannon's API the console benchmark uses (the package ships no type declarations). */
declare module "autocannon" {
  import type { EventEmitter } from "node:events";
  type Client = EventEmitter;
  type Options = {
    url: string;
    connections?: number;
    duration?: number;
    headers?: Record<string, string>;
    /** Called for every client; its "response" event carries (statusCode, resBytes, responseTime ms). */
    setupClient?: (client: Client) => void;
  };
  function autocannon(opts: Options, cb: (err: Error | null, result: unknown) => void): EventEmitter;
  export default autocannon;
}
