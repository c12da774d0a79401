/**
 * Case folding of lookup keys and names, in one place for every service and table:
 *   lowercase(text)       ASCII letters only, as Postfix's lowercase() (stringops);
 *   casefold(text, utf8)  with smtputf8_enable = yes Postfix folds UTF-8 text (casefold(),
 *                         ICU case folding, approximated here by toLowerCase); otherwise
 *                         ASCII only, so "BÜCHER.EXAMPLE" stays different from "bücher.example".
 * Used by the fixed-string tables (DICT_FLAG_FOLD_FIX), table lists and match lists.
 */

const HAS_UPPER_ASCII = /[A-Z]/;

/** ASCII letters to lower case; every other character is left as it is. */
export function lowercase(text: string): string {
  return HAS_UPPER_ASCII.test(text) ? text.replace(/[A-Z]+/g, (s) => s.toLowerCase()) : text;
}

/** Fold for comparison: all of UTF-8 when smtputf8_enable is on, else ASCII only. */
export function casefold(text: string, utf8: boolean): string {
  return utf8 ? text.toLowerCase() : lowercase(text);
}
