import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OsciError } from '../errors.js';
import { buildMultipartRelated, type ParsedMultipart, parseMultipartRelated } from '../mime/multipart.js';
import type { Inspection, ProcessCardBundle, XsdDateTime } from '../model/types.js';
import type { WireAttachment } from '../transport/wire.js';
import { ensureDirectory, removeTemporaryFiles, writeFileDurable } from './durable.js';

/** What the intermediary keeps about one message: the facts of its process card (Laufzettel). */
export interface ProcessCardRecord {
  readonly messageId: string;
  /** How the message passed the intermediary. */
  readonly kind: 'store' | 'forward' | 'mediate' | 'reply';
  /** SHA-256 (hex) of the originator's encryption certificate. */
  readonly originator: string;
  /** SHA-256 (hex) of the addressee's encryption certificate, when known. */
  readonly addressee?: string;
  readonly subject?: string;
  readonly creation: XsdDateTime;
  readonly forwarding?: XsdDateTime;
  readonly reception?: XsdDateTime;
  readonly recentModification: XsdDateTime;
  readonly inspections: readonly Inspection[];
}

/** A stored delivery as read back. */
export interface StoredDelivery {
  readonly card: ProcessCardRecord;
  /** The decrypted, client-signed storeDelivery envelope as received. */
  readonly xml: string;
  readonly mime: ParsedMultipart;
}

const MAGIC = 'OSCI-DELIVERY/1';
const HEX_ID = /^[0-9a-f]{2,256}$/;

/** The file name form of a base64 MessageId; refuses anything that is not canonical base64. */
export function messageIdKey(messageId: string): string | undefined {
  if (!/^[A-Za-z0-9+/]{4,340}={0,2}$/.test(messageId)) return undefined;
  const bytes = Buffer.from(messageId, 'base64');
  if (bytes.toString('base64') !== messageId) return undefined;
  return bytes.toString('hex');
}

/** The process card of a record, in the model's form. */
export function processCardBundle(card: ProcessCardRecord): ProcessCardBundle {
  const plain = (time: string) => ({ kind: 'plain' as const, time });
  return {
    messageId: card.messageId,
    processCard: {
      recentModification: card.recentModification,
      creation: plain(card.creation),
      ...(card.forwarding === undefined ? {} : { forwarding: plain(card.forwarding) }),
      ...(card.reception === undefined ? {} : { reception: plain(card.reception) }),
      ...(card.subject === undefined ? {} : { subject: card.subject }),
    },
    inspectionReport: card.inspections,
  };
}

/**
 * The intermediary's durable store on the filesystem:
 *
 * - `ids/<id>`: MessageIds issued by getMessageId (an id is accepted once, and only if issued here);
 * - `deliveries/<addressee>/<id>.osci`: one file per delivery for a passive recipient, holding the process
 *   card facts at storage time and the signed storeDelivery with its attachment parts (MIME);
 * - `cards/<id>.json`: the current process card once it changed after creation (forwarding, reception),
 *   and the cards of forwarded and mediated messages.
 *
 * Every file is written to a temporary file, fsynced, renamed and its directory fsynced before the write
 * is acknowledged, so a crash leaves either the whole file or nothing; temporary files are removed on open.
 * `<addressee>` is the SHA-256 of the addressee's encryption certificate, `<id>` the hex of the MessageId.
 */
export class Mailbox {
  private readonly issued = new Set<string>();
  private readonly cards = new Map<string, ProcessCardRecord>();
  /** Deliveries per addressee, in order of storage. */
  private readonly boxes = new Map<string, string[]>();
  private readonly pending = new Set<string>();

  private constructor(readonly directory: string) {}

  /** Opens (and creates) the store and rebuilds its index from the files. */
  static async open(directory: string): Promise<Mailbox> {
    const mailbox = new Mailbox(directory);
    await mailbox.load();
    return mailbox;
  }

  private path(...parts: string[]): string {
    return join(this.directory, ...parts);
  }

  private async load(): Promise<void> {
    for (const sub of ['ids', 'deliveries', 'cards']) {
      await ensureDirectory(this.path(sub));
      await removeTemporaryFiles(this.path(sub));
    }
    for (const name of await readdir(this.path('ids'))) if (HEX_ID.test(name)) this.issued.add(name);
    const stored: Array<{ key: string; addressee: string; card: ProcessCardRecord }> = [];
    for (const addressee of await readdir(this.path('deliveries'))) {
      if (!HEX_ID.test(addressee)) continue;
      await removeTemporaryFiles(this.path('deliveries', addressee));
      for (const file of await readdir(this.path('deliveries', addressee))) {
        const key = file.endsWith('.osci') ? file.slice(0, -5) : '';
        if (!HEX_ID.test(key)) continue;
        const card = await this.readHeader(this.path('deliveries', addressee, file));
        stored.push({ key, addressee, card });
      }
    }
    stored.sort((a, b) => a.card.creation.localeCompare(b.card.creation));
    for (const { key, addressee, card } of stored) {
      this.cards.set(key, card);
      this.box(addressee).push(key);
    }
    for (const file of await readdir(this.path('cards'))) {
      const key = file.endsWith('.json') ? file.slice(0, -5) : '';
      if (!HEX_ID.test(key)) continue;
      const card = JSON.parse(await readFile(this.path('cards', file), 'utf8')) as ProcessCardRecord;
      this.cards.set(key, card);
    }
  }

  private box(addressee: string): string[] {
    let box = this.boxes.get(addressee);
    if (box === undefined) {
      box = [];
      this.boxes.set(addressee, box);
    }
    return box;
  }

  private async readHeader(path: string): Promise<ProcessCardRecord> {
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(64);
      const { bytesRead } = await handle.read(head, 0, 64, 0);
      const line = head.subarray(0, bytesRead).toString('latin1').split('\n')[0] ?? '';
      const [magic, lengthText] = line.split(' ');
      const length = Number(lengthText);
      if (magic !== MAGIC || !Number.isSafeInteger(length) || length <= 0 || length > 16 * 1024 * 1024) {
        throw new OsciError('MAILBOX_CORRUPT', 'delivery file has no valid header', { details: { path } });
      }
      const meta = Buffer.alloc(length);
      await handle.read(meta, 0, length, line.length + 1);
      return JSON.parse(meta.toString('utf8')) as ProcessCardRecord;
    } finally {
      await handle.close();
    }
  }

  /** Records a MessageId issued by getMessageId, durably. */
  async issueMessageId(messageId: string, client: string): Promise<void> {
    const key = messageIdKey(messageId);
    if (key === undefined) throw new OsciError('MESSAGE_INVALID', 'MessageId is not canonical base64');
    await writeFileDurable(this.path('ids', key), [
      Buffer.from(JSON.stringify({ issuedAt: new Date().toISOString(), client })),
    ]);
    this.issued.add(key);
  }

  /** Whether the id was issued here and is not used yet (and not being used right now). */
  isUsable(messageId: string): boolean {
    const key = messageIdKey(messageId);
    return key !== undefined && this.issued.has(key) && !this.cards.has(key) && !this.pending.has(key);
  }

  /**
   * Reserves an issued, unused MessageId for one delivery; refuses with `9801` otherwise. Release it with
   * the returned function if the delivery fails before it is stored.
   */
  reserve(messageId: string): () => void {
    const key = messageIdKey(messageId);
    if (key === undefined || !this.isUsable(messageId)) {
      throw new OsciError('FEEDBACK_ERROR', 'MessageId not issued by this intermediary or already used', {
        details: { feedbackCode: '9801', messageId },
      });
    }
    this.pending.add(key);
    return () => this.pending.delete(key);
  }

  /** Stores a delivery for its addressee; resolves only when it is durable. */
  async storeDelivery(
    card: ProcessCardRecord,
    xml: string,
    attachments: readonly WireAttachment[],
  ): Promise<void> {
    const key = messageIdKey(card.messageId);
    if (key === undefined || card.addressee === undefined) {
      throw new OsciError('MESSAGE_INVALID', 'delivery needs a MessageId and an addressee');
    }
    const mime = buildMultipartRelated({
      soapXml: xml,
      attachments: attachments.map((a) => ({ contentId: a.contentId, data: a.data })),
    });
    const meta = Buffer.from(JSON.stringify(card), 'utf8');
    const header = Buffer.from(`${MAGIC} ${meta.byteLength}\n`, 'latin1');
    const directory = this.path('deliveries', card.addressee);
    await ensureDirectory(directory);
    await writeFileDurable(join(directory, `${key}.osci`), [
      header,
      meta,
      Buffer.from('\n'),
      mime.entityHeaders,
      ...mime.bodyChunks,
    ]);
    this.cards.set(key, card);
    this.box(card.addressee).push(key);
  }

  /** Saves a process card (a new one, or a change of a stored one); resolves when durable. */
  async saveCard(card: ProcessCardRecord): Promise<void> {
    const key = messageIdKey(card.messageId);
    if (key === undefined) throw new OsciError('MESSAGE_INVALID', 'MessageId is not canonical base64');
    await writeFileDurable(this.path('cards', `${key}.json`), [Buffer.from(JSON.stringify(card), 'utf8')]);
    this.cards.set(key, card);
  }

  card(messageId: string): ProcessCardRecord | undefined {
    const key = messageIdKey(messageId);
    return key === undefined ? undefined : this.cards.get(key);
  }

  /** Every process card, in order of creation. */
  allCards(): ProcessCardRecord[] {
    return [...this.cards.values()].sort((a, b) => a.creation.localeCompare(b.creation));
  }

  /** MessageIds of the deliveries stored for an addressee, oldest first. */
  deliveries(addressee: string): string[] {
    return (this.boxes.get(addressee) ?? []).map((key) => this.cards.get(key)?.messageId ?? '');
  }

  /** Reads a stored delivery of the addressee; `undefined` if there is none with this id for it. */
  async readDelivery(addressee: string, messageId: string): Promise<StoredDelivery | undefined> {
    const key = messageIdKey(messageId);
    if (key === undefined || !(this.boxes.get(addressee) ?? []).includes(key)) return undefined;
    const file = await readFile(this.path('deliveries', addressee, `${key}.osci`));
    const newline = file.indexOf(0x0a);
    const [magic, lengthText] = file.toString('latin1', 0, Math.max(0, newline)).split(' ');
    const length = Number(lengthText);
    if (magic !== MAGIC || !Number.isSafeInteger(length) || newline + 1 + length + 1 > file.byteLength) {
      throw new OsciError('MAILBOX_CORRUPT', 'delivery file is damaged', { details: { messageId } });
    }
    const mime = parseMultipartRelated(file.subarray(newline + 1 + length + 1), {
      maxPartBytes: Number.MAX_SAFE_INTEGER,
      maxTotalBytes: Number.MAX_SAFE_INTEGER,
    });
    const card = this.cards.get(key) as ProcessCardRecord;
    return { card, xml: mime.soapPart.body.toString('utf8'), mime };
  }
}
