/**
 * The address-list parser of Postfix's global library (tok822_parse() in tok822_parse.c),
 * re-expressed: the flat tokens of tok822.ts's scan() are grouped into address nodes the way
 * Postfix's parser groups them, from right to left, so that callers count and pick addresses
 * as Postfix does. Used by smtpd's extract_addr() (reference/services/smtpd/address.ts), which
 * refuses an envelope argument holding more than one address ("Illegal address syntax").
 *
 * The rules (RFC 822 section 6.1 with Postfix's leniency): the tokens inside "<...>" are one
 * address, and what follows a ">" up to the next operator is another; without angle brackets
 * a word directly after a word (no operator between them) starts a new address, as if a comma
 * had been left out; comments are moved out of addresses, behind them; "name: a, b;" is a group
 * whose ":" becomes a group start. A comma is inserted where the parser splits two addresses.
 *
 * Differs from Postfix: no token-count limit (tok822_parse_limit()); callers that need one cut
 * the scanned tokens first.
 */
import type { Tok } from './tok822.ts';

/** One node of the parse: a token, an address (its tokens), or the start of a named group. */
export type Tok822Node =
  | { kind: 'token'; tok: Tok }
  | { kind: 'address'; toks: Tok[] }
  | { kind: 'startgrp' };

/** A doubly linked list cell: the parser moves and regroups tokens in place. */
interface Cell {
  node: Tok822Node | undefined; // undefined: one of the two sentinels
  prev?: Cell;
  next?: Cell;
}

/** "a word may come here" / "inside a named group" (the parser's two state bits). */
const DO_WORD = 1;
const DO_GROUP = 2;

const typeOf = (c: Cell): string | undefined =>
  c.node === undefined ? undefined : c.node.kind === 'token' ? c.node.tok.type : c.node.kind;

const isWord = (t: string | undefined) => t === 'atom' || t === 'qstring' || t === 'domlit';

function link(left: Cell, right: Cell): void {
  left.next = right;
  right.prev = left;
}

/** Take `c` out of the list; returns the cell before it. */
function unlink(c: Cell): Cell {
  const prev = c.prev!;
  link(prev, c.next!);
  return prev;
}

/** Put `c` just before `at`. */
function insertBefore(at: Cell, c: Cell): void {
  link(at.prev!, c);
  link(c, at);
}

/** The tokens of the cells strictly between `left` and `right`. */
function tokensBetween(left: Cell, right: Cell): Tok[] {
  const toks: Tok[] = [];
  for (let c = left.next!; c !== right; c = c.next!) {
    const n = c.node!;
    if (n.kind === 'token') toks.push(n.tok);
    else if (n.kind === 'address') toks.push(...n.toks);
    else toks.push({ type: ':', text: ':', owned: false }); // a group start inside a group
  }
  return toks;
}

/**
 * Replace the cells between `left` and `right` (if any) by one address node, with a comma
 * before it when `comma` is set (the parser's resynchronisation); returns `left`.
 */
function group(left: Cell, right: Cell, comma: boolean): Cell {
  if (left === right || left.next === right) return left;
  const addr: Cell = { node: { kind: 'address', toks: tokensBetween(left, right) } };
  link(left, addr);
  link(addr, right);
  if (comma) insertBefore(addr, { node: { kind: 'token', tok: { type: ',', text: ',', owned: false } } });
  return left;
}

/** The parse of a scanned token list into addresses and the tokens around them. */
export function tok822Parse(toks: readonly Tok[]): Tok822Node[] {
  const head: Cell = { node: undefined };
  const tail: Cell = { node: undefined };
  let last = head;
  for (const tok of toks) {
    const c: Cell = { node: { kind: 'token', tok } };
    link(last, c);
    last = c;
  }
  link(last, tail);

  let state = DO_WORD;
  let right = tail;
  let tp = tail.prev!;
  // A comment moves out of the way: it goes just before `right` and becomes the new `right`.
  const moveComment = (): void => {
    const prev = unlink(tp);
    insertBefore(right, tp);
    right = tp;
    tp = prev;
  };
  while (tp !== head) {
    const type = typeOf(tp);
    if (type === 'comment') {
      moveComment();
      continue;
    }
    if (type === ';') {
      right = group(tp, right, true);
      state = DO_GROUP | DO_WORD;
    } else if (type === ':' && state & DO_GROUP) {
      tp.node = { kind: 'startgrp' };
      group(tp, right, false);
      while (tp !== head && typeOf(tp) !== ',') tp = tp.prev!;
      right = tp;
      continue;
    } else if (type === '>') {
      // What follows ">" is an address of its own; the tokens inside "<...>" are one.
      right = group(tp, right, true);
      while (tp !== head && typeOf(tp) !== '<') {
        if (typeOf(tp) === 'comment') moveComment();
        else tp = tp.prev!;
      }
      group(tp, right, false);
      while (tp !== head && !['>', ';', ',', ':'].includes(typeOf(tp)!)) tp = tp.prev!;
      right = tp;
      state |= DO_WORD;
      continue;
    } else if (isWord(type)) {
      if (!(state & DO_WORD)) right = group(tp, right, true).next!;
      state &= ~DO_WORD;
    } else if (type === ',') {
      right = group(tp, right, false);
      state |= DO_WORD;
    } else {
      state |= DO_WORD;
    }
    tp = tp.prev!;
  }
  group(tp, right, false);

  const out: Tok822Node[] = [];
  for (let c = head.next!; c !== tail; c = c.next!) out.push(c.node!);
  return out;
}

/**
 * An address node's text in internal form (tok822_internalize() of its tokens): the words
 * unquoted, domain literals in brackets, and no blank between tokens (they belong to the node).
 */
export function addressText(toks: readonly Tok[]): string {
  return toks.map((t) => (t.type === 'domlit' ? `[${t.text}]` : t.text)).join('');
}
