/**
 * Envelope text into message content. The reference keeps envelope addresses (and queue-file
 * text records) as text decoded from UTF-8, the bytes Postfix keeps, and message content as
 * byte strings (latin1: one char per byte, written with Buffer.from(s, 'latin1')). Where an
 * envelope address becomes part of the content (cleanup's From:, local's From_ line,
 * Return-Path, X-Original-To and Delivered-To, bounce's notices), its UTF-8 bytes are what
 * Postfix writes, since Postfix is 8-bit clean and copies the address bytes as they came.
 * Called by cleanup (the From: it adds), local (From_ line, Return-Path, X-Original-To,
 * Delivered-To), smtpd (its Received: header), smtp (MAIL FROM and RCPT TO as sent),
 * xtext.ts (decoding) and maps.ts (table keys); bounce writes its whole notice text as UTF-8
 * the same way.
 *
 * Differs from Postfix: with smtputf8_enable = no smtpd reads 8-bit command bytes as latin1
 * characters (smtpd/session.ts), so an 8-bit address is written here as the UTF-8 encoding of
 * those characters, two bytes for each 8-bit byte, where Postfix copies the single byte.
 */

/** The UTF-8 bytes of `text` as a byte string (one latin1 char per byte). */
export function utf8ByteString(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}
