/**
 * C library strerror() texts for the Node error codes local(8) can meet while opening and
 * writing files, so its reasons read as Postfix's ("%m").
 */
const TEXTS: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  ELOOP: 'Too many levels of symbolic links',
  EAGAIN: 'Resource temporarily unavailable',
  EEXIST: 'File exists',
  EIO: 'Input/output error',
};

export function strerror(err: NodeJS.ErrnoException): string {
  return TEXTS[err.code ?? ''] ?? err.message;
}
