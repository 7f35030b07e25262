import { portableToPostgres15 } from './portable.ts';

// Lines as pg-delta (Supabase CLI 2.117) writes them for a new table and function.
const generated = [
  'CREATE TABLE "app"."kiosk_pairings" (id uuid);',
  'GRANT DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE ON TABLE "app"."kiosk_pairings" TO "postgres";',
  'REVOKE ALL ON FUNCTION "public"."kiosk_devices"(uuid) FROM PUBLIC;',
  'GRANT EXECUTE ON FUNCTION "public"."kiosk_devices"(uuid) TO "authenticated", "postgres", "service_role";',
  'GRANT SELECT ON TABLE "app"."kiosk_pairings" TO "authenticated";',
].join('\n');

test('the owner is dropped from every GRANT, and a grant left to nobody goes', () => {
  expect(portableToPostgres15(generated).split('\n')).toEqual([
    'CREATE TABLE "app"."kiosk_pairings" (id uuid);',
    'REVOKE ALL ON FUNCTION "public"."kiosk_devices"(uuid) FROM PUBLIC;',
    'GRANT EXECUTE ON FUNCTION "public"."kiosk_devices"(uuid) TO "authenticated", "service_role";',
    'GRANT SELECT ON TABLE "app"."kiosk_pairings" TO "authenticated";',
  ]);
});

test('MAINTAIN granted to another role stops the command: PostgreSQL 15 has no such privilege', () => {
  expect(() => portableToPostgres15('GRANT MAINTAIN ON TABLE "app"."x" TO "service_role";')).toThrow(/PostgreSQL 17 only/);
});
