/** Whole-database operations of the local stack. */
import pg from 'pg';
import { DB_NAME } from './config.ts';
import { migrate, type MigrateResult } from './migrate.ts';

/**
 * Drops and recreates the application database, then applies migrations and the seed.
 * Open connections (PostgREST's pool) are cut; PostgREST reconnects and reloads its schema.
 */
export async function resetDatabase(url: string, projectUrl: string): Promise<MigrateResult> {
  const admin = new pg.Client({ connectionString: url.replace(/\/[^/]*$/, '/template1') });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${DB_NAME} with (force)`);
    await admin.query(`create database ${DB_NAME}`);
  } finally {
    await admin.end();
  }
  return migrate(url, { seed: true, projectUrl });
}
