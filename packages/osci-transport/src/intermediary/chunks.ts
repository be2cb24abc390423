import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OsciError } from '../errors.js';
import type { StoreChunkInformation } from '../model/types.js';
import { ensureDirectory, fsyncDirectory, removeTemporaryFiles, writeFileDurable } from './durable.js';
import { messageIdKey } from './mailbox.js';

/** Limits of chunked transfer (`osci2017:FeatureDescription`). */
export interface ChunkLimits {
  readonly maxChunkSize: number;
  readonly minChunkSize: number;
  readonly maxMessageSize: number;
  /** Seconds an incomplete message is kept (`ChunkMessageTimeOut`). */
  readonly chunkMessageTimeOut: number;
}

interface Manifest {
  readonly owner: string;
  readonly chunkSize: number;
  readonly totalChunkNumbers: number;
  readonly totalMessageSize: number;
  readonly started: number;
}

function chunkError(code: string, message: string, details: Record<string, unknown> = {}): OsciError {
  return new OsciError('FEEDBACK_ERROR', message, { details: { ...details, feedbackCode: code } });
}

/**
 * Chunks of partialStoreDelivery orders, kept durably (`chunks/<id>/manifest.json`, `chunks/<id>/<n>`,
 * each written with fsync and rename) until the message is complete and handed on.
 */
export class ChunkStore {
  private readonly locks = new Set<string>();

  constructor(
    private readonly directory: string,
    private readonly limits: ChunkLimits,
  ) {}

  private dir(messageId: string): string {
    const key = messageIdKey(messageId);
    if (key === undefined) throw chunkError('9801', 'MessageId is not canonical base64');
    return join(this.directory, key);
  }

  private async manifest(dir: string): Promise<Manifest | undefined> {
    try {
      return JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    } catch {
      return undefined;
    }
  }

  /** Numbers of the chunks received for a message. */
  async received(messageId: string): Promise<number[]> {
    const dir = this.dir(messageId);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    return names
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .sort((a, b) => a - b);
  }

  async info(messageId: string): Promise<{ received: number[]; total: number } | undefined> {
    const manifest = await this.manifest(this.dir(messageId));
    return manifest === undefined
      ? undefined
      : { received: await this.received(messageId), total: manifest.totalChunkNumbers };
  }

  /**
   * Stores one chunk after checking it against the limits and the earlier chunks (9900 … 9905); returns the
   * whole message when this was the last missing chunk.
   */
  async add(
    messageId: string,
    owner: string,
    info: StoreChunkInformation,
    data: Uint8Array,
  ): Promise<{ received: number[]; complete: Buffer | undefined }> {
    const dir = this.dir(messageId);
    if (this.locks.has(dir)) throw chunkError('9905', 'another chunk of this message is being stored');
    this.locks.add(dir);
    try {
      const { chunkNumber, chunkSize, totalChunkNumbers, totalMessageSize } = info;
      if (chunkSize > this.limits.maxChunkSize) throw chunkError('9902', 'maximum chunk size exceeded');
      if (totalMessageSize > this.limits.maxMessageSize)
        throw chunkError('9904', 'maximum message size exceeded');
      if (totalChunkNumbers > 1 && chunkSize < this.limits.minChunkSize) {
        throw chunkError('9903', 'chunk smaller than the minimum chunk size');
      }
      if (chunkNumber < 1 || chunkNumber > totalChunkNumbers) throw chunkError('9901', 'wrong chunk number');
      if (Math.ceil(totalMessageSize / chunkSize) !== totalChunkNumbers) {
        throw chunkError('9905', 'chunk size, chunk count and message size do not fit');
      }
      const expectedLength =
        chunkNumber < totalChunkNumbers ? chunkSize : totalMessageSize - chunkSize * (totalChunkNumbers - 1);
      if (data.byteLength !== expectedLength) {
        throw chunkError('9905', 'the chunk does not have its announced size', {
          expected: expectedLength,
          received: data.byteLength,
        });
      }
      await ensureDirectory(this.directory);
      let manifest = await this.manifest(dir);
      if (manifest !== undefined && Date.now() - manifest.started > this.limits.chunkMessageTimeOut * 1000) {
        await rm(dir, { recursive: true, force: true });
        manifest = undefined;
      }
      if (manifest === undefined) {
        await ensureDirectory(dir);
        manifest = { owner, chunkSize, totalChunkNumbers, totalMessageSize, started: Date.now() };
        await writeFileDurable(join(dir, 'manifest.json'), [Buffer.from(JSON.stringify(manifest))]);
      } else if (
        manifest.owner !== owner ||
        manifest.chunkSize !== chunkSize ||
        manifest.totalChunkNumbers !== totalChunkNumbers ||
        manifest.totalMessageSize !== totalMessageSize
      ) {
        throw chunkError('9905', 'chunk information differs from the earlier chunks of this message');
      }
      await removeTemporaryFiles(dir);
      const before = await this.received(messageId);
      if (before.includes(chunkNumber)) throw chunkError('9900', 'chunk submitted twice', { chunkNumber });
      await writeFileDurable(join(dir, String(chunkNumber)), [data]);
      const received = [...before, chunkNumber].sort((a, b) => a - b);
      if (received.length < totalChunkNumbers) return { received, complete: undefined };
      const complete = Buffer.allocUnsafe(totalMessageSize);
      let offset = 0;
      for (let n = 1; n <= totalChunkNumbers; n++) {
        const part = await readFile(join(dir, String(n)));
        part.copy(complete, offset);
        offset += part.byteLength;
      }
      return { received, complete };
    } finally {
      this.locks.delete(dir);
    }
  }

  /** Forgets the chunks of a message once it was handed on. */
  async remove(messageId: string): Promise<void> {
    await rm(this.dir(messageId), { recursive: true, force: true });
    await fsyncDirectory(this.directory).catch(() => undefined);
  }
}
