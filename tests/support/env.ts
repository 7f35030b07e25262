/**
 * The stack a test tier runs against, from the environment `npm test` sets. To run a tier by
 * hand against `npm start`: `export $(npm run -s status | xargs)` then
 * `npx jest --selectProjects api`.
 */
function need(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the tests through \`npm test\`, or export the output of \`npm run -s status\``);
  }
  return value;
}

export const stackEnv = {
  get apiUrl() { return need('API_URL'); },
  get dbUrl() { return need('DB_URL'); },
  get anonKey() { return need('ANON_KEY'); },
  get serviceRoleKey() { return need('SERVICE_ROLE_KEY'); },
  get jwtSecret() { return need('JWT_SECRET'); },
  get h5Url() { return need('H5_URL'); },
  /** The identity platform stand-in (its public realname endpoint hands out tickets). */
  get idpUrl() { return need('IDP_BASE_URL'); },
};
