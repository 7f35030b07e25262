/** The shape every domain's error table has: HTTP status and the Chinese message shown to a user. */
export type ErrorTable = Record<string, { status: number; message: string }>;
