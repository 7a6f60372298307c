/*
 * gm/banned.h - functions the library and the CLI do not call. Each .c file includes it after
 * its other includes; a call of any of these is then a compile error. Why each is banned:
 *  - strcpy, strcat, strncpy, strncat, sprintf, vsprintf: no bound, or a bound that truncates
 *    without a NUL; use snprintf (and check its result) or memcpy with a known length;
 *  - gets: no bound at all;
 *  - strtok: hidden state, not reentrant (the heap loader runs threads);
 *  - atoi, atol, atoll: no error reporting; use strtol/strtoull with an end pointer.
 */
#ifndef GM_BANNED_H
#define GM_BANNED_H

#pragma GCC poison strcpy strcat strncpy strncat sprintf vsprintf gets strtok atoi atol atoll

#endif
