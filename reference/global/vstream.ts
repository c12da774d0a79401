/**
 * The one size Postfix's VSTREAM streams share (vstream.h): a stream reads and writes through a
 * buffer of VSTREAM_BUFSIZE bytes. Where the reference models what Postfix does with that buffer
 * (how smtpd reads a client and BDAT chunks, when smtpd's content reaches cleanup, how cleanup
 * writes a queue file, when a closed connection still holds unread bytes), it uses this name.
 */

/** Bytes in one VSTREAM buffer: one read(2) or write(2) of a Postfix stream at most. */
export const VSTREAM_BUFSIZE = 4096;
