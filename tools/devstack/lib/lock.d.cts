// Types of lib/lock.cjs.
export declare function withLock<T>(file: string, fn: () => T | Promise<T>, options?: { timeoutMs?: number; onWait?: (ownerPid: number) => void }): Promise<T>;
export declare function isAlive(pid: number): boolean;
export declare function sleep(ms: number): Promise<void>;
