// warren's own version: shown by --version, written into saved plans, exports and lock records.
export const WARREN_VERSION = '0.1.0';
