import 'fake-indexeddb/auto';
import { deleteDB, type DBSchema } from 'idb';
import { describe, expect, it } from 'vitest';
import { IdbConnection } from '../../../src/lib/idb-connection.ts';

interface TestDb extends DBSchema {
  items: { key: string; value: number };
}

let counter = 0;
const uniqueName = () => `test-idb-connection-${process.pid}-${++counter}`;
const createItems = (db: { createObjectStore(name: 'items'): unknown; objectStoreNames: DOMStringList }) => {
  if (!db.objectStoreNames.contains('items')) db.createObjectStore('items');
};

describe('IdbConnection', () => {
  it('opens once and hands out the same connection', async () => {
    // Prepare
    const connection = new IdbConnection<TestDb>(uniqueName(), 1, createItems);

    // Act
    const [a, b] = await Promise.all([connection.open(), connection.open()]);

    // Assess
    expect(a).toBe(b);
    await connection.close();
  });

  it('lets a newer version in another tab upgrade, and opens again after', async () => {
    // Prepare
    const name = uniqueName();
    const older = new IdbConnection<TestDb>(name, 1, createItems);
    const first = await older.open();
    const newer = new IdbConnection<TestDb>(name, 2, createItems);

    // Act: without the older one closing on `blocking`, this open would wait for ever
    const upgraded = await newer.open();

    // Assess
    expect(upgraded.version).toBe(2);
    await newer.close();
    const reopened = await older.open().catch((error: unknown) => error);
    expect(reopened).not.toBe(first);
    await older.close();
  });

  it('does not keep a failed open: the next call tries again', async () => {
    // Prepare: the database is at version 2, so opening version 1 fails
    const name = uniqueName();
    const newer = new IdbConnection<TestDb>(name, 2, createItems);
    await newer.open();
    await newer.close();
    const older = new IdbConnection<TestDb>(name, 1, createItems);
    await expect(older.open()).rejects.toThrow();

    // Act
    await deleteDB(name);
    const db = await older.open();

    // Assess
    expect(db.version).toBe(1);
    await older.close();
  });
});
