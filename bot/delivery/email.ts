// E-mail delivery port and its SMTP implementation (nodemailer).
import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';

export interface MailAddress {
  name: string;
  address: string;
}

export interface EmailMessage {
  to: string;
  /** Whom the message is from (an office): its From, or its Reply-To when the SMTP account sends as one fixed address. */
  sender: MailAddress;
  subject: string;
  text: string;
  /** A whole HTML document (see renderHtml), sent as the text/html alternative. */
  html: string;
  /** Sent as a text/calendar alternative, so mail clients show an invite with RSVP buttons. */
  ics?: { method: 'REQUEST' | 'CANCEL'; content: string };
  attachments?: { filename: string; content: string; contentType: string }[];
  /** The same key always gives the same Message-ID, so a resend is recognisable. */
  idempotencyKey: string;
}

export interface EmailSender {
  /** Rejects when the server does not accept the message, so the caller can retry. */
  send(message: EmailMessage): Promise<void>;
}

/** `from`: SMTP_FROM, the one address the account may send as (then the sender is the Reply-To); null: From is the sender. */
export function createSmtpEmailSender(options: { url: string; from: string | null }): EmailSender {
  parseSmtpUrl(options.url);
  const transport = createTransport(options.url);
  return {
    async send(message) {
      await transport.sendMail({
        from: options.from ?? message.sender,
        ...(options.from ? { replyTo: message.sender } : {}),
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        icalEvent: message.ics && { method: message.ics.method, content: message.ics.content },
        attachments: message.attachments,
        messageId: messageIdFor(message.idempotencyKey),
      });
    },
  };
}

export function messageIdFor(idempotencyKey: string): string {
  return `<${createHash('sha256').update(idempotencyKey).digest('hex')}@sidos>`;
}

/** Validates SMTP_URL; the error never repeats the value, which may hold a password. */
export function parseSmtpUrl(value: string): URL {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || !url.hostname) {
    throw new Error(
      'SMTP_URL must be smtp://[user:password@]host[:port] (STARTTLS when offered) ' +
        'or smtps://[user:password@]host[:port] (TLS from the start)',
    );
  }
  return url;
}
