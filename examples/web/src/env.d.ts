/// <reference types="vite/client" />

/** What the example reads from Vite's environment (shell variables or examples/web/.env.local). */
interface ImportMetaEnv {
  /** The evaluator's base URL, e.g. http://127.0.0.1:8080 (`switchyard dev` prints it). */
  readonly VITE_SWITCHYARD_URL?: string;
  /** An SDK key with the `flags` scope (`switchyard key create --env <env> --scopes flags`). */
  readonly VITE_SWITCHYARD_SDK_KEY?: string;
}
