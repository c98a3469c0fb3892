import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replaceFileDurably } from '../../../infra/local/durable-file.ts';

describe('replaceFileDurably', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'lhr-durable-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('replaces the file whole and leaves no temporary file beside it', async () => {
    // Prepare
    const path = join(folder, 'checkpoints.json');
    await writeFile(path, 'old');

    // Act
    await replaceFileDurably(path, 'new body\n');

    // Assess
    expect(await readFile(path, 'utf8')).toBe('new body\n');
    expect(await readdir(folder)).toEqual(['checkpoints.json']);
  });

  it('rejects when the folder is gone', async () => {
    // Prepare
    const path = join(folder, 'missing', 'checkpoints.json');

    // Act
    const writing = replaceFileDurably(path, 'body');

    // Assess
    await expect(writing).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
