/** Types of scripts/build-if-stale.mjs (plain JavaScript: it runs before anything is compiled). */
export declare const COMPILED_FOLDERS: string[];
export declare const BUILD_FILES: string[];
export declare const BUILD_RECORD: string;
/** Why the build in `root` is stale (the missing record, or the first newer input found), or undefined when up to date. */
export declare function staleReason(root: string): string | undefined;
