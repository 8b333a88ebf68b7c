/** Opens a URL in the user's browser (Electron: shell.openExternal; headless: print it). */
export type OpenExternal = (url: string) => Promise<void>;
