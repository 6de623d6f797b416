/*
 * mproto.h - the milter wire protocol (version 6, as Postfix and Sendmail
 * speak it), as a pure codec: framing of packets, decoding of the MTA's
 * commands, encoding of replies and modifications, and the macros the MTA
 * defines per stage.  No I/O, no threads; mengine.c drives it.
 *
 * A packet on the wire is a 32-bit big-endian length (of what follows),
 * one command byte and length - 1 bytes of data.  Strings inside are
 * NUL-terminated.  Every decoder takes a packet whose data points into the
 * caller's buffer and never reads past its length; strings it returns point
 * into that buffer and live as long as it does.
 *
 * Thread-safety: none needed; every object belongs to one connection.
 */
#ifndef BG_MPROTO_H
#define BG_MPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MP_VERSION 6

/* Larger packets are a protocol error: Postfix sends body chunks of at
 * most 64 KB and header fields up to its header_size_limit (100 KB by
 * default); Sendmail's MILTER_MAX_DATA_SIZE goes to 1 MB. */
#define MP_PACKET_MAX (2u * 1024 * 1024)

/* Commands of the MTA. */
#define MPC_ABORT 'A'
#define MPC_BODY 'B'
#define MPC_CONNECT 'C'
#define MPC_MACRO 'D'
#define MPC_EOM 'E'
#define MPC_HELO 'H'
#define MPC_QUIT_NC 'K'
#define MPC_HEADER 'L'
#define MPC_MAIL 'M'
#define MPC_EOH 'N'
#define MPC_OPTNEG 'O'
#define MPC_QUIT 'Q'
#define MPC_RCPT 'R'
#define MPC_DATA 'T'
#define MPC_UNKNOWN 'U'

/* Replies and modifications of the filter. */
#define MPR_ADDRCPT '+'
#define MPR_DELRCPT '-'
#define MPR_ACCEPT 'a'
#define MPR_CONTINUE 'c'
#define MPR_DISCARD 'd'
#define MPR_CHGFROM 'e'
#define MPR_ADDHEADER 'h'
#define MPR_INSHEADER 'i'
#define MPR_CHGHEADER 'm'
#define MPR_OPTNEG 'O'
#define MPR_PROGRESS 'p'
#define MPR_REJECT 'r'
#define MPR_SKIP 's'
#define MPR_TEMPFAIL 't'
#define MPR_REPLYCODE 'y'

/* Actions the filter may take (negotiated). */
#define MPA_ADDHDRS 0x001UL
#define MPA_CHGBODY 0x002UL
#define MPA_ADDRCPT 0x004UL
#define MPA_DELRCPT 0x008UL
#define MPA_CHGHDRS 0x010UL
#define MPA_QUARANTINE 0x020UL
#define MPA_CHGFROM 0x040UL

/* Protocol steps the MTA may leave out or not wait for (negotiated). */
#define MPP_NOCONNECT 0x000001UL
#define MPP_NOHELO 0x000002UL
#define MPP_NOMAIL 0x000004UL
#define MPP_NORCPT 0x000008UL
#define MPP_NOBODY 0x000010UL
#define MPP_NOHDRS 0x000020UL
#define MPP_NOEOH 0x000040UL
#define MPP_NR_HDR 0x000080UL
#define MPP_NOUNKNOWN 0x000100UL
#define MPP_NODATA 0x000200UL
#define MPP_SKIP 0x000400UL
#define MPP_RCPT_REJ 0x000800UL
#define MPP_NR_CONN 0x001000UL
#define MPP_NR_HELO 0x002000UL
#define MPP_NR_MAIL 0x004000UL
#define MPP_NR_RCPT 0x008000UL
#define MPP_NR_DATA 0x010000UL
#define MPP_NR_UNKN 0x020000UL
#define MPP_NR_EOH 0x040000UL
#define MPP_NR_BODY 0x080000UL
#define MPP_HDR_LEADSPC 0x100000UL

struct mp_packet {
    char cmd;
    const unsigned char *data;
    size_t len;
};

/* The next packet at buf: the bytes it takes (> 0) with *pkt set, 0 when
 * buf holds only part of it, -1 when its length is 0 or above max. */
long mp_next(const unsigned char *buf, size_t len, size_t max,
             struct mp_packet *pkt);

/* Splits a packet's data into its NUL-terminated strings: up to max - 1
 * pointers into the data, then a NULL.  The count, or -1 when the data
 * does not end with a NUL or holds more strings. */
int mp_strings(const struct mp_packet *p, const char **v, size_t max);

/* OPTNEG: the MTA's version, actions and protocol flags. */
bool mp_optneg(const struct mp_packet *p, uint32_t *version_r,
               uint32_t *actions_r, uint32_t *protocol_r);

/* CONNECT: host name, family ('4', '6', 'L' unix, 'U' unknown), port and
 * address text ("" for 'U'). */
bool mp_connect(const struct mp_packet *p, const char **host_r,
                char *family_r, unsigned *port_r, const char **addr_r);

/* HEADER: name and value. */
bool mp_header(const struct mp_packet *p, const char **name_r,
               const char **value_r);

/* ------------------------------------------------------------ output */

/* A growing output buffer; mp_out_free() releases it. */
struct mp_out {
    unsigned char *buf;
    size_t len, cap;
};

/* Appends one packet: cmd and len bytes of data (data may be NULL when
 * len is 0).  false when out of memory (nothing appended). */
bool mp_put(struct mp_out *o, char cmd, const void *data, size_t len);
/* Appends a packet of up to three NUL-terminated strings (NULL ends the
 * list early), after an optional 32-bit big-endian number (index >= 0). */
bool mp_put_strs(struct mp_out *o, char cmd, long index, const char *a,
                 const char *b, const char *c);
/* The OPTNEG reply. */
bool mp_put_optneg(struct mp_out *o, uint32_t version, uint32_t actions,
                   uint32_t protocol);
/* The SMTP reply of a reject or tempfail: "code xcode text", or "code
 * text" when xcode is "" or NULL (the MTA adds its own); at most 1023
 * bytes, cut at a UTF-8 character boundary.  false when the code is not
 * 4xx or 5xx or the text holds CR or LF. */
bool mp_put_reply(struct mp_out *o, const char *code, const char *xcode,
                  const char *text);
void mp_out_free(struct mp_out *o);

/* ------------------------------------------------------------ macros */

/* Stages the MTA defines macros for, in protocol order. */
enum mp_stage {
    MPS_CONNECT,
    MPS_HELO,
    MPS_MAIL,
    MPS_RCPT,
    MPS_DATA,
    MPS_EOH,
    MPS_EOM,
    MPS_COUNT
};

/* The macros of a connection: each stage keeps a copy of its last MACRO
 * packet's name/value pairs. */
struct mp_macros {
    char *data[MPS_COUNT];
    size_t len[MPS_COUNT];
};

/* The stage of a MACRO packet's command byte; -1 for an unknown one. */
int mp_macro_stage(char cmd);
/* Keeps a MACRO packet (its data after the command byte) for its stage,
 * replacing that stage's earlier macros.  false when the packet is
 * malformed or out of memory (the stage then has none). */
bool mp_macros_set(struct mp_macros *m, const struct mp_packet *p);
/* A macro's value, the latest stage first; "i" also finds "{i}" and
 * "{i}" also "i".  NULL when undefined. */
const char *mp_macros_get(const struct mp_macros *m, const char *name);
/* Forgets the macros of stage from and later ones. */
void mp_macros_clear(struct mp_macros *m, enum mp_stage from);

#endif
