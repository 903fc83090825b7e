// A real SMTP server on an ephemeral loopback port that keeps every mail it is
// given, so tests can read what Sidos sent.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  from: string | undefined;
  to: string[];
  raw: string;
}

export interface SmtpCapture {
  /** smtp://127.0.0.1:<port>, for SMTP_URL or createSmtpEmailSender. */
  url: string;
  /** Every accepted mail, in the order it arrived. */
  mails: CapturedMail[];
  close(): Promise<void>;
}

export interface SmtpCaptureOptions {
  /** Refuse these recipients with 550, as a server does for an unknown mailbox. */
  rejectRecipient?: (address: string) => boolean;
}

export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const mails: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!options.rejectRecipient?.(address.address)) return callback();
      callback(Object.assign(new Error('No such user'), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A captured mail as a mail client reads it, plus its text/calendar part as text, if it has one. */
export async function parseMail(mail: CapturedMail): Promise<ParsedMail & { calendar: string | undefined }> {
  const parsed = await simpleParser(mail.raw);
  const calendar = parsed.attachments.find((a) => a.contentType === 'text/calendar');
  return Object.assign(parsed, { calendar: calendar?.content.toString('utf8') });
}
