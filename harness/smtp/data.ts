/**
 * Message content for SMTP DATA (RFC 5321 §4.5.2): line endings normalised to CRLF and
 * lines starting with "." doubled, as a well-behaved client sends them.
 */

/** Bytes of a string (UTF-8) or a Buffer as given. */
export function toBytes(data: string | Buffer): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/**
 * Encode message content for the wire: CR, LF and CRLF all become CRLF, the content ends with
 * CRLF (unless empty), and a leading "." on any line is doubled. The terminator is not added.
 */
export function encodeData(message: string | Buffer): Buffer {
  // latin1 maps every byte to one char and back, so non-ASCII bytes survive untouched.
  let text = toBytes(message).toString('latin1').replace(/\r\n|\r|\n/g, '\r\n');
  if (text.length > 0 && !text.endsWith('\r\n')) text += '\r\n';
  text = text.replace(/(^|\r\n)\./g, '$1..');
  return Buffer.from(text, 'latin1');
}
